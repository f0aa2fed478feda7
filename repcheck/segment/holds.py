"""Holds: the stretches where the body is in the exercise's position (the plank).

The exercise's "in position" score (``spec.driver``, 0..1) with hysteresis finds them; their bounds are
refined on the hips (getting up / lowering) and, for the plank, start no later than the hips reach the
body line (hips going on up into a pike are the hold's fault, not getting up), and are cut where the legs
bend toward the floor (knees going down to the floor ends a plank, also a deep sag whose hips are as low as
lying down), or where the hips start back down toward the level they had lying before the hold (a deep
sag lowered straight onto the belly; got in from kneeling, toward a rest at the hold's end lower than they
held). Windows and rates are per second of the samples' own times
(samples taken from a video at another rate are unevenly spaced).
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

from ..exercises import ExerciseSpec, get_exercise
from ..features import HIP_OFF_FLOOR_CM, Signals, despike
from .common import Segment
from .common import runs as _runs

__all__ = ["find_holds", "HOLD_ENTER", "HOLD_EXIT"]

#: In-position score above which a hold starts / below which it ends (hysteresis; the score is a
#: product of sigmoids centred on the posture limits, so 0.5 is "on the limit").
HOLD_ENTER = 0.6
HOLD_EXIT = 0.4
#: Drops out of position shorter than this (s) do not split a hold (a shaky moment, a missed frame). Timed from
#: the last sample in position to the next one, up to and including the limit: at 4 samples/s three samples out
#: are 1.0 s apart (a piked hold seen from 45° read out of position for them as the pike was let down, and split).
HOLD_MERGE_GAP_S = 1.0
#: A stretch this long (s) at most where nobody is seen (MediaPipe found no person: someone walked past the
#: phone, the light or the pose made the detector drop the body) does not end a hold that is in position on
#: both sides of it: the hold goes on through it, its moments "not seen". Timed from the last sample seen to
#: the next. A rendered sagging plank with its frames blanked for 1 s mid-hold lost the 1.7 s before the gap
#: (under the shortest hold) and came out as one 2.3 s hold after it; walking past a phone 2-4 m away takes
#: about a second.
HOLD_UNSEEN_MAX_S = 2.5
#: Where getting up ends / lowering starts (:func:`_eased_end`): the same eased-movement model as a rep's
#: onset (:data:`repcheck.segment.reps.REP_ONSET_LEVELS`, ``REP_ONSET_EXTRAP``), kept separate so tuning
#: one exercise kind does not move the other.
HOLD_EASE_LEVELS = (0.2, 0.8)
HOLD_EASE_EXTRAP = 0.7


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
    signals = _as_it_was_through_flips(signals, spec)
    x = np.nan_to_num(np.asarray(signals.values[spec.driver], float), nan=0.0)
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
#: A recording in position from its first sample to its last (a clip cut to the hold) is one hold from this length
#: (s) on: a second of the real correct planks (4 samples) is one correct hold; with 1.0 s, clips under about 1.25 s
#: were no hold.
MIN_WHOLE_HOLD_S = 0.5


def _holds_from_score(signals: Signals, x: np.ndarray, spec: ExerciseSpec, min_hold_s: float | None,
                      enter: float, exit: float, merge_gap_s: float | None,
                      x_stay: np.ndarray | None = None) -> tuple[list[Segment], dict]:
    min_hold = spec.min_hold_s if min_hold_s is None else float(min_hold_s)
    t = signals.t
    stay = x if x_stay is None else np.maximum(x, x_stay)
    # while MediaPipe has lost the legs the posture cannot be read: a hold goes on as it was before
    lost = _legs_lost(signals, spec)
    if lost.any():
        stay = stay.copy()
        for r0, r1 in _runs(lost):
            if r0 > 0:
                stay[r0:r1] = stay[r0 - 1]
    x, stay = _through_unseen(signals, x, stay, exit)
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
        if merged and merge_gap_s is not None and t[a] - t[merged[-1][1]] <= merge_gap_s + 1e-9:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    merged = _through_sag_dips(signals, spec, merged, lost)
    merged = _cut_at_rests(signals, spec, x, merged, enter, exit)
    # the hysteresis onset is late by the climb from exit to enter: move each bound out to where the
    # score crosses the midpoint of the two thresholds
    mid = 0.5 * (enter + exit)
    segs: list[Segment] = []
    for a, b in merged:
        while a > 0 and x[a - 1] >= mid:
            a -= 1
        a = _posture_held_before(signals, spec, stay, a, exit)  # ... and on while the posture holds, hips up
        while b < x.size - 1 and x[b + 1] >= mid:
            b += 1
        cut = a == 0 or b == x.size - 1  # the recording starts/ends inside the hold
        shortest = min_hold if not cut else min(min_hold, MIN_CUT_HOLD_S)
        if a == 0 and b == x.size - 1:  # ... and it is all hold
            shortest = min(shortest, MIN_WHOLE_HOLD_S)
        if t[b] - t[a] < shortest:
            continue
        a_raw, b_raw, long_enough = a, b, t[b] - t[a] >= min_hold
        # a recording that starts with the body already in position and the hips on or above the line: the
        # hold was got into before it, and hips rising from there are the hold's pike, not getting up
        held_from_start = a == 0 and x[0] >= enter and _on_the_line(signals, spec, 0)
        for name in HOLD_REFINE.get(spec.driver, ()):
            a, b = _refine_hold(signals, name, a, b, start=not held_from_start)
        for name, lowest in HOLD_REFINE_END.get(spec.driver, ()):
            if name in signals.values and np.nanmedian(signals.values[name][a : b + 1]) >= lowest:
                a, b = _refine_hold(signals, name, a, b, start=False)
        b, sag_held = _late_sag_end(signals, spec, a, b, b_raw, a_min=a_raw, merge_gap_s=merge_gap_s)
        for pa, pb, after, straight in _straight_leg_pieces(signals, spec, a, b, a_min=a_raw,
                                                            merge_gap_s=merge_gap_s):
            if after != "inside":  # (got in from kneeling: not before the legs are straight)
                pa = _line_reached_start(signals, spec, pa, pb, lo=straight if after == "kneeling" else None,
                                         rising=after != "kneeling")
            if pb == b and not sag_held:  # not ended by the knees going down: maybe by lying down again
                pb = _lying_again_end(signals, spec, pa, pb)
            # the legs also straighten when lying down on the belly after the knees went down: a stretch
            # split off by a bend needs the full length and the strict score, and a short stretch right
            # after a bend is not kept for being cut off by the end of the recording
            if after == "inside" and (t[pb] - t[pa] < min_hold or not np.max(x[pa : pb + 1]) >= enter):
                continue
            if after in ("before", "kneeling") and not long_enough and a_raw > 0:
                continue
            if t[pb] - t[pa] < (MIN_WHOLE_HOLD_S if pa == 0 and pb == x.size - 1 else MIN_CUT_HOLD_S):
                continue
            segs.append(Segment(len(segs) + 1, "hold", float(t[pa]), float(t[pb]), None, int(pa), int(pb)))
    return segs, {"t": t, "driver": x, "enter": enter, "exit": exit, "raw_runs": raw_runs}


def _posture_held_before(signals: Signals, spec: ExerciseSpec, stay: np.ndarray, a: int, exit: float) -> int:
    """Move a hold's start ``a`` (sample index) back over the samples just before it that are already in the
    hold: the looser score ``stay`` (shape (T,)) at least ``exit`` and the hips off the floor (the refine signal,
    ``HOLD_REFINE``, at least :data:`repcheck.features.HIP_OFF_FLOOR_CM`, where the strict score's floor term is
    one half).

    The hysteresis starts a hold where the strict score reaches ``enter`` and ends it where the looser one drops
    under ``exit``; this gives the start the same looseness. Seen obliquely, MediaPipe read a rendered plank's hips
    9-14 cm above the elbow–toe floor line all through the hold (20-30 cm elsewhere), its strict score 0.2-0.6
    with the posture in place: the hold started where the score first reached ``enter``, 2.5 s after the hips
    were up (h-plank-0900020 of the held-out set; now 0.3 s). Lying on the belly reads under the floor limit and
    kneeling out of the posture, so the start's own refinement (:func:`_refine_hold`) still finds getting up.
    """
    hips = _refine_signal(signals, spec)
    if hips is None:
        return a
    hips_up = np.nan_to_num(hips, nan=-np.inf) >= HIP_OFF_FLOOR_CM
    while a > 0 and stay[a - 1] >= exit and hips_up[a - 1]:
        a -= 1
    return a


def _cut_at_rests(signals: Signals, spec: ExerciseSpec, x: np.ndarray, runs: list[list[int]], enter: float,
                  exit: float) -> list[list[int]]:
    """Split hold runs (``[start, end]`` sample indices, inclusive) at rests: stretches longer than
    ``HOLD_SAG_DIP_MAX_S`` with the strict score ``x`` (shape (T,)) under ``exit`` — the hips down on the floor —
    that the looser posture score carried the run through, after at least ``spec.min_hold_s`` in position by the
    strict score (``x`` at ``exit`` or more) in the run. The run before a rest keeps it up to ``HOLD_REFINE_LOOK_S``
    after the hips (``HOLD_REFINE``) first come within ``HOLD_STILL_CM`` of the level they rest at (the stretch's
    median), for the bounds' refinement to find getting down in; the run after it starts where ``x`` is back at
    ``enter``.

    Lying on the belly after a plank keeps the plank's posture (body flat, legs straight, shoulders propped on the
    forearms), so a recording that went on while the person rested there ran the hold on to its end: fast-path
    planks with 20 s of lying still appended, 13 of 15 holds ran through the rest; rendered ones, 3 of 12, and 2
    rests became holds of their own. A sag pulled back up within ``HOLD_SAG_DIP_MAX_S`` still counts as part of the
    hold, and so does a sag held from the start, whose hips were never up for ``spec.min_hold_s`` (45° deep sags
    read the hips on the floor all through the hold); a deep sag setting in after that and held longer than the
    limit with the hips read on the floor is taken for lying down.
    """
    t = signals.t
    rate = _sample_rate(signals)
    keep = max(1, int(round(HOLD_REFINE_LOOK_S * rate)))
    hips = _refine_signal(signals, spec)
    hips = None if hips is None else _median3(hips)
    out: list[list[int]] = []
    for a, b in runs:
        start: int | None = a
        for r0, r1 in _runs(x[a : b + 1] < exit):
            s0, s1 = a + int(r0), a + int(r1) - 1
            if (start is None or s0 < start or t[s1] - t[s0] <= HOLD_SAG_DIP_MAX_S
                    or np.count_nonzero(x[start:s0] >= exit) / rate < spec.min_hold_s):
                continue
            rest = s0  # the rest starts where the hips reach the level they rest at (the stretch's median)
            if hips is not None and np.isfinite(hips[s0 : s1 + 1]).any():
                with np.errstate(invalid="ignore"):
                    near = np.flatnonzero(np.abs(hips[s0 : s1 + 1] - np.nanmedian(hips[s0 : s1 + 1])) < HOLD_STILL_CM)
                rest = s0 + int(near[0]) if near.size else s0
            out.append([start, min(rest + keep, s1)])
            start = next((i for i in range(s1 + 1, b + 1) if x[i] >= enter), None)
        if start is not None:
            out.append([start, b])
    return out


def _through_sag_dips(signals: Signals, spec: ExerciseSpec, runs: list[list[int]],
                      lost: np.ndarray) -> list[list[int]]:
    """Join hold runs (``[start, end]`` sample indices, inclusive, in order) split by a sag or pike the body came
    back from: a gap shorter than ``HOLD_SAG_DIP_MAX_S`` with the hips off the body line (``HOLD_LINE``: median
    more than ``HOLD_LINE_CM`` below it or ``HOLD_LINE_PIKE_CM`` above) and the legs never bent as deep as
    kneeling (``HOLD_KNEEL_DEG`` below their level in the runs, ``HOLD_BEND``).

    Seen from 45°, MediaPipe misplaces the elbows and feet of a plank sagging 15-20 cm, or piked 25 cm, enough
    for the posture to read as out of position (the shoulders 0-13 cm above the elbow–toe line instead of 20-27):
    dev renders of holds going correct -> sag -> correct -> pike, 3 of 4 at 45° split at the sag or the pike.
    The knees going down bend the legs as deep as kneeling; lying down on the belly from a deep sag and getting
    straight back up within the limit reads like such a sag (not told apart). ``lost`` (bool, shape (T,)): where
    MediaPipe lost the legs (:func:`_legs_lost`), whose knee readings do not count.
    """
    line, legs = HOLD_LINE.get(spec.driver), HOLD_BEND.get(spec.driver)
    if len(runs) < 2 or line not in signals.values or legs not in signals.values:
        return runs
    t = signals.t
    hips = np.asarray(signals.values[line], float)
    knee = _median3(np.minimum(np.asarray(signals.values[legs], float), 180.0))
    knee[lost] = np.nan
    out = [list(runs[0])]
    for a, b in runs[1:]:
        a0, b0 = out[-1]
        gap = slice(b0 + 1, a)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            level = float(np.nanmedian(np.r_[knee[a0 : b0 + 1], knee[a : b + 1]]))
            off = float(np.nanmedian(hips[gap]))
            lowest = float(np.nanmin(knee[gap])) if np.isfinite(knee[gap]).any() else level
        if (t[a] - t[b0] < HOLD_SAG_DIP_MAX_S and (off < -HOLD_LINE_CM or off > HOLD_LINE_PIKE_CM)
                and level - lowest < HOLD_KNEEL_DEG):
            out[-1][1] = b
        else:
            out.append([a, b])
    return out


#: Holds whose bounds are refined on a physical signal: the hold starts once that signal has left its
#: resting level (the minimum before/after the hold, + ``HOLD_REST_BAND``) and then stopped moving —
#: getting into a plank takes 1–2.5 s, and the hold counts from when the hips are up and still; a sag
#: part-way through (hips sinking slowly, then held) does not end it, the final lowering does.
HOLD_REFINE = {"in_plank": ("hip_floor_cm",)}
def _refine_signal(signals: Signals, spec: ExerciseSpec) -> np.ndarray | None:
    """The first of the driver's ``HOLD_REFINE`` signals that ``signals`` has (the plank: the hips above the
    elbow–toe floor line, cm), as floats of shape (T,); None without one."""
    name = next((n for n in HOLD_REFINE.get(spec.driver, ()) if n in signals.values), None)
    return None if name is None else np.asarray(signals.values[name], float)


#: Holds whose end is also refined on a second signal (the same way; the earlier end wins), where the hold's
#: median of it is at least the given level: lowering out of a plank takes the hips down off the body line
#: (the hip offset) while, at 45°, MediaPipe's elbows and ankles may keep the elbow–ankle floor line level
#: with the hips for 0.5–1 s (a rendered 45° plank lowered onto the belly ended 0.86 s late on the floor line
#: alone, h-plank-2200017 of a second fresh dev set). Only for holds with the hips on the line (no sag: the
#: hips_sag boundary, -3 cm): a deep sag's hips wander 5–8 cm below it, which is not getting down (a fast-path
#: 45° deep sag ended 1.4 s early).
HOLD_REFINE_END = {"in_plank": (("hip_offset_cm", -3.0),)}
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
#: ... and getting out of it starts where, looking back from the floor, the fall has been that slow for this
#: long (s) at least: MediaPipe's hip reading of a rendered pike lowered onto the belly stalled for one
#: sample (0.25 s) half-way down, which read as the start of the fall (h-plank-2300006 of a third dev set:
#: the hold ended 0.93 s late). Before the fall is the hold, which holds still for longer.
HOLD_TOP_PAUSE_S = 0.4
#: Where the rise into a hold ends (:func:`_eased_end`), a sample standing this far (cm) from the median of itself
#: and its two neighbours is a landmark glitch (:func:`repcheck.features.despike`; a one-sample 17 cm hip spike
#: inside a rendered 45° pike, plank-0300012). Not a running median of 3 there: it flattens the top of the hips'
#: rise into a sag onto the sample before it (the sag falls faster than the hips rose), which started sagging holds
#: a sample early (training sags -0.04 -> +0.04 s on average). The top of the rise stood 1-2 cm above that median
#: on the rendered tracks (training and five dev sets: the same bounds for any limit from 2 to 100 cm).
HOLD_SPIKE_CM = 5.0


#: Holds that need straight legs (a forearm plank is on the toes; knees on the floor is not a plank): the
#: signal whose drop marks the legs bending. Getting out of a plank, most people drop the knees to the
#: floor first (then lie down or sit back), and many get in from kneeling; in a deep sag the hips are
#: already as low as lying on the forearms, so the knees are what shows the plank ending.
HOLD_BEND = {"in_plank": "knee_floor_angle_deg"}
#: The legs count as bent where the knee angle is this far (degrees) below its median over the hold ...
#: Fast-path synthetic planks (seeds 300–319; correct, sag 0.5/0.9, pike 0.8; side, other side, 30° and
#: 45° views): dips inside holds reach 7.5° side-on and 15° at 45° (95th percentile 6° / 10°); dropping
#: the knees reaches 16° side-on and 13° at 45° from a deep sag (hips already low: the knee moves ~8 cm),
#: 40–80° typically. Real side-view holds (plank_correct_001/007): the angle stays within ±4° of its level.
HOLD_BEND_DEG = 12.0
#: ... or, in a hold whose knee reading is steady, this many robust standard deviations (1.4826 × the median
#: absolute deviation from the level over the hold) but at least ``HOLD_BEND_MIN_DEG``: from a deep sag seen
#: from a high camera the knees went down by 11.9° only, with the knee steady within ±1.5° all hold long
#: (h-plank-2300011 of a third dev set: the hold ran on 2.3 s). Over the 95 holds of four dev render sets
#: the spread was 0.9° (median; 90th percentile 2.5°, 45° views up to 6.9°, which keep ``HOLD_BEND_DEG``).
HOLD_BEND_NOISE_K = 5.0
#: ... above the deepest dips inside holds on the fast path side-on (7.5°).
HOLD_BEND_MIN_DEG = 9.0
#: ... for at least this long (s): a moment of a mislocated knee point is not kneeling.
HOLD_BEND_MIN_S = 0.3
#: A bend this deep (degrees below the hold's level) is kneeling: on fast-path planks (seeds 300–319; side,
#: other side, 30°, 45°) the legs before a hold got into from kneeling are bent 31° or more (5th percentile
#: 36°); lying prone before the hold reads as bent by up to 23° (95th percentile 18°).
HOLD_KNEEL_DEG = 30.0
#: A shallower bend inside a hold that the body comes back up from into position within this long (s) is a sag
#: pulled back up, not the knees going down (:func:`_straight_leg_pieces`); so is a drop out of position that
#: short with the hips off the line (:func:`_through_sag_dips`).
HOLD_SAG_DIP_MAX_S = 8.0


#: MediaPipe has lost the legs where the knee angle (``HOLD_BEND``) jumps by more than this (degrees) between
#: two samples: a knee that MediaPipe puts on the wrong side of the body, or folds back onto the trunk, reads
#: 40-300° and back from one sample to the next (a rendered 45° deep sag: 161, 305, 135, 51, 292, 45, 38, 94
#: ... for 3 s, h-plank-2500011 of a fifth dev set, which ended the hold 3.7 s early). Real movements at
#: 4 samples/s change it by up to 25° (getting up from kneeling: 112 to 180° in 1 s).
HOLD_LEG_JUMP_DEG = 60.0
#: ... and jumps less than this apart (s) are one stretch of lost legs (between them readings may look
#: plausible by chance: 1.0 s of 38-94°, a sitting-back knee with the hips still at plank height, between two
#: jumps of h-plank-2500011).
HOLD_LEG_LOST_GAP_S = 1.5


#: Holds whose skeleton MediaPipe may flip: (the signal of the body's points all jumping at once, the signal
#: that says whether the body then holds still). MediaPipe sometimes re-reads a still body as another skeleton
#: in one sample (a rendered plank from 30°: shoulders, hips and feet all 40-160 cm elsewhere, the knees read
#: 40° bent, the tilt 15° up, the hips 15 cm lower, for 3 s while the body held still, h-plank-2400022 of a
#: fourth dev set: the hold ended 2.9 s early). Until the flipped skeleton moves, the posture cannot be read:
#: the hold's signals stay as they were before the flip.
HOLD_FLIP = {"in_plank": ("skeleton_jump_cm", "hip_floor_cm")}
#: A flip: every one of the body's points (shoulders, elbows, hips, knees, ankles) moved at least this far (cm)
#: since the previous sample. In a forearm plank the elbows and toes are on the floor: rendered training planks
#: (72) moved the least-moving point by 2.3 cm at most inside holds, 5.9 cm getting up or down; 2.4 cm in five
#: dev render sets (111 holds) but for the flip above (41.8 cm; the median point 91 cm).
HOLD_FLIP_CM = 20.0


def _as_it_was_through_flips(signals: Signals, spec: ExerciseSpec) -> Signals:
    """``signals`` with the hold's signals held at their value before each skeleton flip (``HOLD_FLIP``).

    A flipped stretch starts at a sample whose points all jumped by ``HOLD_FLIP_CM`` or more and lasts while
    the flipped skeleton holds still (the second ``HOLD_FLIP`` signal within ``HOLD_STILL_CM`` of its range
    since the flip), up to the next flip (back: the readings are right again). Returns ``signals`` itself
    when there is none.
    """
    names = HOLD_FLIP.get(spec.driver)
    if names is None or not all(n in signals.values for n in names):
        return signals
    jump_name, still_name = names
    with np.errstate(invalid="ignore"):
        flip = np.asarray(signals.values[jump_name], float) >= HOLD_FLIP_CM
    if not flip[1:].any():
        return signals
    y = np.asarray(signals.values[still_name], float)
    n = y.size
    stretches = []
    for j in np.flatnonzero(flip):
        if j == 0:
            continue
        i = j
        while i + 1 < n and not flip[i + 1] and np.isfinite(y[j : i + 2]).all() \
                and float(np.ptp(y[j : i + 2])) < HOLD_STILL_CM:
            i += 1
        stretches.append((int(j), int(i)))
    values = dict(signals.values)
    for name in _hold_signal_names(spec):
        if name in values:
            v = np.array(values[name], float)
            for j, i in stretches:
                v[j : i + 1] = v[j - 1]
            values[name] = v
    return replace(signals, values=values)


def _hold_signal_names(spec: ExerciseSpec) -> set[str]:
    """The signals the hold segmenter reads for ``spec`` (driver, fallback, refining, legs, line, lying)."""
    names = {spec.driver, HOLD_FALLBACK.get(spec.driver), HOLD_BEND.get(spec.driver), HOLD_LINE.get(spec.driver)}
    names |= set(HOLD_REFINE.get(spec.driver, ())) | {n for n, _ in HOLD_REFINE_END.get(spec.driver, ())}
    names |= set(HOLD_LIE.get(spec.driver, ()))
    return {n for n in names if n is not None}


def _through_unseen(signals: Signals, x: np.ndarray, stay: np.ndarray, exit: float) -> tuple[np.ndarray, np.ndarray]:
    """The in-position scores ``x`` and ``stay`` (shape (T,)) carried through each stretch where nobody is
    seen (``quality["detected"]`` 0) of at most ``HOLD_UNSEEN_MAX_S``, from the last sample seen to the
    next, when both are in position (``stay`` at least ``exit``): each gets the lower of its two values
    there. Other stretches stay as they are (copies are returned when anything changes)."""
    seen = np.asarray(signals.quality.get("detected", np.ones(x.size)), float) > 0
    t = signals.t
    changed = False
    for r0, r1 in _runs(~seen):
        if r0 == 0 or r1 >= x.size or t[r1] - t[r0 - 1] > HOLD_UNSEEN_MAX_S + 1e-9:
            continue
        if min(stay[r0 - 1], stay[r1]) < exit:
            continue
        if not changed:
            x, stay, changed = x.copy(), stay.copy(), True
        x[r0:r1] = min(x[r0 - 1], x[r1])
        stay[r0:r1] = min(stay[r0 - 1], stay[r1])
    return x, stay


def _legs_lost(signals: Signals, spec: ExerciseSpec) -> np.ndarray:
    """Samples (bool, shape (T,)) where MediaPipe has lost the legs: both samples of a jump of the knee angle
    by more than ``HOLD_LEG_JUMP_DEG``, and the samples between such jumps less than ``HOLD_LEG_LOST_GAP_S``
    apart."""
    name = HOLD_BEND.get(spec.driver)
    n = signals.t.size
    lost = np.zeros(n, bool)
    if name is None or name not in signals.values or n < 2:
        return lost
    y = np.asarray(signals.values[name], float)
    with np.errstate(invalid="ignore"):
        jump = np.flatnonzero(np.abs(np.diff(y)) > HOLD_LEG_JUMP_DEG)
    t = signals.t
    for k, j in enumerate(jump):
        lost[j : j + 2] = True
        if k + 1 < jump.size and t[jump[k + 1]] - t[j + 1] < HOLD_LEG_LOST_GAP_S:
            lost[j : jump[k + 1] + 1] = True
    return lost


#: The legs hold still while their reading (``HOLD_BEND``) moves less than this (degrees) over ``HOLD_STILL_S``:
#: half the smallest knees-down bend (``HOLD_BEND_MIN_DEG``).
HOLD_LEGS_STILL_DEG = 0.5 * HOLD_BEND_MIN_DEG


#: A sag is held this long (s) at least before the knees go down: the rendered late sags held 2.7-3 s; lying
#: on the belly, the knee reading of tucked toes sank from when the hips reached the floor, 163 -> 157° in 0.7 s
#: (fast-path 30° plank seed 311, read as the knees going down 1.6 s after the hold's end).
HOLD_SAG_HELD_S = 1.5


#: A recording that ends in a sag held still on straight legs keeps the hold to its end where the strict score
#: over the held stretch is at least this (hips clearly off the floor line): side-on late sag 0.54-0.59; lying on
#: the belly read 0.3-0.42 (fast-path 45° planks), a 30° late sag 0.39-0.47, which stay cut at the fall.
HOLD_SAG_TO_END_SCORE = 0.5


def _late_sag_end(signals: Signals, spec: ExerciseSpec, a: int, b: int, b_raw: int, *,
                  a_min: int | None = None, merge_gap_s: float | None = HOLD_MERGE_GAP_S) -> tuple[int, bool]:
    """The end of a hold ``a..b`` (sample indices, inclusive) whose hips fell at ``b`` but whose body then held
    still on straight legs: the fall was a sag setting in late (the person tiring), not getting down.

    Such a hold ends where the knees then go down (a bend, :func:`_straight_leg_pieces`, before ``b_raw``, the
    end of the hold's score run) or, with the hips still off the floor (``spec.driver`` at ``HOLD_EXIT`` or
    more for ``HOLD_STILL_S`` after the fall), where they go on down from the level they held (onto the
    belly). Lying on the belly the knees are already on the floor: they
    do not go down again; the toes hold a sagging plank up until the knees go down. Rendered planks sagging from
    late in a 16 s hold (10-11 s after the start, the hips falling 16-24 cm over ~2 s, then held) and left knees
    first were cut at the sag's onset by the fall alone (4.7 s early side-on, 5.9 s at 45°, the sag not judged at
    all); one lowered onto the belly from the held sag (30°) 4.5 s early. A recording that ends in the held sag
    still ends the hold at the sag's onset (the readings cannot tell it from lying). A deep sag's hips hang at the
    level they had lying before the hold: the knees going down after it also overrule :func:`_lying_again_end`.

    Returns
    -------
    end : int
        The hold's end: ``b`` unless the fall was a held sag.
    held : bool
        Whether the end was moved past the fall (a held sag's hips may hang at the lying level, so
        :func:`_lying_again_end` is not asked then).
    """
    if b >= b_raw or HOLD_BEND.get(spec.driver) is None:
        return b, False
    pieces = _straight_leg_pieces(signals, spec, a, b_raw, a_min=a_min, merge_gap_s=merge_gap_s)
    if any(b >= pa for pa, _pb, after, _s in pieces if after == "inside"):
        return b, False  # (the legs bent before the fall)
    later = [pb for _pa, pb, _after, _s in pieces if b < pb < b_raw]  # straight stretches ended by a bend
    k = max(2, int(round(HOLD_STILL_S * _sample_rate(signals))))
    y = _refine_signal(signals, spec)
    if y is None:
        return b, False
    y = _median3(y)
    if later:  # the knees went down: from a sag held from the fall's bottom (the hips within HOLD_STILL_CM of
        # their level before the bend) for HOLD_SAG_HELD_S at least, still at the end?
        e = int(later[0])
        if e - k + 1 < b:
            return b, False
        level = float(np.nanmedian(y[e - k + 1 : e + 1]))
        with np.errstate(invalid="ignore"):
            near = np.flatnonzero(np.abs(y[b : e + 1] - level) < HOLD_STILL_CM)
        bottom = b + int(near[0]) if near.size else e
        held = signals.t[e] - signals.t[bottom] >= HOLD_SAG_HELD_S and _held_still(signals, spec, e - k + 1, e)
        return (e, True) if held else (b, False)
    # no bend after the fall: a sag held with the hips off the floor (the strict score at HOLD_EXIT over the
    # held stretch: lying on the belly mostly reads 0.05-0.15) ends where the hips go on down (onto the belly)
    x = np.nan_to_num(np.asarray(signals.values[spec.driver], float), nan=0.0)
    i = next((i for i in range(b + 1, b_raw - k + 2) if _held_still(signals, spec, i, i + k - 1)), None)
    if i is None:
        return b, False
    level = float(np.nanmedian(y[i : i + k]))
    j = i + k - 1
    while j < b_raw and abs(y[j + 1] - level) < HOLD_STILL_CM:
        j += 1
    if not float(np.median(x[i : j + 1])) >= HOLD_EXIT:
        return b, False  # (lying)
    # ... on straight legs: not even a brief bend (one a hold rides over when the body stays in position) from
    # just before the fall on: knees down and lying prone side-on read the hips 10-11 cm off the floor line
    # like a sag (h-plank-2200020 of a second dev set, the knees down for 0.5 s: the hold ran on 2.3 s)
    for pa, pb, after, _s in _straight_leg_pieces(signals, spec, a, b_raw, a_min=a_min, merge_gap_s=None):
        if (after == "inside" and b - k <= pa <= j) or (b - k <= pb < min(j, b_raw)):
            return b, False
    # ... and then lower (the hips onto the floor: lying is as low as they go, so the held level was not lying;
    # a recording ending in it, or the hips going back up, cannot tell a sag from lying on the belly at the floor
    # line's threshold: fast-path 45° planks lowered onto the belly read 9-10 cm with the strict score at
    # 0.3-0.42, where a rendered 30° late sag held at 10.4 cm read 0.39-0.47)
    look = max(1, int(round(HOLD_REFINE_LOOK_S * _sample_rate(signals))))
    after = y[j + 1 : min(y.size, j + 1 + look)]
    if j >= y.size - 1 and float(np.median(x[i : j + 1])) >= HOLD_SAG_TO_END_SCORE:
        return j, True  # (the recording ends in the held sag, the hips clearly off the floor)
    if not (after.size and np.isfinite(after).any() and np.nanmin(after) < level - HOLD_STILL_CM):
        return b, False
    e = _eased_end(y, j, look, forward=False, min_rise=HOLD_STILL_CM, t=signals.t)
    return (j if e is None else int(round(min(max(e, i), j)))), True


def _held_still(signals: Signals, spec: ExerciseSpec, i: int, j: int) -> bool:
    """Whether the body holds still over samples ``i..j`` (inclusive; at least two): the refining signal
    (``HOLD_REFINE``) within ``HOLD_STILL_CM`` and the legs' reading (``HOLD_BEND``) within
    ``HOLD_LEGS_STILL_DEG``, through a running median of 3; samples where MediaPipe lost the legs
    (:func:`_legs_lost`) do not count against the legs."""
    if j - i < 1:
        return False
    for name in HOLD_REFINE.get(spec.driver, ()):
        if name in signals.values and not _still(_median3(np.asarray(signals.values[name], float))[i : j + 1]):
            return False
    return _legs_still(signals, spec, i, j)


def _still(w: np.ndarray) -> bool:
    """Whether a stretch ``w`` of the refining signal (shape (n,), cm; at least one sample) moves less than
    ``HOLD_STILL_CM`` from its lowest to its highest sample, with no sample missing."""
    return w.size > 0 and bool(np.all(np.isfinite(w))) and float(w.max() - w.min()) < HOLD_STILL_CM


def _legs_still(signals: Signals, spec: ExerciseSpec, i: int, j: int) -> bool:
    """Whether the legs' reading (``HOLD_BEND``, through a running median of 3) stays within
    ``HOLD_LEGS_STILL_DEG`` over samples ``i..j`` (inclusive), samples where MediaPipe lost the legs
    (:func:`_legs_lost`) left out."""
    legs = HOLD_BEND.get(spec.driver)
    if legs is not None and legs in signals.values:
        y = np.asarray(signals.values[legs], float)
        w = np.where(_legs_lost(signals, spec), np.nan, _median3(np.minimum(y, 360.0 - y)))[i : j + 1]
        w = w[np.isfinite(w)]
        if w.size and float(w.max() - w.min()) >= HOLD_LEGS_STILL_DEG:
            return False
    return True


def _straight_leg_pieces(signals: Signals, spec: ExerciseSpec, a: int, b: int, *,
                         a_min: int | None = None,
                         merge_gap_s: float | None = HOLD_MERGE_GAP_S) -> list[tuple[int, int, str, int]]:
    """Split a hold ``a..b`` (sample indices, inclusive) where the legs bend (``HOLD_BEND``).

    Bends are runs of at least ``HOLD_BEND_MIN_S`` where the signal is ``HOLD_BEND_DEG`` (less in a steady
    hold: ``HOLD_BEND_NOISE_K``) below its median
    over ``a..b``, starting inside the hold (a bend after the hips have come down, lying on the belly, does
    not matter) or ending at most ``HOLD_REFINE_LOOK_S`` before it. A straight-leg stretch ends where the
    fall into the next bend starts and starts where the rise out of the previous one ends (both
    extrapolated from the steep part, :func:`_eased_end`). Bounds only move inward, except that a hold
    got into from kneeling (a bend of ``HOLD_KNEEL_DEG`` or more) starts where the legs have straightened (the
    second one too, where one stepped back first: :func:`_second_leg_straight`) even if that is before ``a``
    (the hips still rising then is a pike setting in), but not before ``a_min`` (default ``a``). A bend inside
    the hold whose legs straighten again within ``merge_gap_s`` (s; None: any bend splits), in position on both
    sides (``spec.driver`` at ``HOLD_ENTER``), does not split it.

    Returns
    -------
    list of (start, end, after, straight)
        The straight-leg stretches (sample indices, inclusive), the first sample past the bend before each
        (``start`` when none), and what each follows: ``""`` (no bend),
        ``"before"`` (a bend before the hold), ``"kneeling"`` (a bend before it as deep as kneeling: getting up
        from the knees) or ``"inside"`` (a bend inside it).
    """
    name = HOLD_BEND.get(spec.driver)
    if name is None or name not in signals.values:
        return [(a, b, "", a)]
    raw = np.asarray(signals.values[name], float)
    if not np.isfinite(raw[a : b + 1]).any():
        return [(a, b, "", a)]
    # a knee read above the hip–ankle line (``knee_floor_angle_deg`` > 180) is a straight leg: it counts as straight
    # as its mirror image for the straight-leg level (those readings do not raise it) and as 180° otherwise
    lvl = float(np.nanmedian(np.minimum(raw[a : b + 1], 360.0 - raw[a : b + 1])))
    # a one-sample knee reading is not the legs moving (at 4 samples/s MediaPipe put the knee of a rendered
    # 45° plank 45° bent for one sample, which read as the legs straightening 1 s after they had): a
    # 3-sample running median removes it and leaves monotone movements as they are
    y = _median3(np.minimum(raw, 180.0))
    y[_legs_lost(signals, spec)] = lvl  # (legs lost: not bent)
    fps = _sample_rate(signals)
    look = max(1, int(round(HOLD_REFINE_LOOK_S * fps)))
    k = max(2, int(round(HOLD_BEND_MIN_S * fps)))  # (two samples at least: 4 fps is not smoothed)
    # the knees going down is measured against this hold's own knee noise (``HOLD_BEND_NOISE_K``)
    dev = np.abs(np.minimum(raw[a : b + 1], 360.0 - raw[a : b + 1]) - lvl)
    spread = 1.4826 * float(np.nanmedian(dev)) if np.isfinite(dev).any() else np.inf
    thr = min(HOLD_BEND_DEG, max(HOLD_BEND_MIN_DEG, HOLD_BEND_NOISE_K * spread))
    bent = np.nan_to_num(lvl - y, nan=0.0) > thr

    def depth(r0: int, r1: int) -> float:  # how deep a bend r0..r1 goes for ``HOLD_BEND_MIN_S`` at least (degrees)
        return lvl - float(np.sort(np.nan_to_num(y[r0 : r1 + 1], nan=np.inf))[min(k, r1 - r0 + 1) - 1])
    t = signals.t
    bends = [(int(r0), int(r1) - 1) for r0, r1 in _runs(bent)
             if r1 - r0 >= k and r1 - 1 >= a - look and r0 <= b]
    # a bend inside the hold that straightens again within ``merge_gap_s``, in position (the driver score at
    # ``HOLD_ENTER``) just before and after it, is not the knees going down and back up (as a drop of the
    # score that short does not split a hold): MediaPipe mislocated the knee and foot of a rendered 45° plank
    # for 0.5 s at 4 samples/s (h-plank-2100007), which split its hold in two. (Knees down and then lying
    # prone straightens the legs as quickly, but the hips are then on the floor: out of position.)
    if merge_gap_s is not None:
        score = np.nan_to_num(np.asarray(signals.values[spec.driver], float), nan=0.0)

        # ... nor, soon after the hold's start, one with the body in position by the hold's own measure (the score
        # at ``HOLD_EXIT``, not ``HOLD_ENTER``) on both sides of it: a bend sooner after the start than the shortest
        # hold (``spec.min_hold_s``) cannot be the knees going down to end one, or what came before would be no
        # hold. At 45° MediaPipe reads the legs of a deep sag 15-25° bent while the hips sink into it, the strict
        # score sinking with the hips to 0.3-0.55: h-plank-2600010 of a sixth dev set (45° deep sags) started 2.35 s
        # late, after the dip; fast-path 45° seed 311 (deep sag) +1.8 s. Later in a hold the knees going down from a
        # deep sag and the legs straightening again lying prone read the same as such a dip (h-plank-2400014 of a
        # fourth dev set): there it still ends the hold.
        def brief(r0: int, r1: int) -> bool:
            level = HOLD_EXIT if t[r0] - t[a] < spec.min_hold_s else HOLD_ENTER
            return (a < r0 and r1 < b and t[r1] - t[r0] < merge_gap_s and score[r0 - 1] >= level
                    and float(np.max(score[r1 + 1 : r1 + 1 + k])) >= level)

        bends = [(r0, r1) for r0, r1 in bends if not brief(r0, r1)]
        # ... nor is a brief bend followed by another bend with no getting up in between: knees that went down
        # go down again only after getting back up onto the toes, which lifts the hips (the refining signal,
        # ``HOLD_REFINE``) by ``HOLD_REFINE_MIN_DROP`` at least; a deep sag's knee that MediaPipe read 13° bent
        # for 0.5 s twice at 45° (h-plank-2500002 of a fifth dev set, the hips level within 2 cm) ended the hold
        # 3.1 s before the knees went down
        hips = _refine_signal(signals, spec)

        def again(i: int) -> bool:
            (r0, r1), n0 = bends[i], bends[i + 1][0]
            if not (a < r0 and r1 < b and t[r1] - t[r0] < merge_gap_s) or hips is None:
                return False
            low, up = hips[r0 : r1 + 1], hips[r1 + 1 : n0]
            return bool(np.isfinite(low).any() and np.isfinite(up).any()
                        and np.nanmax(up) - np.nanmin(low) < HOLD_REFINE_MIN_DROP)

        bends = [bd for i, bd in enumerate(bends) if not (i + 1 < len(bends) and again(i))]

        # ... nor is a shallow bend (less than kneeling) the body comes back up from into position within
        # ``HOLD_SAG_DIP_MAX_S``: the hips sank into a deep sag and were pulled back up (a person tiring and
        # correcting, a trainer showing the fault), and at 45° MediaPipe reads the straight legs of a deep sag
        # 12-20° bent. The knees going down bend the legs as deep as kneeling, or, from a deep sag, lay the body on
        # the belly, where it stays (dev renders of holds correct -> sag 15-20 cm for 5 s -> correct -> pike: 3 of
        # 4 seen from 45° split in two at the sag, the sag itself not judged)
        def sag_dip(r0: int, r1: int) -> bool:
            if not (a < r0 and r1 < b and t[r1] - t[r0] < HOLD_SAG_DIP_MAX_S):
                return False
            return (depth(r0, r1) < HOLD_KNEEL_DEG and float(np.max(score[max(a, r0 - look) : r0 + 1])) >= HOLD_ENTER
                    and float(np.max(score[r1 + 1 : r1 + 1 + look])) >= HOLD_ENTER)

        bends = [(r0, r1) for r0, r1 in bends if not sag_dip(r0, r1)]
    pieces: list[tuple[int, int, str, int]] = []
    lo, after, straight = a, "", a
    for r0, r1 in bends:
        if r0 > lo:  # straight legs from lo until this bend
            e = _eased_end(y, r0, look, forward=False, t=t)
            hi = min(r0 - 1, b if e is None else int(round(e)))
            if hi > lo:
                pieces.append((lo, hi, after, min(straight, lo)))
        after = "inside" if r0 >= a else "before"
        s = _eased_end(y, r1, look, forward=True, t=t)
        up = r1 + 1 if s is None else max(r1 + 1, int(round(s)))
        # as deep as kneeling for ``HOLD_BEND_MIN_S`` at least (one mislocated knee point is not kneeling:
        # lying prone at 45° read 37° bent for one sample, 23-25° around it)
        kneeling = depth(r0, r1) >= HOLD_KNEEL_DEG
        lo = max(a if a_min is None else a_min, up) if r1 < a and kneeling else max(lo, up)
        # (straight legs for the start of a hold got into from kneeling: within ``HOLD_BEND_DEG`` of the level)
        ok = np.flatnonzero(np.nan_to_num(lvl - y[r0 : r1 + 2], nan=np.inf) <= HOLD_BEND_DEG)
        straight = r0 + int(ok[0]) if ok.size else r1 + 1
        if after == "before" and kneeling:
            after = "kneeling"
            second = _second_leg_straight(signals, spec, lo, b, look, y, lvl)  # ... both of them: one leg may step
            if second > lo:  # back before the other
                lo = straight = second
    if lo < b:
        pieces.append((lo, b, after, min(straight, lo)))
    return pieces


#: The more bent of the two legs, each read on its own points (a hold got into from kneeling starts once both are
#: straight): :func:`_second_leg_straight`.
HOLD_BEND_BOTH = {"in_plank": "knee_floor_more_bent_deg"}


def _second_leg_straight(signals: Signals, spec: ExerciseSpec, i: int, b: int, look: int, legs: np.ndarray,
                         level_legs: float) -> int:
    """The first sample from ``i`` on (sample indices; the hold ends at ``b``) where the more bent leg
    (``HOLD_BEND_BOTH``) is straight too, within ``HOLD_BEND_DEG`` of its level in the hold, looking ``look``
    samples ahead while the two legs disagree: the knee reading of both (``legs``, shape (T,), degrees, at most
    180) within ``HOLD_BEND_DEG`` of its level ``level_legs`` (at 45° both read 15-25° bent while a deep sag sets
    in, which is no leg stepping back), the more bent one straightening (not bending further by more than
    ``HOLD_LEGS_STILL_DEG`` from one sample to the next: MediaPipe read the far leg of a 30° pike 14-36° bent on
    and off in its first 2 s). ``i`` where it is not found, or where the more bent leg's reading is not steady in
    the hold past those samples (its robust spread, 1.4826 × the median absolute deviation, more than half
    ``HOLD_BEND_DEG``, or its level more than ``HOLD_BEND_DEG`` below ``level_legs``: MediaPipe folds the far leg
    of some 45° planks on and off all through the hold).

    Getting into a plank from kneeling, many people step one leg back straight, then the other. The visibility-
    weighted knee reading follows the near leg: rendered holds got into that way started 1.1-1.5 s early at a
    camera on the side of the first leg (3 of 12, ``benchmarks/plank_one_leg_at_a_time.py``), where the far knee
    was still on the floor, read 20-45° bent.
    """
    name = HOLD_BEND_BOTH.get(spec.driver)
    if name is None or name not in signals.values:
        return i
    w = _median3(np.minimum(np.asarray(signals.values[name], float), 180.0))
    held = w[i + look : b + 1] if b - (i + look) >= look else w[i : b + 1]
    if not np.isfinite(held).any():
        return i
    level = float(np.nanmedian(held))
    spread = 1.4826 * float(np.nanmedian(np.abs(held - level)))
    if spread > 0.5 * HOLD_BEND_DEG or level_legs - level > HOLD_BEND_DEG:
        return i
    for j in range(i, min(b, i + look) + 1):
        if not level - w[j] > HOLD_BEND_DEG:
            return j
        if level_legs - legs[j] > HOLD_BEND_DEG or (j > i and w[j] < w[j - 1] - HOLD_LEGS_STILL_DEG):
            return i
    return i


#: Holds that end where the body lies down again: (hip-level signal, hips-on-the-floor signal). A deep sag
#: hangs the hips within 1.5–4 cm of where they rest lying on the forearms (hip offset from the
#: shoulder–ankle line, rendered clips plank-0000002/11/17/23: -13 to -15.5 cm held, -15.8 to -18.6 lying),
#: so lowering straight onto the belly from it is too small a drop for :func:`_refine_hold`; but the same
#: body lying on the same floor puts its hips at the same height, so hips back down at the level they had
#: lying before the hold, and staying there, are lying again.
HOLD_LIE = {"in_plank": ("hip_offset_cm", "hip_floor_cm", "plank_posture")}
#: The hips are back at the lying level when within this (cm) of it: the lying level before and after a
#: hold differed by -0.2..+0.5 cm on those clips (MediaPipe's hip point rests where it rested).
HOLD_LIE_TOL_CM = 1.0
#: ... or within this share of the hold's height above it, whichever is larger: MediaPipe's hip point at 45°
#: rested 1.1 cm higher after a deep sag lowered onto the belly than before it (held 6.2 cm above the
#: lying level; h-plank-2300008 of a third dev set), and a recording may end while the hips are still
#: settling (h-plank-2100008: 1.0 cm above, held 5.4 cm up).
HOLD_LIE_TOL_SHARE = 0.3
#: ... and lowering onto it counts from a drop of this much (cm): the drop on those clips was 1.5–4 cm; the
#: hip point moves 0.2–0.5 cm between samples in a still synthetic hold (breathing, sway).
HOLD_LIE_MIN_DROP_CM = 1.0
#: The lying level is the median hip level over the samples before the hold that are lying prone on the
#: forearms: the plank posture (body flat, legs straight, shoulders propped; ``plank_posture`` at least
#: ``HOLD_EXIT``, so kneeling or sitting back over the heels is not lying) with the hips this close (cm) to
#: the floor line (``hip_floor_cm``; :data:`repcheck.features.HIP_OFF_FLOOR_CM`: lying reads 2–9 cm, a
#: plank 20–30).
HOLD_LIE_FLOOR_CM = HIP_OFF_FLOOR_CM
#: A hold got into from kneeling has no lying level before it: there the lying level is where the hips come
#: to rest at the hold's end (still, ``HOLD_STILL_CM`` over ``HOLD_STILL_S``, with the strict score below
#: ``HOLD_EXIT`` as lying on the belly reads), when that rest is this far (cm) below the hold's median level
#: at least: as low as the hips go, and lower than they held, is lying. Rendered deep sags got in from kneeling
#: and lowered straight onto the belly dropped 4.6 and 6.0 cm (hip offset) from the held sag to lying
#: (h-plank-2600007 of a sixth dev set, 30° camera 0.36 m high; h-plank-2700008 of the floor-camera dev set,
#: lens 7 cm high) and ran on to the end of the recording, 2.5 and 2.8 s late; a held sag moves the hip point
#: 1-2 cm (breathing, sway, MediaPipe jitter: ``HOLD_STILL_CM``). A sag deepening by that much and then held
#: to the end of the recording reads the same (see :func:`_late_sag_end`: the readings cannot tell it from
#: lying).
HOLD_LIE_AFTER_DROP_CM = HOLD_STILL_CM


def _lying_level_after(signals: Signals, spec: ExerciseSpec, y: np.ndarray, floor: np.ndarray, a: int,
                       b: int) -> float | None:
    """The lying level (of ``y``, cm) where a hold ``a..b`` (sample indices, inclusive) got into without lying
    before it ends with the hips resting on the floor, lower than they held (``HOLD_LIE_AFTER_DROP_CM``);
    None otherwise."""
    k = max(2, int(round(HOLD_STILL_S * _sample_rate(signals))))
    if b - a + 1 < 2 * k or spec.driver not in signals.values:
        return None
    tail = slice(b - k + 1, b + 1)
    x = np.asarray(signals.values[spec.driver], float)[tail]
    w = y[tail]
    with np.errstate(invalid="ignore"):
        resting = (np.isfinite(w).all() and float(w.max() - w.min()) < HOLD_STILL_CM
                   and bool(np.all(x < HOLD_EXIT)) and bool(np.all(floor[tail] < HOLD_LIE_FLOOR_CM)))
    if not resting:
        return None
    lie = float(np.median(w))
    if not float(np.nanmedian(y[a : b + 1])) >= lie + HOLD_LIE_AFTER_DROP_CM:
        return None
    return lie


def _lying_again_end(signals: Signals, spec: ExerciseSpec, a: int, b: int) -> int:
    """End a hold ``a..b`` (sample indices, inclusive) where the hips start their way down to lying again.

    Applies to a hold got into from lying (``HOLD_LIE``: prone on the forearms with the hips on the
    floor within ``HOLD_REFINE_LOOK_S`` × 2 before ``a``; otherwise the level the hips rest at in the hold's
    last samples, :func:`_lying_level_after`) whose last samples are back at that lying level (within
    ``HOLD_LIE_TOL_CM``) and the lowest of the hold; the hold then ends where the last way down (at least
    ``HOLD_LIE_MIN_DROP_CM``) starts, extrapolated from its steep part (:func:`_eased_end`). Returns the
    (possibly earlier) end index. Used where no leg bend ends the hold (:func:`_straight_leg_pieces`): a deep
    sag may hang the hips at the lying level and still be held until the knees go down.
    """
    names = HOLD_LIE.get(spec.driver)
    if names is None or a <= 0 or not all(n in signals.values for n in names):
        return b
    y, floor, posture = (np.asarray(signals.values[n], float) for n in names)
    look = max(1, int(round(HOLD_REFINE_LOOK_S * _sample_rate(signals))))
    pre = slice(max(0, a - 2 * look), a)
    with np.errstate(invalid="ignore"):
        lying = (floor[pre] < HOLD_LIE_FLOOR_CM) & (posture[pre] >= HOLD_EXIT)
    if lying.any():
        lie = float(np.nanmedian(y[pre][lying]))
    else:  # got in from kneeling: lying is where the hips come to rest at the end, if that is lying
        after = _lying_level_after(signals, spec, y, floor, a, b)
        if after is None:
            return b
        lie = after
    held = float(np.nanmedian(y[a : b + 1]))
    if not held > lie + HOLD_LIE_TOL_CM:  # held no higher than lying: not a lying level
        return b
    m = max(a, b - look) + int(np.nanargmin(y[max(a, b - look) : b + 1])) if np.isfinite(y[a : b + 1]).any() else b
    rest = float(np.nanmedian(y[m : b + 1]))
    if not rest <= lie + max(HOLD_LIE_TOL_CM, HOLD_LIE_TOL_SHARE * (held - lie)) or not y[m] <= np.nanmin(y[a : b + 1]):
        return b
    e = _eased_end(y, m, look, forward=False, min_rise=HOLD_LIE_MIN_DROP_CM, t=signals.t)
    if e is None:
        return b
    return int(round(max(min(e, b), a + 1)))


#: Holds whose start is where the body reaches its line: (the hips' offset from the body line). A forearm
#: plank is reached when the hips, rising from lying or kneeling (below the shoulder–ankle line), reach the
#: line; hips going on up without a pause are a pike set in at the start of the hold, part of the hold (its
#: fault), not of getting up. Rendered piked planks got in that way started 0.8–1.6 s late, at the top of
#: the pike (h-plank-2100006/12/21 of a fresh dev set; plank-0000006). A hold got into from kneeling (a bend
#: of :data:`HOLD_KNEEL_DEG`) starts there no earlier than the legs are straight (within ``HOLD_BEND_DEG`` of
#: the hold's level): with the knees on the floor the hips' offset from the shoulder–ankle line says nothing
#: of the body line (a 45° pike got into from kneeling had its hips past the line 0.7 s before the legs were
#: straight and started that much early, h-plank-2400024 of a fourth dev set; rendered training plank-0200006
#: started 0.86 s early).
HOLD_LINE = {"in_plank": "hip_offset_cm"}
#: The line is reached at this offset (cm): a tucked tail lifts the hips a few cm above a straight line
#: (ROUTINE.md #8; the synthetic tuck is 2–8 cm, MediaPipe read 2.5–13.4 cm at the true start of correct
#: and piked rendered planks, median 6.4).
HOLD_LINE_CM = 5.0
#: ... looked for only where the hips at the found start are this high (cm): clearly in a pike (its
#: boundary, 10 cm, plus 5), above every correct or sagging rendered plank's reading there (at most 13.8).
HOLD_LINE_PIKE_CM = 15.0


def _on_the_line(signals: Signals, spec: ExerciseSpec, i: int) -> bool:
    """Whether the hips at sample ``i`` are on or above the body line (``HOLD_LINE`` at least
    ``HOLD_LINE_CM``).

    A clip cut inside a hold (public plank datasets cut them so: a few seconds, no getting in) whose first
    sample is in position with the hips that high has no getting up in it: the hips rising from there go
    into a pike. Refining such a start on the hips' rise started 2.5 s windows cut from rendered piked holds
    0.4-1.1 s late (6 of about 130 windows starting 0.25, 0.75 and 1.3 s into the holds; one of the 121 of
    ``tests/test_plank_clips_cut_to_the_hold.py``, 0.6 s). Lying on the belly and
    kneeling do not pass: lying, the hips sit below the shoulder–ankle line (the shoulders are propped on the
    forearms); kneeling, the in-position score is low (legs bent).
    """
    name = HOLD_LINE.get(spec.driver)
    if name is None or name not in signals.values:
        return False
    return bool(np.asarray(signals.values[name], float)[i] >= HOLD_LINE_CM)


def _line_reached_start(signals: Signals, spec: ExerciseSpec, a: int, b: int, *, lo: int | None = None,
                        rising: bool = False) -> int:
    """Move a hold's start ``a`` (sample index; the hold ends at ``b``) to where the hips reached the line.

    Back, where the hips at ``a`` are at least ``HOLD_LINE_PIKE_CM`` above the body line (``HOLD_LINE``) and
    the samples before ``a`` rise without a pause (no step down by ``HOLD_STILL_CM`` or more) from below
    ``HOLD_LINE_CM``: the start becomes the sample nearest the crossing of ``HOLD_LINE_CM``, but not
    before ``HOLD_REFINE_LOOK_S`` ahead of ``a`` nor before ``lo`` (sample index: a hold got into from kneeling
    starts no earlier than the legs are straight). Forward, with ``rising`` (a hold not got into from kneeling),
    where the hips at ``a`` are still below ``HOLD_LINE_CM`` and go on rising, every step faster than the
    stillness limit (``HOLD_STILL_CM`` per ``HOLD_STILL_S``), up to it within ``HOLD_REFINE_LOOK_S``: getting up
    from lying is not over. At oblique views MediaPipe's hip reading above the elbow–ankle floor line (the refining
    signal, :func:`_refine_hold`) stalled for a sample or two half-way up while the hips' offset from the body line
    went on rising (h-plank-2400008, 2600010 of a fourth and sixth dev set: starts 1.02 / 0.65 s early). (Not from
    kneeling: the knees carry the hips to a few cm under the line, the legs straightening marks the start, and a
    pike ramping in from there rises on without a pause: fast-path piked planks started 0.3 s late.) Returns ``a``
    otherwise.
    """
    name = HOLD_LINE.get(spec.driver)
    if name is None or name not in signals.values:
        return a
    y = np.asarray(signals.values[name], float)
    if rising and y[a] < HOLD_LINE_CM:
        t = signals.t
        last = min(b, a + int(round(HOLD_REFINE_LOOK_S * _sample_rate(signals))))
        j = a
        while j < last and y[j] < HOLD_LINE_CM and (y[j + 1] - y[j]) / (t[j + 1] - t[j]) > HOLD_STILL_CM / HOLD_STILL_S:
            j += 1
        if j > a and y[j - 1] < HOLD_LINE_CM <= y[j]:
            return int(j if (HOLD_LINE_CM - y[j - 1]) / (y[j] - y[j - 1]) >= 0.5 else j - 1)
        return a
    if not y[a] >= HOLD_LINE_PIKE_CM:
        return a
    first = max(0, a - int(round(HOLD_REFINE_LOOK_S * _sample_rate(signals))))
    j = a
    while j > first and y[j - 1] >= HOLD_LINE_CM and y[j - 1] <= y[j] + HOLD_STILL_CM:
        j -= 1
    if not (j > 0 and y[j - 1] < HOLD_LINE_CM <= y[j]):
        return a
    frac = (HOLD_LINE_CM - y[j - 1]) / (y[j] - y[j - 1])
    return int(min(max(j if frac >= 0.5 else j - 1, 0 if lo is None else min(lo, a)), b))


def _sample_rate(signals: Signals) -> float:
    """Mean samples per second of ``signals.t`` (shape (T,), s), for windows given in seconds.

    Not ``signals.fps`` (one over the median interval): 4 samples/s taken from a 10 fps video are 0.3 s and
    0.2 s apart in turn, whose median is either, so a 3 s window was 10 samples on a third of the rendered
    training clips and 12 on the rest (the lowering onto the belly then fell outside it: +0.5 s ends).
    """
    t = np.asarray(signals.t, float)
    ok = t[np.isfinite(t)]
    if ok.size >= 2 and ok[-1] > ok[0]:
        return float((ok.size - 1) / (ok[-1] - ok[0]))
    return float(signals.fps)


def _median3(y: np.ndarray) -> np.ndarray:
    """Running median of 3 samples (shape (T,) → (T,)), ignoring NaN; the ends keep their own values."""
    if y.size < 3:
        return y.copy()
    out = y.copy()
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[1:-1] = np.nanmedian(np.stack([y[:-2], y[1:-1], y[2:]]), axis=0)
    return out


def _refine_hold(signals: Signals, name: str, a: int, b: int, *, start: bool = True) -> tuple[int, int]:
    """Move a hold's bounds in to where the body has arrived in position and is still.

    From the bound, skip samples at the resting level (``HOLD_REST_BAND`` above the minimum near the
    bound), then until the signal has been still (moving less than ``HOLD_STILL_CM``) for
    ``HOLD_STILL_S``. Only when the signal drops by more than
    ``HOLD_REFINE_MIN_DROP`` beyond the bound. ``start`` False leaves the start as it is (the end only).
    """
    if name not in signals.values:
        return a, b
    # a single-sample jump is a landmark glitch, not a movement (getting up or down spans 4-10 samples at
    # 4/s and keeps its shape through a running median of 3): a one-sample 17 cm hip spike inside a 45°
    # pike read as the top of the fall out of it and ended the hold 2.5 s early (rendered plank-0300012)
    y = _median3(np.asarray(signals.values[name], float))
    inner = y[a : b + 1]
    if not np.isfinite(inner).any():
        return a, b
    med = float(np.nanmedian(inner))
    fps = _sample_rate(signals)
    look = max(1, int(round(HOLD_REFINE_LOOK_S * fps)))
    k = max(1, int(round(HOLD_STILL_S * fps)))

    def still(i: int, j: int) -> bool:  # the signal moves less than the limit over samples i..j-1
        return _still(y[max(i, 0) : j])
    n = y.size
    a0, b0 = a, b
    fall_out = False  # the hold's level is clearly above the resting level after it
    pre = y[max(0, a - look) : a + look]
    if start and np.isfinite(pre).any():
        base = float(np.nanmin(pre))
        if med - base > HOLD_REFINE_MIN_DROP:
            band = max(HOLD_REST_BAND, HOLD_REST_SHARE * (med - base))
            # from the last resting moment the hips rise from into the hold: a hold whose score came on
            # while still lying (lying with the toes pointed lowers the ankles and so the floor line: the hips
            # read 10-14 cm up) has its getting up after ``a``
            i = _last_rest_before_rise(y, a, b, min(b, a + look), base + band)
            while i < b and not (y[i] > base + band):  # skip the resting (lying) level, then the movement up,
                i += 1
            j = i
            while i < b and not still(i, i + k):  # ... to the first still moment
                i += 1
            a = i if i - j <= look else j  # (getting up lasts less than ``HOLD_REFINE_LOOK_S``)
    post = y[max(a, b - look + 1) : min(n, b + 1 + look)]
    if np.isfinite(post).any():
        base = float(np.nanmin(post))
        if med - base > HOLD_REFINE_MIN_DROP:
            fall_out = True
            i = b  # back over the resting level and the movement down to the last still moment
            band = max(HOLD_REST_BAND, HOLD_REST_SHARE * (med - base))
            while i > a and not (y[i] > base + band):
                i -= 1
            j = i
            while i > a and not still(i - k + 1, i + 1):
                i -= 1
            b = i if j - i <= look else j  # (getting down lasts less than ``HOLD_REFINE_LOOK_S``: a hold whose
            # signal is never still for that long before it, a wandering sag or pike, is not walked back over)
    if b - a < 1:  # never refine a hold away
        return a0, b0
    # the stillness test ends a bound in the eased tail of getting up / the first moment of getting down;
    # where the rise / fall is clear, extrapolate its end from its steep part instead (as for rep bounds).
    # The fall only down to a resting level below the hold's own: a deep sag's hips wander 5-8 cm inside
    # the hold (45° views), which is not getting down (the end of such a hold is the knees going down); a
    # deep sag's rise into the hold is clear (it sags after the rise), so the rise is always looked for
    # (on the despiked signal, not its running median: see ``HOLD_SPIKE_CM``; from the far side of the first slow
    # step: see :func:`_eased_end`)
    a1 = _eased_end(despike(np.asarray(signals.values[name], float), HOLD_SPIKE_CM), a0, look, forward=True,
                    t=signals.t, far=True) if start else None
    # the fall is looked for back from the hold's found end, not from the last sample above the resting
    # band: a sag setting in late in a hold (the person tiring) holds the hips within that band of the lying
    # level, and looking back from where they enter it read the sag's onset as getting down (a 16 s hold
    # sagging from 13.4 s was cut at 12.3 s, test_hold_timeline_says_when_the_sag_started)
    b1 = _eased_end(y, b0, look, forward=False, t=signals.t, pause_s=HOLD_TOP_PAUSE_S) if fall_out else None
    a = a if a1 is None else int(round(min(max(a1, a0), b0)))
    b = b if b1 is None else int(round(max(min(b1, b0), a0)))
    if b - a < 1:
        return a0, b0
    return a, b


def _last_rest_before_rise(y: np.ndarray, a: int, b: int, last: int, rest: float) -> int:
    """The last sample in ``a..last`` at the resting level (``y <= rest``) that the signal then rises from by
    more than ``HOLD_REFINE_MIN_DROP`` within ``last - a`` samples (its getting up), before the signal first
    reaches the hold's top (90th percentile over ``a..b``: a sag that sinks the hips to the resting level
    after the top and wanders up again is not getting up); ``a`` when none."""
    n = y.size
    look = last - a if last > a else 1
    with np.errstate(invalid="ignore"):
        top = np.flatnonzero(y[a : b + 1] >= np.nanpercentile(y[a : b + 1], 90))
        if top.size:
            last = min(last, a + int(top[0]))
        for j in range(last, a, -1):
            if y[j] <= rest and np.nanmax(y[j : min(n, j + look + 1)]) - y[j] > HOLD_REFINE_MIN_DROP:
                return j
    return a


def _eased_end(y: np.ndarray, i0: int, look: int, *, forward: bool,
               min_rise: float = HOLD_REFINE_MIN_DROP, t: np.ndarray | None = None,
               pause_s: float | None = None, far: bool = False) -> float | None:
    """Where the rise into a hold ends (``forward``) / the fall out of it starts, as a fractional index.

    The rise runs from the lowest point within ``look`` samples of ``i0`` toward the highest point within
    ``look`` samples inside the hold, up to where it slows to ``HOLD_TOP_SLOPE_SHARE`` of its fastest
    (the top: before a sag or pike sets in); its end is extrapolated from the
    crossings of ``REP_ONSET_LEVELS`` of the rise by ``REP_ONSET_EXTRAP`` of their spacing. None when
    the rise is smaller than ``min_rise`` (default ``HOLD_REFINE_MIN_DROP``) or has NaN in it. ``t`` (shape
    (T,), s), when given, makes the rates per second rather than per sample; with ``t``, ``pause_s`` (s)
    makes the start of a fall (not ``forward``) where it has been slow for that long at least. ``far`` takes the
    top at the far side of the first slow step where the signal is no lower there, and the rise's steepest rate
    over two steps (for an unsmoothed signal; see below).
    """
    n = y.size
    z = y if forward else y[::-1]
    i = i0 if forward else n - 1 - i0
    inner = z[i : min(n, i + look)]
    o0 = max(0, i - look)
    gaps = np.flatnonzero(~np.isfinite(z[o0 : i + 1]))
    o0 = o0 + int(gaps[-1]) + 1 if gaps.size else o0  # the base is looked for after the last missing sample
    outer = z[o0 : i + 1]
    if not (np.isfinite(inner).any() and outer.size):
        return None
    top_i = i + int(np.nanargmax(inner))
    base_i = o0 + int(np.argmin(outer))
    if not z[top_i] - z[base_i] > min_rise or top_i <= base_i:
        return None
    # the top is where getting up stops: the rise slows to HOLD_TOP_SLOPE_SHARE of its steepest (a fault
    # ramping in right after, like the hips going on up into a pike, is not part of getting up)
    v = np.diff(z[base_i : top_i + 1])
    if t is not None:  # per second: samples taken from a video at another rate are unevenly spaced (4/s from
        # 10 fps: 0.3 s and 0.2 s in turn), so a step per sample is 1.5× faster or slower for no movement
        tz = np.asarray(t, float) if forward else -np.asarray(t, float)[::-1]
        v = v / np.diff(tz[base_i : top_i + 1])
    if not np.isfinite(v).all():
        return None
    # (a pike ramping in right after getting up is cut off at the body line: :func:`_line_reached_start`)
    steep = int(np.argmax(v))
    rate = v[steep]
    if far and v.size >= 2:
        # ``far`` reads an unsmoothed signal: its steepest rate is taken over two steps (0.5 s at 4 samples/s),
        # where the jitter of a held reading (up and down again) cancels and a rise does not. At 45° MediaPipe's
        # hip reading moves up to 12-14 cm/s from one sample to the next in a still hold (99th percentile / max
        # over the rendered training holds); a step of that beat the 10 cm/s of a kneeling get-in's 9 cm rise
        # and put the top of the rise 2.7 s late (fast-path 45° plank seed 326).
        zz = z[base_i : top_i + 1]
        tt = tz[base_i : top_i + 1] if t is not None else np.arange(zz.size, dtype=float)
        v2 = (zz[2:] - zz[:-2]) / (tt[2:] - tt[:-2])
        steep = int(np.argmax(v2))
        rate = v2[steep]
    slow = v[steep:] < HOLD_TOP_SLOPE_SHARE * rate
    # the fall out of a hold (looked at backward), with ``pause_s``: below the upper ease level
    # (``HOLD_EASE_LEVELS``) of the fall, slow for that long at least (or up to the top): a one-step stall of
    # the reading in the middle of the fall is not where it started, a slow step near its top is. (Not for
    # the rise into it: a pike or sag may ramp in right after getting up, with no pause.)
    if pause_s and not forward and t is not None and slow.size:
        tz_ = (np.asarray(t, float) if forward else -np.asarray(t, float)[::-1])[base_i + steep : top_i + 1]
        near_top = z[base_i + steep : top_i] >= z[base_i] + HOLD_EASE_LEVELS[1] * (z[top_i] - z[base_i])
        slow = np.array([bool(slow[j] and (near_top[j] or np.all(
            slow[j : j + 1 + int(np.searchsorted(tz_[j + 1 :], tz_[j] + pause_s))]))) for j in range(slow.size)])
    slow = np.flatnonzero(slow)
    if slow.size:
        top_i = base_i + steep + int(slow[0])
        # ``far``: the rise ends somewhere inside its first slow step (0.2-0.3 s at 4 samples/s), not at the step's
        # near side: the end extrapolated from the ease levels is never past the top, so a top at the near side put
        # the bound up to a step inside the hold. On the true hip offset of the dev renders sampled as analysed,
        # correct and sagging holds started 0.13-0.15 s early (median) that way, 0.01-0.06 s from the far side;
        # MediaPipe's readings: training starts -0.09 -> -0.01 s on average. (Not for the legs straightening out of
        # kneeling, nor the fall out of a hold: those bounds were unbiased on the dev renders or the fast path
        # (MediaPipe's knee reading lags) and went 0.1 s late / early.)
        if far and top_i + 1 < n and np.isfinite(z[top_i + 1]) and z[top_i + 1] >= z[top_i]:
            top_i += 1
    rise = z[top_i] - z[base_i]
    if not rise > min_rise:
        return None
    seg = z[base_i : top_i + 1][::-1]  # from the top back down to the base
    if not np.isfinite(seg).all():
        return None
    lo_lvl, hi_lvl = HOLD_EASE_LEVELS

    def back(level: float) -> float:  # first fractional step from the top where seg drops to level
        j = int(np.flatnonzero(seg <= level)[0])
        return float(j) if j == 0 or seg[j - 1] == seg[j] else j - 1 + (seg[j - 1] - level) / (seg[j - 1] - seg[j])

    d_hi = back(z[base_i] + hi_lvl * rise)
    d_lo = back(z[base_i] + lo_lvl * rise)
    d_end = float(np.clip(d_hi - HOLD_EASE_EXTRAP * (d_lo - d_hi), 0.0, d_hi))
    k = top_i - d_end
    return k if forward else n - 1 - k
