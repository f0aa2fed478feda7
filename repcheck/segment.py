"""The segment stage: find the holds or the repetitions of a set in its :class:`~repcheck.features.Signals`.

Holds follow the exercise's "in position" score (``spec.driver``, 0..1) with hysteresis, their bounds
refined on the hips (getting up / lowering) and, for the plank, cut where the legs bend (knees going down
to the floor ends a plank, also a deep sag whose hips are as low as lying down); reps are the
peaks of the driver signal found by :func:`scipy.signal.find_peaks` with a prominence criterion, their
bounds where the driver leaves / returns to its resting level. Each finder returns ``(segments, info)``:
``info`` holds the intermediates (driver trace, thresholds, peaks, prominences) the review widget plots.

:class:`RepCounter` is the streaming counterpart (one :meth:`RepCounter.update` per sample, hysteresis);
it agrees with :func:`find_reps` on clean input (``tests/test_segment.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.signal import find_peaks, peak_prominences

from .exercises import ExerciseSpec, get_exercise
from .features import SWAP_MIN_COUNT, Signals

__all__ = ["Segment", "find_holds", "find_reps", "find_segments", "RepCounter",
           "HOLD_ENTER", "HOLD_EXIT", "REP_REL_PROMINENCE", "REP_ONSET_EXTRAP"]

#: In-position score above which a hold starts / below which it ends (hysteresis; the score is a
#: product of sigmoids centred on the posture limits, so 0.5 is "on the limit").
HOLD_ENTER = 0.6
HOLD_EXIT = 0.4
#: Drops out of position shorter than this (s) do not split a hold (a shaky moment, a missed frame).
HOLD_MERGE_GAP_S = 1.0
#: A rep's peak must rise above its neighbouring valleys by this share of the set's typical (90th
#: percentile) rep prominence; on synthetic sets noise bumps stay below 0.2 of it, the weakest reps of a
#: set reach 0.4.
REP_REL_PROMINENCE = 0.3
#: Reps shorter than this share of ``spec.min_rep_s`` (from bound to bound) are bumps, not reps.
REP_MIN_DURATION_SHARE = 0.8
#: Drivers whose first/last peak must reach the set's median peak height minus this many median
#: prominences (getting onto the roller moves the head like a rep; bridge reps may legitimately be
#: low when incomplete, so the bridge has no such check).
REP_EDGE_HEIGHT_TOL = {"thorax_extension": 0.5}
#: Per-side drivers: a peak must reach the median peak height of its side minus this many median
#: prominences (sitting up between the two sides is not a rep).
REP_SIDE_HEIGHT_TOL = {"thorax_rotation": 0.5}
#: Window for measuring a peak's prominence, in rep periods (median spacing of candidate peaks).
REP_WLEN_PERIODS = 1.6
#: Floor on prominence in the driver's own units, so that a set with no movement finds no reps.
REP_MIN_PROMINENCE = {"thorax_extension": 3.0, "thorax_rotation": 8.0, "thorax_rotation_abs": 8.0,
                      "hip_height": 2.0}
#: Rep onset: extrapolated from the rise between these shares of it (from the side's base) ...
REP_ONSET_LEVELS = (0.2, 0.8)
#: ... continued outward by this share of the time between them (0.33: the straight line through the two
#: points; a cosine-eased movement starts 0.72 of that spacing before its 20 % point). 0.7 left the median
#: bound error at ±0.05 s on fast-path synthetic sets of all three rep exercises (10 seeds each).
REP_ONSET_EXTRAP = 0.7
#: Per-driver overrides: MediaPipe reads the first and last ~10° of the thorax rotation in a side view as
#: no rotation (shoulders kept overlapping), so rendered locked-rotation reps came out 0.3–0.5 s short at
#: each end with 0.7; 1.0 halves that and costs +0.02 s of p90 error on the fast path.
REP_ONSET_EXTRAP_BY_DRIVER = {"thorax_rotation": 1.0}
#: Drivers whose rep bounds may extend past the base into the rest (:func:`_rep_bounds`): MediaPipe reads
#: the first and last ~10-15 degrees of a locked rotation in a side view as rest, so the reading starts to
#: move 0.4-0.5 s after the body does (rendered clips, elbow and shoulder line alike). Applied when the set
#: shows MediaPipe's shoulder swaps (a MediaPipe reading); synthetic fast-path tracks keep the base clip
#: (past it, a sitting-up bump between the sides became long enough to count as a rep).
REP_PAST_BASE = frozenset({"thorax_rotation"})
#: Onset levels used with ``REP_PAST_BASE``: the MediaPipe reading's rise is steep from its start, so its
#: 10 % point is already on the steep part (max bound error 0.48 s on the two rendered issue-#3 clips,
#: against 0.59 s with (0.2, 0.8)).
REP_PAST_BASE_LEVELS = (0.1, 0.8)
#: Signal that measures a locked rotation's reps (see :func:`_driver`; ``thorax_rotation`` gives the side).
ROTATION_DRIVER = "thorax_rotation_size"
#: A rotation rep's side is read on its rise up to this share of its height (:func:`_onset_sides`).
ROTATION_ONSET_SHARE = 0.5
#: ... from where it last reads below this share of its height (near rest).
ROTATION_REST_SHARE = 0.1


@dataclass(frozen=True)
class Segment:
    """One hold or rep.

    Attributes
    ----------
    index : int
        1-based position in the set.
    kind : {"hold", "rep"}
    start_s, end_s : float
        Bounds in seconds.
    side : {"left", "right"} or None
        The side worked (per-side exercises), else None.
    start_i, end_i : int
        Sample indices of the bounds (``end_i`` inclusive).
    """

    index: int
    kind: Literal["hold", "rep"]
    start_s: float
    end_s: float
    side: str | None
    start_i: int
    end_i: int

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def mask(self, n: int) -> np.ndarray:
        """Boolean mask of shape (n,) of the samples inside the segment."""
        m = np.zeros(n, bool)
        m[self.start_i : self.end_i + 1] = True
        return m


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(int))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def _driver(signals: Signals, spec: ExerciseSpec) -> np.ndarray:
    name = spec.driver
    if name == "thorax_rotation":  # per-side exercise: both directions count, side from the sign
        # the rotation's size taken before smoothing: MediaPipe's left/right shoulder swaps with the
        # shoulders stacked flip the sign for a few samples, which smoothing the signed value averages
        # away (a lost rep); ``thorax_rotation_abs`` is the fallback
        te = signals.values.get(ROTATION_DRIVER)
        if te is not None and np.isfinite(te).sum() >= 3:
            return np.asarray(te, float)
        name = "thorax_rotation_abs"
    return np.asarray(signals.values[name], float)


def _swapped(signals: Signals) -> bool:
    """Whether MediaPipe kept swapping the shoulders in the set (``SWAP_MIN_COUNT`` swaps or more)."""
    sw = signals.values.get("shoulder_swap")
    return sw is not None and bool(np.nansum(sw) >= SWAP_MIN_COUNT)


def _onset_sides(x: np.ndarray, rot: np.ndarray, peaks: np.ndarray, wlen: int) -> np.ndarray:
    """Side sign (+1 left, −1 right, 0 unknown) of each rep, read where it leaves rest.

    MediaPipe swaps the left and right shoulder now and then once the shoulders are stacked (near a
    rotation's top), flipping the sign of ``thorax_rotation`` there; where the rep leaves its resting level
    the labels are still right. The sign is the mean of ``rot`` over the contiguous rise before the peak,
    from where ``x`` last reads ``ROTATION_REST_SHARE`` of the rep's height above its base (lowest point
    within half of ``wlen`` before the peak) up to ``ROTATION_ONSET_SHARE`` of it; the peak's sign if
    that is 0.

    Parameters
    ----------
    x : ndarray of shape (T,)
        Gap-free driver.
    rot : ndarray of shape (T,)
        Signed rotation in degrees from rest (NaN allowed).
    peaks : ndarray of int, shape (K,)
    wlen : int
        Prominence window in samples.

    Returns
    -------
    ndarray of shape (K,)
    """
    half = max(1, wlen // 2)
    out = np.zeros(peaks.size)
    for k, p in enumerate(peaks):
        lo = max(0, p - half, int(peaks[k - 1]) if k > 0 else 0)
        seg = x[lo : p + 1]
        b = lo + int(np.argmin(seg))
        h = x[p] - x[b]
        # the contiguous rise: back from the peak to where the reading is last near rest (a bump of
        # sitting up before the first rep of a side is not part of it)
        j = p
        while j > b and x[j - 1] > x[b] + ROTATION_REST_SHARE * h:
            j -= 1
        rise = np.arange(j, p + 1)
        rise = rise[x[rise] <= x[b] + ROTATION_ONSET_SHARE * h]
        v = rot[rise] if rise.size else np.zeros(0)
        v = v[np.isfinite(v)]
        m = float(np.mean(v)) if v.size else 0.0
        if m == 0.0 and np.isfinite(rot[p]):
            m = float(rot[p])
        out[k] = np.sign(m)
    return out


# ------------------------------------------------------------------------------------------ holds
def find_holds(
    signals: Signals,
    spec: ExerciseSpec | str,
    *,
    min_hold_s: float | None = None,
    enter: float = HOLD_ENTER,
    exit: float = HOLD_EXIT,
    merge_gap_s: float | None = HOLD_MERGE_GAP_S,
) -> tuple[list[Segment], dict]:
    """Find the stretches where the body is in the hold position.

    Parameters
    ----------
    signals : Signals
    spec : ExerciseSpec or str
        A hold exercise; ``spec.driver`` names the 0..1 in-position score.
    min_hold_s : float, optional
        Shortest hold kept (default ``spec.min_hold_s``; ``0`` keeps all).
    enter, exit : float
        Hysteresis thresholds on the score (enter > exit).
    merge_gap_s : float or None
        Merge holds separated by less than this (s); None disables.

    Returns
    -------
    segments : list of Segment
    info : dict
        ``t``, ``driver`` (T,), ``enter``, ``exit``, ``raw_runs`` (index pairs before merging/filtering).
    """
    spec = get_exercise(spec)
    if enter <= exit:
        raise ValueError(f"enter ({enter}) must be greater than exit ({exit})")
    x = np.nan_to_num(_driver(signals, spec), nan=0.0)
    fallback = HOLD_FALLBACK.get(spec.driver)
    x_stay = None
    if fallback and fallback in signals.values:
        x_stay = np.nan_to_num(signals.values[fallback], nan=0.0)
    # a hold starts on the strict score and lasts while the looser posture score holds (hips sinking
    # into a sag part-way through a plank do not end the plank)
    segs, info = _holds_from_score(signals, x, spec, min_hold_s, enter, exit, merge_gap_s, x_stay=x_stay)
    info["fallback"] = None
    if not segs and x_stay is not None:
        segs, info2 = _holds_from_score(signals, x_stay, spec, min_hold_s, enter, exit, merge_gap_s)
        if segs:
            info = {**info2, "fallback": fallback}
    return segs, info


#: Hold drivers with a looser fallback score (used when the driver finds no hold at all: a plank sagged
#: all the way to the floor keeps the plank posture but not the hips-off-the-floor criterion).
HOLD_FALLBACK = {"in_plank": "plank_posture"}
#: A hold cut off by the start or end of the recording is kept from this length (s) on.
MIN_CUT_HOLD_S = 1.0


def _holds_from_score(signals: Signals, x: np.ndarray, spec: ExerciseSpec, min_hold_s: float | None,
                      enter: float, exit: float, merge_gap_s: float | None,
                      x_stay: np.ndarray | None = None) -> tuple[list[Segment], dict]:
    min_hold = spec.min_hold_s if min_hold_s is None else float(min_hold_s)
    t = signals.t
    stay = x if x_stay is None else np.maximum(x, x_stay)
    state = np.zeros(x.size, bool)
    on = False
    for i, v in enumerate(x):
        if not on and v >= enter:
            on = True
        elif on and stay[i] < exit:
            on = False
        state[i] = on
    runs = _runs(state)
    raw_runs = [(int(a), int(b - 1)) for a, b in runs]
    merged: list[list[int]] = []
    for a, b in raw_runs:
        if merged and merge_gap_s is not None and t[a] - t[merged[-1][1]] < merge_gap_s:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    # the hysteresis onset is late by the climb from exit to enter: move each bound out to where the
    # score crosses the midpoint of the two thresholds
    mid = 0.5 * (enter + exit)
    segs: list[Segment] = []
    for a, b in merged:
        while a > 0 and x[a - 1] >= mid:
            a -= 1
        while b < x.size - 1 and x[b + 1] >= mid:
            b += 1
        cut = a == 0 or b == x.size - 1  # the recording starts/ends inside the hold
        if t[b] - t[a] < (min(min_hold, MIN_CUT_HOLD_S) if cut else min_hold):
            continue
        a_raw, long_enough = a, t[b] - t[a] >= min_hold
        for name in HOLD_REFINE.get(spec.driver, ()):
            a, b = _refine_hold(signals, name, a, b)
        for pa, pb, after in _straight_leg_pieces(signals, spec, a, b, a_min=a_raw):
            # the legs also straighten when lying down on the belly after the knees went down: a stretch
            # split off by a bend needs the full length and the strict score, and a short stretch right
            # after a bend is not kept for being cut off by the end of the recording
            if after == "inside" and (t[pb] - t[pa] < min_hold or not np.max(x[pa : pb + 1]) >= enter):
                continue
            if after == "before" and not long_enough and a_raw > 0:
                continue
            if t[pb] - t[pa] < MIN_CUT_HOLD_S:
                continue
            segs.append(Segment(len(segs) + 1, "hold", float(t[pa]), float(t[pb]), None, int(pa), int(pb)))
    return segs, {"t": t, "driver": x, "enter": enter, "exit": exit, "raw_runs": raw_runs}


#: Holds whose bounds are refined on a physical signal: the hold starts once that signal has left its
#: resting level (the minimum before/after the hold, + ``HOLD_REST_BAND``) and then stopped moving —
#: getting into a plank takes 1–2.5 s, and the hold counts from when the hips are up and still; a sag
#: part-way through (hips sinking slowly, then held) does not end it, the final lowering does.
HOLD_REFINE = {"in_plank": ("hip_floor_cm",)}
#: Band (cm) above the resting level (hips on the floor) that still counts as resting.
HOLD_REST_BAND = 5.0
#: ... or this share of the hold's height above the resting level, whichever is larger.
HOLD_REST_SHARE = 0.35
HOLD_REFINE_LOOK_S = 3.0
#: Refine only when the signal drops this much (cm) outside the hold (a recording cut inside a hold
#: moves the hips by breathing and jitter only, 1–3 cm).
HOLD_REFINE_MIN_DROP = 5.0
#: The refine signal is "still" when it moves less than this (cm) over ``HOLD_STILL_S``: breathing, sway
#: and MediaPipe jitter move the hip point 1–2 cm, getting up into a plank 10–20 cm/s.
HOLD_STILL_CM = 3.0
HOLD_STILL_S = 0.8
#: Getting into / out of the hold has ended where the refine signal changes at less than this share of
#: its fastest rate.
HOLD_TOP_SLOPE_SHARE = 0.25
#: ... measured from the first local peak of its rate that reaches this share of the fastest (a pike
#: ramping in straight after getting up makes a second, sometimes faster, burst: fast-path piked planks
#: started 0.85–1.15 s late when measured from the fastest).
HOLD_FIRST_PEAK_SHARE = 0.5


#: Holds that need straight legs (a forearm plank is on the toes; knees on the floor is not a plank): the
#: signal whose drop marks the legs bending. Getting out of a plank, most people drop the knees to the
#: floor first (then lie down or sit back), and many get in from kneeling; in a deep sag the hips are
#: already as low as lying on the forearms, so the knees are what shows the plank ending.
HOLD_BEND = {"in_plank": "knee_angle_deg"}
#: The legs count as bent where the knee angle is this far (degrees) below its median over the hold ...
#: Fast-path synthetic planks (seeds 300–319; correct, sag 0.5/0.9, pike 0.8; side, other side, 30° and
#: 45° views): dips inside holds reach 7.5° side-on and 15° at 45° (95th percentile 6° / 10°); dropping
#: the knees reaches 16° side-on and 13° at 45° from a deep sag (hips already low: the knee moves ~8 cm),
#: 40–80° typically. Real side-view holds (plank_correct_001/007): the angle stays within ±4° of its level.
HOLD_BEND_DEG = 12.0
#: ... for at least this long (s): a moment of a mislocated knee point is not kneeling.
HOLD_BEND_MIN_S = 0.3
#: A bend this deep (degrees below the hold's level) is kneeling: on fast-path planks (seeds 300–319; side,
#: other side, 30°, 45°) the legs before a hold got into from kneeling are bent 31° or more (5th percentile
#: 36°); lying prone before the hold reads as bent by up to 23° (95th percentile 18°).
HOLD_KNEEL_DEG = 30.0


def _straight_leg_pieces(signals: Signals, spec: ExerciseSpec, a: int, b: int, *,
                         a_min: int | None = None) -> list[tuple[int, int, str]]:
    """Split a hold ``a..b`` (sample indices, inclusive) where the legs bend (``HOLD_BEND``).

    Bends are runs of at least ``HOLD_BEND_MIN_S`` where the signal is ``HOLD_BEND_DEG`` below its median
    over ``a..b``, starting inside the hold (a bend after the hips have come down, lying on the belly, does
    not matter) or ending at most ``HOLD_REFINE_LOOK_S`` before it. A straight-leg stretch ends where the
    fall into the next bend starts and starts where the rise out of the previous one ends (both
    extrapolated from the steep part, :func:`_eased_end`). Bounds only move inward, except that a hold
    got into from kneeling (a bend of ``HOLD_KNEEL_DEG`` or more) starts where the legs have straightened
    even if that is before ``a`` (the hips still rising then is a pike setting in), but not before
    ``a_min`` (default ``a``).

    Returns
    -------
    list of (start, end, after)
        The straight-leg stretches (sample indices, inclusive), and what each follows: ``""`` (no bend),
        ``"before"`` (a bend before the hold: getting up from the knees) or ``"inside"`` (a bend inside it).
    """
    name = HOLD_BEND.get(spec.driver)
    if name is None or name not in signals.values:
        return [(a, b, "")]
    y = np.asarray(signals.values[name], float)
    if not np.isfinite(y[a : b + 1]).any():
        return [(a, b, "")]
    lvl = float(np.nanmedian(y[a : b + 1]))
    fps = signals.fps
    look = max(1, int(round(HOLD_REFINE_LOOK_S * fps)))
    k = max(2, int(round(HOLD_BEND_MIN_S * fps)))  # (two samples at least: 4 fps is not smoothed)
    bent = np.nan_to_num(lvl - y, nan=0.0) > HOLD_BEND_DEG
    bends = [(int(r0), int(r1) - 1) for r0, r1 in _runs(bent)
             if r1 - r0 >= k and r1 - 1 >= a - look and r0 <= b]
    pieces: list[tuple[int, int, str]] = []
    lo, after = a, ""
    for r0, r1 in bends:
        if r0 > lo:  # straight legs from lo until this bend
            e = _eased_end(y, r0, look, forward=False)
            hi = min(r0 - 1, b if e is None else int(round(e)))
            if hi > lo:
                pieces.append((lo, hi, after))
        after = "inside" if r0 >= a else "before"
        s = _eased_end(y, r1, look, forward=True)
        up = r1 + 1 if s is None else max(r1 + 1, int(round(s)))
        kneeling = lvl - float(np.nanmin(y[r0 : r1 + 1])) >= HOLD_KNEEL_DEG
        lo = max(a if a_min is None else a_min, up) if r1 < a and kneeling else max(lo, up)
    if lo < b:
        pieces.append((lo, b, after))
    return pieces


def _refine_hold(signals: Signals, name: str, a: int, b: int) -> tuple[int, int]:
    """Move a hold's bounds in to where the body has arrived in position and is still.

    From the bound, skip samples at the resting level (``HOLD_REST_BAND`` above the minimum near the
    bound), then until the signal has been still (moving less than ``HOLD_STILL_CM``) for
    ``HOLD_STILL_S``. Only when the signal drops by more than
    ``HOLD_REFINE_MIN_DROP`` beyond the bound.
    """
    if name not in signals.values:
        return a, b
    y = signals.values[name]
    inner = y[a : b + 1]
    if not np.isfinite(inner).any():
        return a, b
    med = float(np.nanmedian(inner))
    fps = signals.fps
    look = max(1, int(round(HOLD_REFINE_LOOK_S * fps)))
    k = max(1, int(round(HOLD_STILL_S * fps)))
    yf = np.nan_to_num(y, nan=np.inf)

    def still(i: int, j: int) -> bool:  # the signal moves less than the limit over samples i..j-1
        w = yf[max(i, 0) : j]
        return w.size > 0 and bool(np.all(np.isfinite(w))) and float(w.max() - w.min()) < HOLD_STILL_CM
    n = y.size
    a0, b0 = a, b
    pre = y[max(0, a - look) : a + look]
    if np.isfinite(pre).any():
        base = float(np.nanmin(pre))
        if med - base > HOLD_REFINE_MIN_DROP:
            i = a  # skip the resting (lying) level, then the movement up, to the first still moment
            band = max(HOLD_REST_BAND, HOLD_REST_SHARE * (med - base))
            while i < b and not (y[i] > base + band):
                i += 1
            while i < b and not still(i, i + k):
                i += 1
            a = i
    post = y[max(a, b - look + 1) : min(n, b + 1 + look)]
    if np.isfinite(post).any():
        base = float(np.nanmin(post))
        if med - base > HOLD_REFINE_MIN_DROP:
            i = b  # back over the resting level and the movement down to the last still moment
            band = max(HOLD_REST_BAND, HOLD_REST_SHARE * (med - base))
            while i > a and not (y[i] > base + band):
                i -= 1
            while i > a and not still(i - k + 1, i + 1):
                i -= 1
            b = i
    if b - a < 1:  # never refine a hold away
        return a0, b0
    # the stillness test ends a bound in the eased tail of getting up / the first moment of getting down;
    # where the rise / fall is clear, extrapolate its end from its steep part instead (as for rep bounds)
    a1 = _eased_end(y, a0, look, forward=True)
    b1 = _eased_end(y, b0, look, forward=False)
    a = a if a1 is None else int(round(min(max(a1, a0), b0)))
    b = b if b1 is None else int(round(max(min(b1, b0), a0)))
    if b - a < 1:
        return a0, b0
    return a, b


def _eased_end(y: np.ndarray, i0: int, look: int, *, forward: bool) -> float | None:
    """Where the rise into a hold ends (``forward``) / the fall out of it starts, as a fractional index.

    The rise runs from the lowest point within ``look`` samples of ``i0`` toward the highest point within
    ``look`` samples inside the hold, up to where it slows to ``HOLD_TOP_SLOPE_SHARE`` of its fastest
    (the top: before a sag or pike sets in); its end is extrapolated from the
    crossings of ``REP_ONSET_LEVELS`` of the rise by ``REP_ONSET_EXTRAP`` of their spacing. None when
    the rise is smaller than ``HOLD_REFINE_MIN_DROP`` or has NaN in it.
    """
    n = y.size
    z = y if forward else y[::-1]
    i = i0 if forward else n - 1 - i0
    inner = z[i : min(n, i + look)]
    outer = z[max(0, i - look) : i + 1]
    if not (np.isfinite(inner).any() and np.isfinite(outer).any()):
        return None
    top_i = i + int(np.nanargmax(inner))
    base_i = max(0, i - look) + int(np.nanargmin(outer))
    if not z[top_i] - z[base_i] > HOLD_REFINE_MIN_DROP or top_i <= base_i:
        return None
    # the top is where getting up stops: the rise slows to HOLD_TOP_SLOPE_SHARE of its steepest (a fault
    # ramping in right after, like the hips going on up into a pike, is not part of getting up)
    v = np.diff(z[base_i : top_i + 1])
    if not np.isfinite(v).all():
        return None
    # getting up: the first burst of speed (a local maximum reaching HOLD_FIRST_PEAK_SHARE of the fastest):
    # getting up into a plank and a pike ramping in right after it are two bursts, the faster may be the
    # second (getting down: the fastest, as a slow sag before it is not part of getting down)
    peaks = np.flatnonzero((v >= HOLD_FIRST_PEAK_SHARE * v.max()) & (v >= np.r_[-np.inf, v[:-1]])
                           & (v >= np.r_[v[1:], -np.inf]))
    steep = int(peaks[0]) if peaks.size and forward else int(np.argmax(v))
    slow = np.flatnonzero(v[steep:] < HOLD_TOP_SLOPE_SHARE * v[steep])
    if slow.size:
        top_i = base_i + steep + int(slow[0])
    rise = z[top_i] - z[base_i]
    if not rise > HOLD_REFINE_MIN_DROP:
        return None
    seg = z[base_i : top_i + 1][::-1]  # from the top back down to the base
    if not np.isfinite(seg).all():
        return None
    lo_lvl, hi_lvl = REP_ONSET_LEVELS

    def back(level: float) -> float:  # first fractional step from the top where seg drops to level
        j = int(np.flatnonzero(seg <= level)[0])
        return float(j) if j == 0 or seg[j - 1] == seg[j] else j - 1 + (seg[j - 1] - level) / (seg[j - 1] - seg[j])

    d_hi = back(z[base_i] + hi_lvl * rise)
    d_lo = back(z[base_i] + lo_lvl * rise)
    d_end = float(np.clip(d_hi - REP_ONSET_EXTRAP * (d_lo - d_hi), 0.0, d_hi))
    k = top_i - d_end
    return k if forward else n - 1 - k


# ------------------------------------------------------------------------------------------- reps
def find_reps(
    signals: Signals,
    spec: ExerciseSpec | str,
    *,
    min_prominence: float | None = None,
    min_gap_s: float | None = None,
    rel_prominence: float | None = REP_REL_PROMINENCE,
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
        driver). The effective prominence is ``max(min_prominence, rel_prominence × P90)`` where P90
        is the 90th percentile of the candidate peaks' prominences (measured within about one rep period).
    min_gap_s : float, optional
        Minimum time between peaks (default ``spec.min_rep_s``; ``0`` disables).
    rel_prominence : float or None
        Share of the set's typical rep prominence a peak must reach; None disables the relative criterion.
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
        streaming :class:`RepCounter` that match this segmentation).
    """
    spec = get_exercise(spec)
    t = signals.t
    x = _driver(signals, spec)
    info: dict = {"t": t, "driver": x, "peaks": np.zeros(0, int), "prominences": np.zeros(0)}
    ok = np.isfinite(x)
    if ok.sum() < 3:
        info.update(prominence=np.nan, enter=np.nan, exit=np.nan)
        return [], info
    # fill gaps for peak finding (long gaps cannot make a prominent peak; peaks inside them are dropped)
    idx = np.flatnonzero(ok)
    xf = np.interp(np.arange(x.size), idx, x[idx])
    fps = signals.fps
    floor = REP_MIN_PROMINENCE.get(spec.driver, 0.0) if min_prominence is None else float(min_prominence)
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
    prom = floor
    if peaks.size:
        pr = peak_prominences(xf, peaks, wlen=wlen)[0]
        prom = max(floor, (rel_prominence or 0.0) * float(np.percentile(pr, 90)))
        peaks = peaks[pr >= prom]
    lo, hi = np.percentile(xf[ok], [5, 95])
    tol_side = REP_SIDE_HEIGHT_TOL.get(spec.driver)
    rot_s = signals.values.get("thorax_rotation")
    if tol_side is not None and spec.per_side and rot_s is not None and peaks.size >= 3:
        # sitting up between the sides moves the shoulders too: keep a peak only if it reaches about as
        # high as the other reps to the same side
        pr = peak_prominences(xf, peaks, wlen=wlen)[0]
        sgn = _onset_sides(xf, rot_s, peaks, wlen) if _swapped(signals) else np.sign(np.nan_to_num(rot_s[peaks]))
        keep = np.ones(peaks.size, bool)
        for sd in (-1.0, 1.0):
            m = sgn == sd
            if m.sum() >= 2:
                keep[m] = xf[peaks[m]] >= np.median(xf[peaks[m]]) - tol_side * np.median(pr[m])
        peaks = peaks[keep]
    tol = REP_EDGE_HEIGHT_TOL.get(spec.driver)
    if tol is not None and peaks.size >= 3:
        # getting into / out of position can look like a rep at the very start or end: keep an edge
        # peak only if it reaches about as high as the set's other reps
        pr = peak_prominences(xf, peaks, wlen=wlen)[0]
        floor_h = float(np.median(xf[peaks]) - tol * np.median(pr))
        keep = np.ones(peaks.size, bool)
        keep[0] = xf[peaks[0]] >= floor_h
        keep[-1] = xf[peaks[-1]] >= floor_h
        peaks = peaks[keep]
    info.update(period_s=period, wlen=wlen)
    if peaks.size == 0:
        info.update(prominence=prom, enter=np.nan, exit=np.nan)
        return [], info
    proms = peak_prominences(xf, peaks, wlen=wlen)
    extrap = REP_ONSET_EXTRAP_BY_DRIVER.get(spec.driver, REP_ONSET_EXTRAP) if onset_extrap is None \
        else float(onset_extrap)
    past = spec.driver in REP_PAST_BASE and _swapped(signals)
    lips, rips = _rep_bounds(xf, peaks, wlen, extrap, past_base=past,
                             levels=REP_PAST_BASE_LEVELS if past else None)
    segs: list[Segment] = []
    prev_end = -1
    rot = signals.values.get("thorax_rotation")
    sides = None
    if spec.per_side and rot is not None:
        sides = _onset_sides(xf, np.asarray(rot, float), peaks, wlen) if _swapped(signals) \
            else np.sign(np.nan_to_num(np.asarray(rot, float)[peaks]))
    for k in range(peaks.size):
        a = max(int(np.floor(lips[k])), prev_end + 1, 0)
        b = min(int(np.ceil(rips[k])), x.size - 1)
        if k + 1 < peaks.size:
            b = min(b, int(peaks[k + 1]) - 1)
        if b <= a:
            continue
        ts = float(np.interp(max(lips[k], a), np.arange(t.size), t))
        te = float(np.interp(min(rips[k], b), np.arange(t.size), t))
        if te - ts < REP_MIN_DURATION_SHARE * spec.min_rep_s:  # a bump, not a rep
            continue
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


