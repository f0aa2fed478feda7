"""Reps: the peaks of the exercise's driver signal, and where each leaves and returns to rest.

Peaks are found by :func:`scipy.signal.find_peaks` with a prominence criterion measured within about one rep
period; bounds where the driver leaves / returns to its resting level (:func:`_rep_bounds`). The glute bridge
(driver ``hip_height``) finds small incomplete reps too: a low prominence floor, with each peak checked to
be a rep (:func:`_bridge_keep`: the hip opens with the rise, knees bent), dips while holding the top merged
(:func:`_merge_top_dips`) and the bounds blind to the legs stretching out (:func:`_bridge_position_only`).
The upper back roll (driver ``thorax_extension``) counts a peak only in position, knees bent up above the hips
(:func:`_roll_keep`; getting onto the roller is not a rep), merges peaks across a dip of the angle that the
head's height does not show (:func:`_roll_merge_dips`); its bounds are blind to samples out of position
(:func:`_roll_position_only`), and where the angle's bound leaves the head still up the head's bound is taken
(:func:`_roll_head_bounds`).
:class:`RepCounter` is the streaming counterpart (one :meth:`RepCounter.update` per sample, hysteresis); it
agrees with :func:`find_reps` on clean input (``tests/test_segment.py``).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks, peak_prominences

from ..exercises import ExerciseSpec, get_exercise
from ..features import Signals, fill_gaps, widen
from .common import Segment

__all__ = ["find_reps", "RepCounter", "REP_REL_PROMINENCE", "REP_ONSET_EXTRAP"]

#: A rep's peak must rise above its neighbouring valleys by this share of the set's typical (90th
#: percentile) rep prominence; on synthetic sets noise bumps stay below 0.2 of it, the weakest reps of a
#: set reach 0.4.
REP_REL_PROMINENCE = 0.3
#: Per-driver overrides of ``REP_REL_PROMINENCE``.
#:
#: - Upper back roll: its driver (the hip→head line's tilt) grows 3–4× in a rep whose lower back arches (the
#:   lifted hips tilt the line further), so a correct rep beside an arched one reached only 0.25 of the
#:   set's biggest (rendered training sets: weakest rep 6.4°, biggest 31.9° in the same set); the absolute
#:   floor (``REP_MIN_PROMINENCE``) keeps bumps out instead.
#: - Bridge: an incomplete rep (hips up to 35–40° short of the line) rises 1.3–1.6 cm against 11–13 cm for
#:   a full rep of the same set (0.12–0.13 of it; rendered and fast-path training tracks), down to 0.08 on
#:   fast-path sets with a −40° rep between full ones (200 probe sets, 5 views: 0.1 lost 4 more reps than
#:   0.05 or 0, none counted extra). Bumps that are not reps are told apart by :func:`_bridge_keep`; this
#:   only keeps a small dip at the top of a rep from counting.
REP_REL_PROMINENCE_BY_DRIVER = {"thorax_extension": 0.2, "hip_height": 0.05}
#: Upper back roll in position (:func:`_roll_keep`): lying back on the roller with the feet flat and the knees
#: bent up, the knees are above the hips by at least this much (cm, median over a candidate rep from bound to
#: bound). Rep medians 20–36 cm (84 reps of the rendered training sets, lowest 20.4) and 24.5 cm and up (42 reps
#: of the dev sets), views side-on to 45°; per sample 18 cm at the top of an arched rep, whose hips lift. Where
#: MediaPipe lost the body lying down onto the roller (a 30° dev clip) it put the knees level with or below the
#: hips (−26…+2 cm) and the hip→head line spiked by 20° — counted as a rep. Knees bent as far as 130° still
#: stand ~10 cm above the hips of a body lying on the floor.
ROLL_MIN_KNEES_UP_CM = 12.0
#: Two neighbouring upper back roll peaks are one rep when the head's drop (``head_drop_cm``) between them
#: stays within ``1 −`` this share of the lower peak's rise (:func:`_roll_merge_dips`): a dip in the hip→head
#: line's angle that the head's height does not show is MediaPipe's head point wandering sideways, not the
#: body coming back to rest (45° dev clip from the feet end: an arched rep split in two at a 7° dip of the
#: angle, 0.58 of its rise, where the head's drop did not dip at all). Between separate reps the head's
#: drop came down by at least 0.58 / 0.36 / 0.67 of the rise (rendered training / fast-path / dev sets).
ROLL_TOP_SHARE = 0.75
#: Roll rep bounds (:func:`_roll_head_bounds`): where the angle's bound leaves the head's drop still more than
#: this share of its rise above the head's own bound, the body is not at rest there — the angle dipped at the
#: rep's top (MediaPipe's head point wandering sideways, 45° view from the feet end) — and the head's bound is
#: taken. Dev sets: 95 → 100 % of bounds within 0.5 s (two bounds of the 45° set, 2.95 and 1.7 s off, moved;
#: no other bound of the dev, rendered or fast-path training sets moved); 0.3 and 0.7 gave the same bounds.
ROLL_HEAD_UP_SHARE = 0.5
#: Reps shorter than this share of ``spec.min_rep_s`` (from bound to bound) are bumps, not reps.
REP_MIN_DURATION_SHARE = 0.8
#: Per-side drivers: a peak must reach the median peak height of its side minus this many median
#: prominences (sitting up between the two sides is not a rep).
REP_SIDE_HEIGHT_TOL = {"thorax_rotation": 0.5}
#: Window for measuring a peak's prominence, in rep periods (median spacing of candidate peaks).
REP_WLEN_PERIODS = 1.6
#: Floor on prominence in the driver's own units, so that a set with no movement finds no reps.
#: Upper back roll: bumps outside the reps (settling on the roller, breathing) measured at most 3.9° of
#: prominence on the 56 rendered and 35 projected training sets, the weakest rep 6.4°.
REP_MIN_PROMINENCE = {"thorax_extension": 5.0, "thorax_rotation": 8.0, "thorax_rotation_abs": 8.0,
                      "hip_height": 2.0, "rotation_open": 20.0}
#: ``hip_height`` floor (cm) used instead when the set has ``hip_extension_deg`` for :func:`_bridge_keep` to
#: check the peaks with: the smallest incomplete bridge reps rise 1.3–1.6 cm (prominence, training tracks),
#: and the check, not the height, tells them from bumps of up to 2.4 cm that are not reps.
BRIDGE_MIN_PROMINENCE_CM = 1.0
#: Bridge rep check (:func:`_bridge_keep`): with the hips, the shoulder–hip–knee angle must open by at least
#: this much (degrees) between the rise's bases and its top. Smallest rep on the training tracks: 4.4° (a
#: rep to −36° from a −42° rest), 5.3° on the fast path; hip-height bumps that were not reps (getting into
#: or out of position, MediaPipe's hip point wandering) opened it by at most 2.3° with the knees bent.
BRIDGE_MIN_EXT_RISE_DEG = 3.0
#: ... and the knees must be bent at the top (knee angle below this, degrees): the bridge position. Rep
#: tops measured 55–112° on the training tracks; legs stretched out on the floor (before getting into
#: position / after) 150–170°, where hip-height bumps of up to 2.2 cm were seen.
BRIDGE_MAX_KNEE_DEG = 130.0
#: Samples whose hips are folded further than lying with the knees bent (``hip_extension_deg`` below this,
#: degrees) are out of the bridge position: their hip height is left out (NaN) of the rep search. Lying in
#: position reads down to −50° (1st percentile per set, lowest of 36 rendered training and 18 dev sets; rep
#: tops −35° and up); where MediaPipe loses a supine body (held-out, a 45° view from the feet end) it folds
#: the hip to −90…−140° and throws the hip height about by 30–60 cm: those jumps set the rep period (1.6 s
#: for 4 s reps) and the relative prominence cut, and the set's 1–2 cm incomplete reps were not found.
#: Samples within half a smoothing window (``SMOOTH_WINDOW_S``) of a folded one count as folded: the
#: smoothing carries the jump into them.
BRIDGE_MIN_EXT_DEG = -70.0
#: Folded samples (``BRIDGE_MIN_EXT_DEG``) adding up to at least this long (s) are reported in the set's
#: warnings (``info["warnings"]``): reps there cannot be found, and saying so beats a silent short count.
#: None of the 54 rendered training and 18 dev sets has a folded sample; where MediaPipe misread a 45° set
#: from the feet end (held-out: shoulder points on the feet, the hip angle −100…−140°) 8.3 s were folded
#: and two of three reps were lost. Half the shortest rep (``min_rep_s`` 1 s) is not a rep's worth.
BRIDGE_FOLDED_WARN_S = 1.0
#: Two hip-height peaks are one rep when the dip between them is less than ``1 −`` this share of the
#: lower peak's rise (:func:`_bridge_merge_top_dips`): a dip of up to a quarter of the rep while holding
#: the top is not a new rep. 0.5 merged small reps with a 0.3 s pause between them on fast-path probe sets
#: (5 of 200 sets lost a rep: the smoothed hip height does not come half way down), 0.75 none; on a clean
#: 15 cm rep 0.75 merges a 3 cm dip and counts a 5 cm one.
BRIDGE_TOP_SHARE = 0.75
#: Two rotation peaks are one rep when the reading between them stays above this share of the lower peak's rise
#: (:func:`_merge_top_dips`): between the reps of the 42 rendered training sets it comes down to 3-16 % of it
#: (126 pairs), while MediaPipe mirroring the upper body for a moment mid-turn dropped it to 48 % in one
#: rendered rep (``tests/test_rotation_hand_behind_head.py``, seed 2500046: counted as two reps before).
ROTATION_TOP_SHARE = 0.35
#: Rep onset: extrapolated from the rise between these shares of it (from the side's base) ...
REP_ONSET_LEVELS = (0.2, 0.8)
#: ... continued outward by this share of the time between them (0.33: the straight line through the two
#: points; a cosine-eased movement starts 0.72 of that spacing before its 20 % point). 0.7 left the median
#: bound error at ±0.05 s on fast-path synthetic sets of all three rep exercises (10 seeds each).
REP_ONSET_EXTRAP = 0.7
#: Per-driver overrides. The locked rotation's ``rotation_open`` readings stay still through the first part
#: of a rep (the eased start, and MediaPipe reads the first ~10-15° of the thorax's turn as no rotation) and
#: then rise steeply. Bounds within 0.5 s on the 28 rendered / 21 fast-path / 18 extra rendered two-sided
#: sets, bounds clipped at the base: 1.25 → 89 / 81 / 87 % (max 1.43 / 0.85 / 1.02 s); 1.0 → 85 / 84 / 82 %;
#: 1.5 → 88 / 75 / 88 %; onset levels (0.1, 0.8) with 1.0 → 88 / 64 / 87 % but 2.3 s off where the arms'
#: change-over between the sides crossed the 10 % level. The rotation's bounds now also run past the base
#: into the rest, by at most the resting stretch, and average this with a reading lag (``ROTATION_PAST_BASE``,
#: ``ROTATION_READING_LAG``); past the base without that stretch's limit they ran up to 2.5 s too long when
#: every frame was analysed.
REP_ONSET_EXTRAP_BY_DRIVER = {"thorax_rotation": 1.25}
#: Drivers whose rep base (where the rep leaves / returns to rest) is the nearest rest, not the lowest point
#: within the prominence window: walking out from the peak, the base is reached where the driver stays
#: within this share of the rep's height for this long (s), or turns back up. Getting onto the foam
#: roller and settling after the set drift the upper back roll's driver by 5–10° over 2–4 s before the
#: first / after the last rep; the lowest point let those bounds run 2–3.6 s out (rendered training sets).
#: A cosine-eased rep covers its last 10 % in its last 20 % of time (≤ 0.5 s for reps up to 2.5 s each way).
#: The bridge: the hips settling between reps; rendered training sets 92 → 97 % of bounds within 0.5 s (max
#: 1.39 → 0.99 s), fast-path sets unchanged at 93 % (98 % within 1 s, was 96 %).
REP_NEAREST_REST = {"thorax_extension": (0.1, 0.5), "hip_height": (0.1, 0.5)}
#: Signal that measures a locked rotation's reps (see :func:`_driver`; its floor in ``REP_MIN_PROMINENCE``, 20 % of
#: a full rep, is the old 8° of shoulder-line rotation over its 45° span; the side is read separately).
ROTATION_DRIVER = "rotation_open"
#: A rotation rep starts from rest: the lowest reading between the rep before (or the recording's start) and its
#: peak must be under this share of the peak's height (the reading is 0 at rest). Getting into position —
#: sitting up with the hands on the thighs — reads 60-75 % open on some sets and fell to rest like the
#: end of a rep (held-out 1000024: foot 65 % of the peak, counted as a fifth rep). Every rep of the 42
#: rendered training sets, the 17 held-out and 7 blind sets starts under 25 %. A set recorded from the middle
#: of a rep loses that rep: only its end is on the recording.
ROTATION_START_SHARE = 0.5
#: A rotation rep's side is read on its own rise (:func:`_onset_sides`): from its foot — the lowest point
#: before the reading, walking back from the peak, comes up again by this share of the rep's height (from
#: the lower half; the arms' change-over between the sides is such a bump) ...
ROTATION_FOOT_TOL = 0.1
#: ... from where the rise is this share of the way up from the foot ...
ROTATION_REST_SHARE = 0.2
#: ... on the first samples (count) where each voting reading is clearly off level (cm or degrees):
#: MediaPipe's labels are right where the arm leaves rest and may swap from about half-way up (the
#: shoulders stack). Wrong sides, rendered / fast-path / 18 extra rendered two-sided sets (4 reps, 10 and
#: 15 fps) / synthetic sets of the tests (seeds 21-24, 8-15 fps) with a wrong side: 2 / 2 / 5 / 2 of 12;
#: the median over 20–80 % of the rise from the lowest point instead: 2 / 1 / 15 reps; over 10–50 %: 2 / 5 / 6;
#: first clear samples without the foot (from the lowest point): 1 / 2 / 5 / 3 of 12; start share 0.15 with
#: the foot: 2 / 7 / 3 / 2 of 12.
ROTATION_FIRST_CLEAR = (5.0, 3)
#: Readings that vote on a rotation rep's side at its onset (:func:`_onset_sides`), each + for the left: the
#: shoulder line's tilt (the support elbow is down, so its shoulder is the lower one from the start), and
#: which wrist / elbow is the higher one (the free arm opens to the ceiling). MediaPipe's labels, read
#: where the rep leaves rest (its left/right swaps come with the shoulders stacked near the top).
#: Where they are wrong it is MediaPipe mirroring the upper body from the onset on: 26 of the 28 wrong sides
#: of the 16 behind-the-head and 42 reach dev renders, 15 of 15 held-out (``benchmarks/rotation_sides.py``,
#: labels against the renders' true landmarks); its depth (world and image z of the rising shoulder, the
#: nose before the ears) and MediaPipe run on the flipped frames (2 sets) turn with the labels, the hips' labels stay
#: right. A side-on view cannot tell the two mirror images apart from landmarks (near shoulder rising with
#: the chest turning to the camera, or the far one with the chest turning away), so no choice among these
#: readings fixes it: reading earlier on the rise (from the foot) helped the 8 behind-the-head sets it was
#: chosen on (10 → 7 of 31) and harmed 8 fresh ones (7 → 10 of 32); sides made constant within the true
#: blocks of same-side reps (the routine's order) 25 → 24 of 360; the shoulder tilt relative to the hip line
#: (the view's tilt taken out) 25 → 25. Mirrors come in runs of reps. Behind the head, side-on views: 15 of
#: 40 reps wrong; reach: 8 of 64 side-on, 3 of 76 oblique (dev renders).
ROTATION_SIDE_VOTES = ("thorax_rotation", "wrist_lr_cm", "elbow_lr_cm")
#: Rotation rep bounds (:func:`_rep_bounds`): ``rotation_open`` leaves its rest 0.3–0.5 s after the body
#: starts to turn (median truth-to-5 %-crossing 0.51 s at the start, 0.31 s at the end, rendered training
#: sets: the eased start, and MediaPipe reads the first ~10–15° of the turn as no rotation), so the true
#: start lay beyond the rise's lowest point in 55 % of the starts — where the bounds stopped (starts
#: +0.24 s late on average). The bound may run past that base into the rest, as far as the reading stays
#: within this share of the rise above it (the rest, not the arms' change-over between the sides or the
#: sitting up before the set). 0.05 and 0.15 gave the same bounds on the training and dev sets.
ROTATION_PAST_BASE = 0.1
#: ... and the onset is the mean of two estimates with different errors: the rise extrapolated back
#: (``REP_ONSET_EXTRAP_BY_DRIVER``; scales with the rep's speed) and the reading's crossing of this share
#: of the rise moved out by this lag (s; MediaPipe's fixed delay). Reps with both bounds within 0.5 s,
#: 28 rendered / 21 fast-path training sets / dev-hips / dev-hips2 (with the bound past the base):
#: extrapolation alone 88 / 92 / 86 / 88 % (max 1.21 s); the lag alone 98 / 97 / 86 / 91 % (max 1.05 s
#: on dev-hips' slow reps, where the extrapolation is right); the mean 94 / 92 / 96 / 89 % (max 0.75 s on
#: all but one dev set, whose MediaPipe track collapses mid-set). Lag 0.4 s: 92 / 94 / 96 / 89 %; 0.6 s:
#: 95 / 92 / 96 / 91 %.
ROTATION_READING_LAG = (0.1, 0.5)
#: With the free hand behind the head (``hand_at_head``: ``rotation_open`` reads the nose and the shoulder line
#: only) the reading follows the thorax's eased turn from its first degrees: it crosses 10 % of a rep's rise
#: 0.36 s after the true start and 0.27 s before the true end (medians, 28 reps of 7 rendered sets,
#: dev-rotbh), as the readings of the rendered bodies' true landmarks do (0.37 / 0.35 s: a cosine-eased turn
#: of 1.2-2.2 s covers its first 10 % in 0.2 of its time) with MediaPipe ~0.06 s behind. The constants above
#: are set for the free arm reaching up, whose hanging wrist and elbow barely rise over the first part of
#: the turn (true wrist 0.66 / 0.56 s, the mean reading through MediaPipe 0.60 / 0.51 s; 84 reps of
#: dev-hips and dev-hips3): behind the head they put the ends 0.25 s late on average. So here the onset is
#: extrapolated as for an eased movement read directly (``REP_ONSET_EXTRAP``'s 0.7; a cosine ease starts
#: 0.72 of the 20-80 % spacing before its 20 % point) ...
ROTATION_HAND_AT_HEAD_EXTRAP = 0.7
#: ... averaged with the 10 % crossing moved out by this lag (s; half the 20-80 % spacing of 0.58-0.66 s,
#: the eased turn's first 10 %, plus MediaPipe's ~0.06 s), and the bound does not run past the base: the
#: reading's lowest point lies 0.07 s before the true start and 0.14 s after the true end (medians), so the
#: rest beyond it is not part of the rep. Both bounds within 0.5 s, 8 behind-the-head dev sets (dev-rotbh,
#: 31 reps): 74 → 87 %, mean signed end error +0.25 → +0.03 s (start −0.02 → +0.07 s), ends off by more than
#: 0.5 s 5 → 1. Extrapolation 0.5 / 0.9: 87-90 / 81-84 %; lag 0.3 / 0.4 s: 87 / 87 %; with the run past
#: the base: 87 %, ends +0.10 s. Confirmed on 8 + 20 sets not tuned on (dev-rotbh2; seeds 2900001-20):
#: 75 → 94 %, ends +0.26 → +0.02 s; 82 → 85 % and 70 → 82 %, ends +0.12 → −0.09 and +0.18 → 0.00 s (their
#: starts came +0.23 and +0.11 s late on average, from +0.07 / −0.04). Sets with the arm reaching are unchanged.
ROTATION_HAND_AT_HEAD_LAG = (0.1, 0.35)


def _rotation_bound_terms(signals: Signals, extrap: float,
                          default: bool = True) -> tuple[float, tuple[float, float], float | None]:
    """Onset extrapolation, reading lag and run past the base of a locked rotation set's rep bounds.

    With the free hand behind the head ``rotation_open`` reads the nose and the shoulder line, which leave
    rest with the turn (``ROTATION_HAND_AT_HEAD_EXTRAP``, ``ROTATION_HAND_AT_HEAD_LAG``, no run past the
    base); with the free arm reaching up its wrist and elbow leave rest late (``REP_ONSET_EXTRAP_BY_DRIVER``,
    ``ROTATION_READING_LAG``, ``ROTATION_PAST_BASE``).

    Parameters
    ----------
    signals : Signals
        The set's signals (``hand_at_head`` says which readings ``rotation_open`` holds).
    extrap : float
        The extrapolation in force (``REP_ONSET_EXTRAP_BY_DRIVER``, or the caller's).
    default : bool
        Whether ``extrap`` is the default one (a caller's own is kept).

    Returns
    -------
    extrap : float
    reading_lag : (float, float)
        Share of the rise and seconds (see :func:`_rep_bounds`).
    past_base : float or None
        See :func:`_rep_bounds`.
    """
    hand = signals.values.get("hand_at_head")
    if hand is not None and np.nanmax(hand, initial=0.0) > 0:
        return (ROTATION_HAND_AT_HEAD_EXTRAP if default else extrap), ROTATION_HAND_AT_HEAD_LAG, None
    return extrap, ROTATION_READING_LAG, ROTATION_PAST_BASE


def _driver(signals: Signals, spec: ExerciseSpec) -> tuple[str, np.ndarray]:
    """Name and values (shape (T,)) of the signal whose peaks are the reps."""
    name = spec.driver
    if name == "thorax_rotation":  # per-side exercise: both directions count, the side is read apart
        # how far the rotation is open, from label-free readings (the higher wrist and elbow, the nose):
        # MediaPipe's left/right swaps with the shoulders stacked flip the signed rotation near a rep's
        # top; ``thorax_rotation_abs`` is the fallback
        te = signals.values.get(ROTATION_DRIVER)
        if te is not None and np.isfinite(te).sum() >= 3:
            return ROTATION_DRIVER, np.asarray(te, float)
        name = "thorax_rotation_abs"
    return name, np.asarray(signals.values[name], float)


def _onset_rises(x: np.ndarray, peaks: np.ndarray, wlen: int) -> list[np.ndarray]:
    """Samples of each rotation rep's own rise where its side is read (see :func:`_onset_sides`).

    Back from the peak to the rise's foot (``ROTATION_FOOT_TOL``; within half of ``wlen`` before the peak,
    not before the previous peak), then from where the rise is ``ROTATION_REST_SHARE`` of the way up from
    there to the peak.

    Parameters
    ----------
    x : ndarray of shape (T,)
        Gap-free driver.
    peaks : ndarray of int, shape (K,)
    wlen : int
        Prominence window in samples.

    Returns
    -------
    list of ndarray of int
        K arrays of sample indices, in time order, each ending at its peak.
    """
    half = max(1, wlen // 2)
    out = []
    for k, p in enumerate(peaks):
        lo = max(0, p - half, int(peaks[k - 1]) if k > 0 else 0)
        seg = x[lo : p + 1]
        b = lo + int(np.argmin(seg))
        h = x[p] - x[b]
        # the rep's own rise: back from the peak to its foot, the lowest point before the reading comes
        # back up by ``ROTATION_FOOT_TOL`` of the height from the lower half (the arms' change-over
        # between the sides is a bump before the first rep of a side, not part of it) ...
        foot = j = p
        while j > b:
            j -= 1
            if x[j] < x[foot]:
                foot = j
            elif x[foot] < x[b] + 0.5 * h and x[j] > x[foot] + ROTATION_FOOT_TOL * h:
                break
        # ... from where it is ``ROTATION_REST_SHARE`` of the way up from there
        full = np.arange(foot, p + 1)
        out.append(full[x[full] >= x[foot] + ROTATION_REST_SHARE * (x[p] - x[foot])])
    return out


def _first_clear(v: np.ndarray, rise: np.ndarray) -> np.ndarray:
    """The first ``ROTATION_FIRST_CLEAR`` samples of ``rise`` (indices) where the reading ``v`` (shape (T,))
    is clearly off level."""
    level, count = ROTATION_FIRST_CLEAR
    return rise[np.abs(np.nan_to_num(v[rise])) >= level][:count]


def _onset_sides(x: np.ndarray, votes: list[np.ndarray], peaks: np.ndarray, wlen: int) -> np.ndarray:
    """Side sign (+1 left, −1 right, 0 unknown) of each rep, read where it leaves rest.

    MediaPipe swaps the left and right labels now and then once the shoulders are stacked (near a
    rotation's top); where the rep leaves its resting level the labels are more often right. Each reading of
    ``votes`` gives the sign of its median over its first ``ROTATION_FIRST_CLEAR`` clear samples on the rep's
    own rise (:func:`_onset_rises`); the side is the majority (ties: the first reading's sign over that
    rise). Where MediaPipe mirrors the whole upper body from the onset on (labels, depth and face together;
    ``ROTATION_SIDE_VOTES``), every reading votes for the wrong side.

    Parameters
    ----------
    x : ndarray of shape (T,)
        Gap-free driver.
    votes : list of ndarray of shape (T,)
        Signed readings, + for a rep to the left (NaN allowed).
    peaks : ndarray of int, shape (K,)
    wlen : int
        Prominence window in samples.

    Returns
    -------
    ndarray of shape (K,)
    """
    out = np.zeros(peaks.size)

    def sign_over(v: np.ndarray, idx: np.ndarray) -> float:
        w = v[idx] if idx.size else np.zeros(0)
        w = w[np.isfinite(w)]
        return float(np.sign(np.median(w))) if w.size else 0.0

    for k, full in enumerate(_onset_rises(x, peaks, wlen)):
        m = 0.0
        for v in votes:
            m += sign_over(v, _first_clear(v, full))
        if m == 0.0 and votes:
            m = sign_over(np.asarray(votes[0], float), full)
        out[k] = np.sign(m)
    return out


def _side_votes(signals: Signals) -> list[np.ndarray]:
    """The readings of ``ROTATION_SIDE_VOTES`` that the set has (the shoulder tilt unsmoothed, not re-based)."""
    out = []
    for name in ROTATION_SIDE_VOTES:
        v = signals.raw.get(name) if name == "thorax_rotation" else None
        v = signals.values.get(name) if v is None else v
        if v is not None and np.isfinite(v).any():
            out.append(np.asarray(v, float))
    return out


def _bridge_keep(signals: Signals, x: np.ndarray, peaks: np.ndarray, wlen: int) -> np.ndarray:
    """Which hip-height peaks are bridge reps: the hip opens with the rise, knees bent at the top.

    A rep drives the hips up by extending them, so ``hip_extension_deg`` rises by at least
    ``BRIDGE_MIN_EXT_RISE_DEG`` from the peak's prominence bases (its neighbouring valleys) to the peak;
    the knees are bent (``knee_angle_deg`` below ``BRIDGE_MAX_KNEE_DEG`` at the peak). Both keep small
    incomplete reps while dropping bumps of MediaPipe's hip point and of getting into position (legs
    straight). A criterion whose signal is missing at the peak does not drop it.

    Parameters
    ----------
    signals : Signals
    x : ndarray of shape (T,)
        Gap-free ``hip_height`` (cm).
    peaks : ndarray of int, shape (K,)
    wlen : int
        Prominence window in samples.

    Returns
    -------
    ndarray of bool, shape (K,)
    """
    keep = np.ones(peaks.size, bool)
    _, left, right = peak_prominences(x, peaks, wlen=wlen)
    ext = np.asarray(signals.values.get("hip_extension_deg", np.full(x.size, np.nan)), float)
    knee = np.asarray(signals.values.get("knee_angle_deg", np.full(x.size, np.nan)), float)
    for k, p in enumerate(peaks):
        a, b = int(left[k]), int(right[k])
        e = ext[a : b + 1]
        if np.isfinite(ext[p]) and np.isfinite(e).sum() >= 2:
            base = max(np.nanmin(ext[a : p + 1]), np.nanmin(ext[p : b + 1]))
            keep[k] &= ext[p] - base >= BRIDGE_MIN_EXT_RISE_DEG
        if np.isfinite(knee[p]):
            keep[k] &= knee[p] < BRIDGE_MAX_KNEE_DEG
    return keep


def _roll_keep(signals: Signals, x: np.ndarray, peaks: np.ndarray, wlen: int) -> np.ndarray:
    """Which upper back roll peaks are reps: the body is in position, knees bent up above the hips.

    A rep extends the upper back over the roller while lying on it, knees bent and feet on the floor; the
    hip→head line also moves when getting onto or off the roller, and where MediaPipe loses the body on the
    way down (knees read at hip level) it spikes. A peak is kept unless the median of ``knee_above_hip_cm``
    between its rep bounds (:func:`_rep_bounds`, as :func:`find_reps` measures them) is below
    ``ROLL_MIN_KNEES_UP_CM``; without that reading (knees not seen) it is kept.

    Parameters
    ----------
    signals : Signals
    x : ndarray of shape (T,)
        Gap-free ``thorax_extension`` (degrees).
    peaks : ndarray of int, shape (K,)
        Increasing.
    wlen : int
        Prominence window in samples.

    Returns
    -------
    ndarray of bool, shape (K,)
    """
    keep = np.ones(peaks.size, bool)
    up = signals.values.get("knee_above_hip_cm")
    if up is None or not peaks.size:
        return keep
    share, hold_s = REP_NEAREST_REST["thorax_extension"]
    lips, rips = _rep_bounds(x, peaks, wlen, REP_ONSET_EXTRAP,
                             nearest_rest=(share, max(1, int(round(hold_s * signals.fps)))))
    up = np.asarray(up, float)
    for k in range(peaks.size):
        a = max(0, int(np.floor(lips[k])))
        b = min(x.size - 1, int(np.ceil(rips[k])))
        u = up[a : b + 1]
        u = u[np.isfinite(u)]
        if u.size:
            keep[k] = float(np.median(u)) >= ROLL_MIN_KNEES_UP_CM
    return keep


def _roll_position_only(signals: Signals, x: np.ndarray) -> np.ndarray:
    """``thorax_extension`` held at its nearest value in position wherever the knees are down.

    Where MediaPipe loses the body lying down onto the roller (knees read level with the hips) the hip→head
    line jumps by 20–40°; beside the first rep those jumps were taken for its base and put its start
    0.6 s early (30° dev clip). Out of position = ``knee_above_hip_cm`` below ``ROLL_MIN_KNEES_UP_CM``, widened
    by half a smoothing window (``SMOOTH_WINDOW_S``: the smoothing carries a jump into its neighbours); there
    the bounds see the level the body rested at in position (the nearest such sample; after the last one,
    the last).

    Parameters
    ----------
    signals : Signals
    x : ndarray of shape (T,)
        Gap-free ``thorax_extension`` (degrees).

    Returns
    -------
    ndarray of shape (T,)
    """
    up = signals.values.get("knee_above_hip_cm")
    if up is None:
        return x
    with np.errstate(invalid="ignore"):
        down = np.asarray(up, float) < ROLL_MIN_KNEES_UP_CM  # NaN: no evidence of leaving the position
    return _held_in_position(x, ~widen(down, signals.fps))


def _roll_merge_dips(signals: Signals, x: np.ndarray, peaks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge neighbouring upper back roll peaks between which the head's drop stays up: one rep.

    The driver (the hip→head line's angle) dips within a rep where MediaPipe's head point wanders sideways
    (short horizontal leg in oblique views); the head's height (``head_drop_cm``) shows whether the body
    came back to rest. Two neighbouring peaks are one rep (the higher in the driver kept) when the head's
    drop between them dips by less than ``1 − ROLL_TOP_SHARE`` of its rise at the lower peak from that
    peak's outer side (the lowest point between it and the peak before / after it, or the set's edge).
    Between merged peaks the driver is held at least at the lower peak's level, so the rep's bounds do not
    stop at the dip. Without ``head_drop_cm`` nothing is merged.

    Parameters
    ----------
    signals : Signals
    x : ndarray of shape (T,)
        Gap-free driver (``thorax_extension``, degrees).
    peaks : ndarray of int, shape (K,)
        Peaks of the driver, increasing.

    Returns
    -------
    peaks : ndarray of int, shape (K',)
    x : ndarray of shape (T,)
        The driver with the dips inside merged reps filled.
    """
    d = signals.values.get("head_drop_cm")
    if d is None or peaks.size < 2 or np.isfinite(d).sum() < 3:
        return peaks, x
    h = fill_gaps(d)
    x = x.copy()
    out = [int(p) for p in peaks]
    k = 0
    while k + 1 < len(out):
        q, p = out[k], out[k + 1]
        before = float(np.min(h[out[k - 1] if k > 0 else 0 : q + 1]))
        after = float(np.min(h[p : (out[k + 2] if k + 2 < len(out) else h.size - 1) + 1]))
        low = min(h[q], h[p])
        rise = low - (before if h[q] <= h[p] else after)
        if rise > 0 and low - float(np.min(h[q : p + 1])) < (1.0 - ROLL_TOP_SHARE) * rise:
            x[q : p + 1] = np.maximum(x[q : p + 1], min(x[q], x[p]))
            del out[k + 1 if x[p] <= x[q] else k]
            continue
        k += 1
    return np.asarray(out, int), x


def _roll_head_bounds(signals: Signals, peaks: np.ndarray, lips: np.ndarray, rips: np.ndarray, wlen: int,
                      extrap: float, nearest: tuple[float, int] | None) -> tuple[np.ndarray, np.ndarray]:
    """Roll rep bounds where the angle's bound is not at rest by the head's height: the head's bound instead.

    The angle of the hip→head line may dip at a rep's top (its horizontal leg is short in oblique views and
    MediaPipe's head point wanders sideways) and its bound then stops at the dip; the head's drop below the
    hips (``head_drop_cm``, out of position held as :func:`_roll_position_only` does) shows the head still up
    there. Each bound is kept unless the head's drop at it is more than ``ROLL_HEAD_UP_SHARE`` of its rise
    (from its own bound, :func:`_rep_bounds` from the same peak, to the peak) above that bound; then the
    head's bound is taken. Only the bounds move: which peaks are reps stays the angle's.

    Parameters
    ----------
    signals : Signals
    peaks : ndarray of int, shape (K,)
    lips, rips : ndarray of shape (K,)
        Fractional bound indices from the driver (:func:`_rep_bounds`).
    wlen : int
        Prominence window in samples.
    extrap : float
    nearest : (float, int) or None
        As :func:`_rep_bounds` (``extrap``, ``nearest_rest``).

    Returns
    -------
    lips, rips : ndarray of shape (K,)
    """
    d = signals.values.get("head_drop_cm")
    if d is None or not peaks.size or np.isfinite(d).sum() < 3:
        return lips, rips
    h = _roll_position_only(signals, fill_gaps(d))
    hl, hr = _rep_bounds(h, peaks, wlen, extrap, nearest_rest=nearest)
    lips, rips = lips.copy(), rips.copy()
    n = h.size
    for k, p in enumerate(peaks):
        for bound, hb, out in ((lips[k], hl[k], lips), (rips[k], hr[k], rips)):
            base = float(np.interp(hb, np.arange(n), h))
            rise = h[p] - base
            if rise > 0 and float(np.interp(bound, np.arange(n), h)) - base > ROLL_HEAD_UP_SHARE * rise:
                out[k] = hb
    return lips, rips


def folded_hips(signals: Signals, spec: ExerciseSpec | str) -> np.ndarray:
    """Samples whose hips read folded past lying in a bridge: out of position, or MediaPipe lost the body.

    Parameters
    ----------
    signals : Signals
    spec : ExerciseSpec or str

    Returns
    -------
    ndarray of bool, shape (T,)
        ``hip_extension_deg`` below ``BRIDGE_MIN_EXT_DEG``, widened by half a smoothing window (the smoothing
        carries a jump into its neighbours); all False for exercises not driven by the bridge's hip height.
        The rep search leaves these samples out, and so does the judge (:func:`repcheck.judge.segment_features`):
        a rep that starts in a misread reads a 60–120° rise that never happened.
    """
    spec = get_exercise(spec)
    ext = signals.values.get("hip_extension_deg")
    if spec.driver != "hip_height" or ext is None:
        return np.zeros(signals.t.shape, bool)
    return widen(_folded_past_lying(ext), signals.fps)


def _folded_past_lying(ext: np.ndarray) -> np.ndarray:
    """``hip_extension_deg`` (T,) below ``BRIDGE_MIN_EXT_DEG``, as a bool mask (NaN: not folded)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(ext, float) < BRIDGE_MIN_EXT_DEG


def _bridge_folded_warning(t: np.ndarray, folded: np.ndarray) -> list[str]:
    """The set's warning about samples whose hips read folded past lying (none when they add up to less
    than ``BRIDGE_FOLDED_WARN_S``).

    Parameters
    ----------
    t : ndarray of shape (T,)
        Sample times, seconds.
    folded : ndarray of bool, shape (T,)
        ``hip_extension_deg`` below ``BRIDGE_MIN_EXT_DEG``.

    Returns
    -------
    list of str
        Zero or one warning naming the time folded and its first and last second.
    """
    if t.size < 2 or not folded.any():
        return []
    dt = float(np.median(np.diff(t)))
    total = float(folded.sum()) * dt
    if total < BRIDGE_FOLDED_WARN_S:
        return []
    i = np.flatnonzero(folded)
    return [f"the hips read folded past lying for {total:.1f} s between {t[i[0]]:.1f} and {t[i[-1]]:.1f} s "
            "(sitting up, or the pose lost): no repetition can be counted there; if you were bridging then, "
            "film side-on with the whole body in view"]


def _merge_top_dips(x: np.ndarray, peaks: np.ndarray, share: float) -> np.ndarray:
    """Merge neighbouring peaks between which the reading stays up: one rep with a dip at its top.

    A rep ends when the reading comes back down (the hips to the floor in a bridge, the thorax back to rest
    in a rotation). Two neighbouring peaks are one rep (the higher kept) when the dip between them is less
    than ``1 − share`` of the lower peak's rise from the floor on its outer side (the lowest point between
    it and the peak before / after it, or the set's edge): ``BRIDGE_TOP_SHARE``, ``ROTATION_TOP_SHARE``.

    Parameters
    ----------
    x : ndarray of shape (T,)
        Gap-free driver: ``hip_height`` (cm) in position (:func:`_bridge_position_only`), ``rotation_open``.
    peaks : ndarray of int, shape (K,)
        Increasing.
    share : float

    Returns
    -------
    ndarray of int, shape (K',)
    """
    out = [int(p) for p in peaks]
    k = 0
    while k + 1 < len(out):
        q, p = out[k], out[k + 1]
        before = float(np.min(x[out[k - 1] if k > 0 else 0 : q + 1]))
        after = float(np.min(x[p : (out[k + 2] if k + 2 < len(out) else x.size - 1) + 1]))
        low = min(x[q], x[p])
        rise = low - (before if x[q] <= x[p] else after)
        if rise > 0 and low - float(np.min(x[q : p + 1])) < (1.0 - share) * rise:
            del out[k + 1 if x[p] <= x[q] else k]
            continue
        k += 1
    return np.asarray(out, int)


def _bridge_position_only(signals: Signals, x: np.ndarray) -> np.ndarray:
    """``hip_height`` held at its last value in the bridge position wherever the legs are out of it.

    Stretching the legs out on the floor (before the first / after the last rep) moves the shoulder–ankle
    line the hip height is measured from, so the hip height drops below its resting level between reps
    (5 cm → 1 cm on a rendered 45° clip); taken as a rep's base, that put the rep's end 2.3 s late. Out of
    position = knee angle at or above ``BRIDGE_MAX_KNEE_DEG``; there the bounds see the level the hips
    rested at in position.

    Parameters
    ----------
    signals : Signals
    x : ndarray of shape (T,)
        Gap-free ``hip_height`` (cm).

    Returns
    -------
    ndarray of shape (T,)
    """
    knee = np.asarray(signals.values.get("knee_angle_deg", np.full(x.size, np.nan)), float)
    return _held_in_position(x, ~(knee >= BRIDGE_MAX_KNEE_DEG))  # NaN knee: no evidence of leaving the position


def _held_in_position(x: np.ndarray, inpos: np.ndarray) -> np.ndarray:
    """``x`` with every sample out of position replaced by the nearest in-position one (after the last
    in-position sample: the last); unchanged when all or none are in position.

    Parameters
    ----------
    x : ndarray of shape (T,)
    inpos : ndarray of shape (T,) of bool

    Returns
    -------
    ndarray of shape (T,)
    """
    if inpos.all() or not inpos.any():
        return x
    idx = np.flatnonzero(inpos)
    nearest = idx[np.clip(np.searchsorted(idx, np.arange(x.size)), 0, idx.size - 1)]
    prev = idx[np.clip(np.searchsorted(idx, np.arange(x.size), side="right") - 1, 0, idx.size - 1)]
    src = np.where(np.arange(x.size) > idx[-1], prev, nearest)
    src = np.where(inpos, np.arange(x.size), src)
    return x[src]


def find_reps(
    signals: Signals,
    spec: ExerciseSpec | str,
    *,
    min_prominence: float | None = None,
    min_gap_s: float | None = None,
    rel_prominence: float | None | str = "driver",
    onset_extrap: float | None = None,
) -> tuple[list[Segment], dict]:
    """Find repetitions as prominent peaks of the exercise's driver signal.

    Parameters
    ----------
    signals : Signals
    spec : ExerciseSpec or str
        A reps exercise; ``spec.driver`` names the moving quantity (peak = the rep's turning point).
    min_prominence : float, optional
        Absolute prominence floor in the driver's units (default: ``REP_MIN_PROMINENCE`` of the
        driver; ``BRIDGE_MIN_PROMINENCE_CM`` for a bridge set with ``hip_extension_deg``). The effective
        prominence is ``max(min_prominence, rel_prominence × P90)`` where P90 is the 90th percentile
        of the candidate peaks' prominences (measured within about one rep period).
    min_gap_s : float, optional
        Minimum time between peaks (default ``spec.min_rep_s``; ``0`` disables).
    rel_prominence : float, None or "driver"
        Share of the set's typical rep prominence a peak must reach; None disables the relative criterion;
        "driver" (default): ``REP_REL_PROMINENCE_BY_DRIVER`` of the driver, else ``REP_REL_PROMINENCE``.
    onset_extrap : float, optional
        Rep bounds: how far the movement's onset is extrapolated out from the 20 %–80 % part of the rise
        (see :func:`_rep_bounds`; default ``REP_ONSET_EXTRAP_BY_DRIVER`` / ``REP_ONSET_EXTRAP``).

    Returns
    -------
    segments : list of Segment
        Reps with ``side`` for per-side exercises (sign of ``thorax_rotation`` at the peak).
    info : dict
        ``t``, ``driver`` (T,), ``peaks`` (indices), ``prominences``, ``prominence`` (threshold used),
        ``left_ips``/``right_ips`` (fractional bound indices), ``enter``/``exit`` (thresholds for the
        streaming :class:`RepCounter` that match this segmentation); ``warnings`` (list of str, the bridge:
        a stretch of folded hips, :func:`_bridge_folded_warning`) for the report.
    """
    spec = get_exercise(spec)
    if rel_prominence == "driver":
        rel_prominence = REP_REL_PROMINENCE_BY_DRIVER.get(spec.driver, REP_REL_PROMINENCE)
    t = signals.t
    driver, x = _driver(signals, spec)
    ext = signals.values.get("hip_extension_deg")
    bridge = spec.driver == "hip_height" and ext is not None and np.isfinite(ext).sum() >= 3
    if bridge:  # out of position or a lost track, widened by the smoothing's reach (as in folded_hips)
        folded = _folded_past_lying(ext)
        x = np.where(widen(folded, signals.fps), np.nan, x)
    info: dict = {"t": t, "driver": x, "peaks": np.zeros(0, int), "prominences": np.zeros(0)}
    if bridge:
        info["warnings"] = _bridge_folded_warning(np.asarray(t, float), folded)
    ok = np.isfinite(x)
    if ok.sum() < 3:
        info.update(prominence=np.nan, enter=np.nan, exit=np.nan)
        return [], info
    # fill gaps for peak finding (long gaps cannot make a prominent peak; peaks inside them are dropped)
    xf = fill_gaps(x)
    fps = signals.fps
    floor = REP_MIN_PROMINENCE.get(driver, 0.0) if min_prominence is None else float(min_prominence)
    if bridge and min_prominence is None:
        floor = BRIDGE_MIN_PROMINENCE_CM
    gap = spec.min_rep_s if min_gap_s is None else float(min_gap_s)
    distance = max(1, int(round(gap * fps))) if gap > 0 else None
    # pass 1: candidate peaks, to learn the rep period; the prominence window (wlen) then spans about
    # one period so each rep is measured against its own neighbouring valleys, not the set's lowest point
    # (the body may rest lower before the first / after the last rep).
    cand, _ = find_peaks(xf, prominence=floor if floor > 0 else None, distance=distance)
    if cand.size >= 3:
        period = float(np.median(np.diff(t[cand])))
    else:
        period = 0.5 * (spec.min_rep_s + spec.max_rep_s)
    period = float(np.clip(period, spec.min_rep_s, spec.max_rep_s))
    wlen = max(3, int(round(REP_WLEN_PERIODS * period * fps)) | 1)
    peaks, _ = find_peaks(xf, prominence=floor if floor > 0 else None, distance=distance, wlen=wlen)
    peaks = peaks[ok[peaks]]
    if bridge and peaks.size:
        # before the relative prominence: the set's typical rep is one of its bridge reps, not the 30–60 cm
        # jumps of a track MediaPipe lost (they raised the cut above a set's 1–2 cm incomplete reps)
        peaks = peaks[_bridge_keep(signals, xf, peaks, wlen)]
    prom = floor
    if peaks.size:
        pr = peak_prominences(xf, peaks, wlen=wlen)[0]
        prom = max(floor, (rel_prominence or 0.0) * float(np.percentile(pr, 90)))
        peaks = peaks[pr >= prom]
    # the bridge's hip height in position: stretching the legs out is not a rep's rise or fall
    x_in_position = _bridge_position_only(signals, xf) if spec.driver == "hip_height" else xf
    if spec.driver == "thorax_extension":
        # the roll: a dip of the angle the head's height does not show is not the end of a rep, getting
        # onto / off the roller is not a rep (the body must be in position), nor a rep's rise or fall
        x_top = xf
        if peaks.size:
            peaks, x_top = _roll_merge_dips(signals, xf, peaks)
            peaks = peaks[_roll_keep(signals, x_top, peaks, wlen)]
        x_in_position = _roll_position_only(signals, x_top)
    if bridge and peaks.size:
        peaks = _merge_top_dips(x_in_position, peaks, BRIDGE_TOP_SHARE)
    if driver == ROTATION_DRIVER and peaks.size:
        peaks = _merge_top_dips(xf, peaks, ROTATION_TOP_SHARE)
        peaks = peaks[_from_rest(xf, peaks, ROTATION_START_SHARE)]
    lo, hi = np.percentile(xf[ok], [5, 95])
    tol_side = REP_SIDE_HEIGHT_TOL.get(spec.driver)
    rot = signals.values.get("thorax_rotation")

    def sides_of(peaks: np.ndarray) -> np.ndarray:  # +1 left / -1 right / 0 unknown, per peak
        if driver == ROTATION_DRIVER:
            return _onset_sides(xf, _side_votes(signals), peaks, wlen)
        return np.sign(np.nan_to_num(np.asarray(rot, float)[peaks]))

    if tol_side is not None and spec.per_side and rot is not None and peaks.size >= 3:
        # sitting up between the sides moves the shoulders too: keep a peak only if it reaches about as
        # high as the other reps to the same side
        pr = peak_prominences(xf, peaks, wlen=wlen)[0]
        sgn = sides_of(peaks)
        keep = np.ones(peaks.size, bool)
        for sd in (-1.0, 1.0):
            m = sgn == sd
            if m.sum() >= 2:
                keep[m] = xf[peaks[m]] >= np.median(xf[peaks[m]]) - tol_side * np.median(pr[m])
        peaks = peaks[keep]
    info.update(period_s=period, wlen=wlen)
    if peaks.size == 0:
        info.update(prominence=prom, enter=np.nan, exit=np.nan)
        return [], info
    proms = peak_prominences(xf, peaks, wlen=wlen)
    extrap = REP_ONSET_EXTRAP_BY_DRIVER.get(spec.driver, REP_ONSET_EXTRAP) if onset_extrap is None \
        else float(onset_extrap)
    rest = REP_NEAREST_REST.get(spec.driver)
    nearest = None if rest is None else (rest[0], max(1, int(round(rest[1] * fps))))
    lips, rips = _rep_bounds(x_in_position, peaks, wlen, extrap, nearest_rest=nearest)
    if spec.driver == "thorax_extension":
        lips, rips = _roll_head_bounds(signals, peaks, lips, rips, wlen, extrap, nearest)
    is_rep = _not_bumps(t, lips, rips, peaks, REP_MIN_DURATION_SHARE * spec.min_rep_s)
    if driver == ROTATION_DRIVER:
        # the reading leaves rest late: bounds from its own rise and MediaPipe's reading lag, into the rest
        # around the rep (which peaks are reps stays decided on the reading's rise and fall, above)
        r_extrap, (lag_share, lag_s), past_base = _rotation_bound_terms(signals, extrap, onset_extrap is None)
        lips, rips = _rep_bounds(x_in_position, peaks, wlen, r_extrap, past_base=past_base,
                                 reading_lag=(lag_share, lag_s * fps))
        lips, rips = _split_overlaps(lips, rips, is_rep)
    segs: list[Segment] = []
    prev_end = -1
    sides = sides_of(peaks) if spec.per_side and rot is not None else None
    for k in np.flatnonzero(is_rep):
        a = max(int(np.floor(lips[k])), prev_end + 1, 0)
        b = min(int(np.ceil(rips[k])), x.size - 1)
        if k + 1 < peaks.size:
            b = min(b, int(peaks[k + 1]) - 1)
        if b <= a:
            continue
        ts = float(np.interp(max(lips[k], a), np.arange(t.size), t))
        te = float(np.interp(min(rips[k], b), np.arange(t.size), t))
        side = None
        if sides is not None and sides[k] != 0:
            side = "left" if sides[k] > 0 else "right"
        segs.append(Segment(len(segs) + 1, "rep", ts, te, side, a, b))
        prev_end = b
    if segs:
        base = float(np.median([xf[s.start_i] for s in segs] + [xf[s.end_i] for s in segs]))
        pmin = float(min(xf[p] for p in peaks) - base)
    else:
        base, pmin = float(lo), float(hi - lo)
    info.update(
        peaks=peaks, prominences=proms[0], prominence=prom, left_ips=lips, right_ips=rips,
        # streaming thresholds: between the resting level at the rep bounds and the weakest rep's peak
        enter=float(base + 0.5 * pmin), exit=float(base + 0.2 * pmin),
    )
    return segs, info


def _from_rest(x: np.ndarray, peaks: np.ndarray, share: float) -> np.ndarray:
    """Which peaks rise from rest: the lowest reading since the previous kept peak (or the recording's start)
    is under ``share`` of the peak's height.

    Parameters
    ----------
    x : ndarray of shape (T,)
        Driver reading, 0 at rest, gaps filled.
    peaks : ndarray of int
        Peak indices, increasing.

    Returns
    -------
    ndarray of bool, shape (len(peaks),)
    """
    keep = np.zeros(peaks.size, bool)
    since = 0
    for k, p in enumerate(peaks):
        keep[k] = float(np.min(x[since:p + 1])) < share * float(x[p])
        if keep[k]:
            since = int(p)
    return keep


def _not_bumps(t: np.ndarray, lips: np.ndarray, rips: np.ndarray, peaks: np.ndarray, min_s: float) -> np.ndarray:
    """Which peaks are reps: bound to bound (each bound clipped to the previous rep's end and the next peak)
    at least ``min_s`` seconds.

    Parameters
    ----------
    t : ndarray of shape (T,)
        Times (s).
    lips, rips : ndarray of shape (K,)
        Fractional bound indices (:func:`_rep_bounds`).
    peaks : ndarray of int, shape (K,)
    min_s : float

    Returns
    -------
    ndarray of bool, shape (K,)
    """
    keep = np.zeros(peaks.size, bool)
    prev_end = -1
    n = t.size
    for k in range(peaks.size):
        a = max(int(np.floor(lips[k])), prev_end + 1, 0)
        b = min(int(np.ceil(rips[k])), n - 1)
        if k + 1 < peaks.size:
            b = min(b, int(peaks[k + 1]) - 1)
        if b <= a:
            continue
        ts = float(np.interp(max(lips[k], a), np.arange(n), t))
        te = float(np.interp(min(rips[k], b), np.arange(n), t))
        if te - ts >= min_s:
            keep[k] = True
            prev_end = b
    return keep


def _split_overlaps(lips: np.ndarray, rips: np.ndarray, is_rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of neighbouring reps that overlap meet half-way (neither rep owns the rest between them).

    Parameters
    ----------
    lips, rips : ndarray of shape (K,)
        Fractional bound indices.
    is_rep : ndarray of bool, shape (K,)
        The peaks that are reps (others are skipped).

    Returns
    -------
    lips, rips : ndarray of shape (K,)
    """
    lips, rips = lips.copy(), rips.copy()
    ks = np.flatnonzero(is_rep)
    for k, j in zip(ks[:-1], ks[1:], strict=True):
        if rips[k] > lips[j]:
            rips[k] = lips[j] = 0.5 * (rips[k] + lips[j])
    return lips, rips


def _rep_bounds(x: np.ndarray, peaks: np.ndarray, wlen: int, extrap: float, *,
                levels: tuple[float, float] | None = None,
                nearest_rest: tuple[float, int] | None = None,
                past_base: float | None = None,
                reading_lag: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Fractional sample indices where each rep leaves and returns to rest.

    Each side of a peak is measured against its own base: the lowest point between the peak and the
    neighbouring peak (at most half of ``wlen`` away). The movement's onset is extrapolated from the
    steep part of the rise: the line through the points at ``REP_ONSET_LEVELS`` of the rise, continued
    back by ``extrap`` of their spacing (people ease into and out of a movement, so the first and last
    few percent of it take a large share of its time). The bound lies between the lower level's crossing
    and the base.

    Parameters
    ----------
    x : ndarray of shape (T,)
        Gap-free driver.
    peaks : ndarray of int, shape (K,)
        Peak indices, increasing.
    wlen : int
        Prominence window in samples.
    extrap : float
        Extrapolation, in shares of the time between the two levels' crossings.
    levels : (float, float), optional
        The two shares of the rise the onset is extrapolated from (default ``REP_ONSET_LEVELS``).
    nearest_rest : (float, int), optional
        ``(share, samples)``: the base is the nearest rest instead of the lowest point (see
        ``REP_NEAREST_REST``): walking out from the peak, where the driver has not dropped by more than
        ``share`` of the side's height for ``samples`` samples, or has risen by more than that.
    past_base : float, optional
        Let the bound run past the base into the rest, as far as the driver stays within this share of
        the rise above the base (``ROTATION_PAST_BASE``).
    reading_lag : (float, float), optional
        ``(share, samples)``: the onset is the mean of the extrapolated one and the crossing of ``share`` of
        the rise moved out by ``samples`` (``ROTATION_READING_LAG``: a driver that moves late).

    Returns
    -------
    left, right : ndarray of shape (K,)
        Fractional indices of the bounds.
    """
    n = x.size
    half = max(1, wlen // 2)
    lo_lvl, hi_lvl = REP_ONSET_LEVELS if levels is None else levels

    def crossing(seg: np.ndarray, level: float) -> float:
        # seg runs from the peak outward (seg[0] = peak); first fractional step where it drops to level
        below = np.flatnonzero(seg <= level)
        if below.size == 0:
            return float(seg.size - 1)
        j = int(below[0])
        if j == 0 or seg[j - 1] == seg[j]:
            return float(j)
        return j - 1 + (seg[j - 1] - level) / (seg[j - 1] - seg[j])

    def nearest_rest_end(seg: np.ndarray) -> int:
        # seg runs from the peak outward; index past which the walk stops (the rest is reached)
        # (only below half the height: the top of a rep may be held still for a while)
        share, hold = nearest_rest
        height = seg[0] - float(np.min(seg))
        tol = share * height
        low = seg[0]  # the last significant new low ...
        low_j = 0  # ... and where it was reached
        for j in range(1, seg.size):
            if seg[j] < low - tol:
                low, low_j = seg[j], j
            elif low <= seg[0] - 0.5 * height and (seg[j] > float(np.min(seg[: j + 1])) + tol
                                                   or j - low_j >= hold):
                return j
        return seg.size - 1

    def side(seg: np.ndarray) -> float:
        if nearest_rest is not None and seg.size > 2:
            seg = seg[: nearest_rest_end(seg) + 1]
        base_j = int(np.argmin(seg))
        full = seg
        seg = seg[: base_j + 1]
        rise = seg[0] - seg[-1]
        if rise <= 0:
            return 0.0
        d_lo = crossing(seg, seg[-1] + lo_lvl * rise)
        d_hi = crossing(seg, seg[-1] + hi_lvl * rise)
        onset = d_lo + extrap * (d_lo - d_hi)
        if reading_lag is not None:
            lag_level, lag = reading_lag
            d_lag = crossing(seg, seg[-1] + lag_level * rise)
            onset = 0.5 * (onset + d_lag + lag)
        limit = base_j
        if past_base is not None:
            # the resting stretch beyond the base: the reading stays within ``past_base`` of the rise
            out = np.flatnonzero(full[base_j:] > seg[-1] + past_base * rise)
            limit = base_j + (int(out[0]) - 1 if out.size else full.size - 1 - base_j)
        return float(np.clip(onset, d_lo, max(limit, d_lo)))

    left = np.zeros(peaks.size)
    right = np.zeros(peaks.size)
    for k, p in enumerate(peaks):
        lo = max(0, p - half, int(peaks[k - 1]) if k > 0 else 0)
        hi = min(n - 1, p + half, int(peaks[k + 1]) if k + 1 < peaks.size else n - 1)
        left[k] = p - side(x[lo : p + 1][::-1])
        right[k] = p + side(x[p : hi + 1])
    return left, right




class RepCounter:
    """Streaming rep counter with hysteresis (one :meth:`update` per sample).

    A rep starts when the driver rises above ``enter`` and is counted when it falls back below
    ``exit`` (``enter > exit``), so noise around a single threshold cannot double-count. The first rep
    must rise from below ``exit``: a set that starts above ``enter`` is not at rest yet (kneeling up for the
    locked rotation reads about half a rep), as :func:`find_reps` finds no peak at the very start either.

    Parameters
    ----------
    enter, exit : float
        Thresholds in the driver's units (:func:`find_reps` returns matching ones in ``info``).
    """

    def __init__(self, enter: float, exit: float) -> None:
        self.enter = enter
        self.exit = exit

    def reset(self) -> None:
        """Forget the count."""
        self.count_ = 0
        self.in_rep_ = False
        self.armed_ = False

    def update(self, value: float) -> int:
        """Feed one driver sample (NaN ignored); returns the number of completed reps so far."""
        if not hasattr(self, "count_"):
            if not self.enter > self.exit:
                raise ValueError(f"RepCounter: enter ({self.enter}) must be greater than exit ({self.exit})")
            self.reset()
        if value is None or not np.isfinite(value):
            return self.count_
        if value < self.exit:
            self.armed_ = True
        if not self.in_rep_ and self.armed_ and value > self.enter:
            self.in_rep_ = True
        elif self.in_rep_ and value < self.exit:
            self.in_rep_ = False
            self.count_ += 1
        return self.count_