def _rep_bounds(x: np.ndarray, peaks: np.ndarray, wlen: int, extrap: float, *,
                past_base: bool = False, levels: tuple[float, float] | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
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
    past_base : bool
        Let the bound go past the base into the resting stretch (up to the previous / next peak or half
        of ``wlen``): for drivers that read the first part of the movement as rest (see
        ``REP_PAST_BASE``), whose base is where the reading starts to move, not where the body does.
    levels : (float, float), optional
        The two shares of the rise the onset is extrapolated from (default ``REP_ONSET_LEVELS``).

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

    def side(seg: np.ndarray) -> float:
        base_j = int(np.argmin(seg))
        limit = seg.size - 1 if past_base else base_j
        seg = seg[: base_j + 1]
        rise = seg[0] - seg[-1]
        if rise <= 0:
            return 0.0
        d_lo = crossing(seg, seg[-1] + lo_lvl * rise)
        d_hi = crossing(seg, seg[-1] + hi_lvl * rise)
        onset = d_lo + extrap * (d_lo - d_hi)
        return float(np.clip(onset, d_lo, limit))

    left = np.zeros(peaks.size)
    right = np.zeros(peaks.size)
    for k, p in enumerate(peaks):
        lo = max(0, p - half, int(peaks[k - 1]) if k > 0 else 0)
        hi = min(n - 1, p + half, int(peaks[k + 1]) if k + 1 < peaks.size else n - 1)
        left[k] = p - side(x[lo : p + 1][::-1])
        right[k] = p + side(x[p : hi + 1])
    return left, right


def find_segments(signals: Signals, spec: ExerciseSpec | str, **kwargs) -> tuple[list[Segment], dict]:
    """Dispatch on ``spec.kind``: :func:`find_holds` for holds, :func:`find_reps` for reps."""
    spec = get_exercise(spec)
    if spec.kind == "hold":
        return find_holds(signals, spec, **kwargs)
    return find_reps(signals, spec, **kwargs)


# -------------------------------------------------------------------------------------- streaming
class RepCounter:
    """Streaming rep counter with hysteresis (one :meth:`update` per sample).

    A rep starts when the driver rises above ``enter`` and is counted when it falls back below
    ``exit`` (``enter > exit``), so noise around a single threshold cannot double-count.

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

    def update(self, value: float) -> int:
        """Feed one driver sample (NaN ignored); returns the number of completed reps so far."""
        if not hasattr(self, "count_"):
            if not self.enter > self.exit:
                raise ValueError(f"RepCounter: enter ({self.enter}) must be greater than exit ({self.exit})")
            self.reset()
        if value is None or not np.isfinite(value):
            return self.count_
        if not self.in_rep_ and value > self.enter:
            self.in_rep_ = True
        elif self.in_rep_ and value < self.exit:
            self.in_rep_ = False
            self.count_ += 1
        return self.count_
