"""The features stage: per-sample signals (offsets, angles, drifts) from a :class:`PoseTrack`.

Every signal is computed from the image landmarks in pixels, normalised by the body's size so it comes
out in physical units of a standard 1.75 m body (centimetres, degrees), then gap-bridged (gaps up to
``MAX_GAP_S``) and smoothed with :func:`scipy.signal.savgol_filter`. Longer gaps stay NaN.

Geometry is measured against body lines (e.g. the shoulder–ankle line), not the image horizontal, so a
crooked phone does not change the numbers. Left/right landmark pairs are merged into one point by a
visibility-weighted mean (the side facing the camera dominates; a left/right swap by MediaPipe does not
move the point). Missing landmarks (NaN) are normal; 17-of-33 landmark input works (heels/feet fall back
to ankles, ankles to knees).

Signal names (the ``measure``/``driver`` names of :mod:`repcheck.exercises`)
-------------------------------------------------------------------------
``hip_offset_cm``       hip above (+) / below (−) the shoulder–ankle line (plank).
``in_plank``            0..1 score of being in a forearm plank (body near horizontal, legs straight,
                        shoulders propped up on the forearms or the hips piked high, hips off the floor).
``plank_posture``       the same without the hips-off-the-floor term (a fully sagged plank and lying
                        prone on the forearms look alike; :func:`repcheck.segment.find_holds` falls back
                        to it when no hold is found with ``in_plank``).
``hip_floor_cm``        hip above the elbow–ankle line (the floor in a forearm plank), cm.
``knee_angle_deg``      knee angle, 0..180 (180 straight), whichever way the knee bends (bridge: bent knees).
``knee_floor_angle_deg``  knee angle on the floor side of the leg (plank): 180 straight, below 180 bent toward
                        the floor (kneeling), above 180 where MediaPipe puts the knee above the hip–ankle line.
``knee_floor_more_bent_deg``  the same for the more bent of the two legs, each on its own points (capped at
                        180): one leg stepped back straight while the other knee is still on the floor.
``skeleton_jump_cm``    how far the body's points moved since the previous sample (cm, unsmoothed): the least of
                        the shoulders', elbows', hips', knees' and ankles' displacements, so large only where every
                        point jumped at once — MediaPipe re-reading the body as another skeleton (plank: a flip, not
                        a movement; NaN at the first sample).
``hip_height``          hip height above the shoulder–ankle line in cm (bridge driver; shoulders and feet
                        are on the floor).
``hip_extension_deg``   angle of the hip past the shoulder–hip–knee straight line (+ = past, − = short):
                        a weighted mean (``BRIDGE_WORLD_WEIGHT`` side-on, ``BRIDGE_WORLD_WEIGHT_OBLIQUE``
                        obliquely) of the image angle (``hip_extension_img_deg``) and the world-landmark
                        angle (``hip_extension_world_deg``, NaN without world landmarks), both measured in
                        the body's own plane (the camera's foreshortening undone; its yaw read from the world
                        hip line); the image angle alone where the world one is missing.
``hip_lift_cm``         hip height above the feet's running level relative to its low baseline over the set (roll;
                        :func:`_roll_hip_lift`).
``thorax_extension``    angle (degrees) of the hip→head line below the horizontal: rises as the upper
                        back extends over the roller and the head drops (upper back roll driver).
``head_drop_cm``        head height below the hip in the image (cm, y down): rises as the upper back extends
                        over the roller and the head drops toward the floor. Vertical image distance does not
                        shrink when the camera turns round the body, unlike the horizontal leg of
                        ``thorax_extension``'s angle: the roll's segmenter reads from it whether the body is back
                        at rest where the angle dips (:func:`repcheck.segment.reps._roll_merge_dips`,
                        :func:`repcheck.segment.reps._roll_head_bounds`).
``knee_above_hip_cm``   knee height above the hip in the image (cm, y up): lying on the roller with the feet
                        flat and the knees bent up puts the knees 25–35 cm above the hips (roll: in position).
``head_bend_deg``       backward bend of the shoulder→head line from the hip→shoulder line.
``thorax_rotation``     shoulder-line rotation estimate in degrees from its resting value (its tilt where
                        the arms and head rest, :func:`_rest_level`), + = left shoulder up (locked rotation:
                        its unsmoothed tilt is one of the readings that vote on a rep's side).
``thorax_rotation_size``  size of the rotation in degrees from rest, whichever the direction (the shoulder
                        reading of ``rotation_open``). Equal to
                        ``thorax_rotation_abs`` unless MediaPipe swapped the shoulders in the set
                        (``shoulder_swap``); then ``|thorax_rotation|`` is taken per sample before smoothing,
                        so the swaps (sign flips of a few samples near a rep's top) do not cancel in the
                        smoothing, and dips shorter than ``ROTATION_DIP_S`` with the elbow up are closed.
``shoulder_swap``       1 at samples where MediaPipe swapped the left and right shoulder (else 0).
``rotation_open``       how far a locked rotation is open, in % of a full rep (locked rotation rep driver): the
                        mean of four readings, each from its resting level (10th percentile over the set) over
                        its full-rep span — the higher wrist's and the higher elbow's height above the knees (the
                        free arm opens toward the ceiling; the support arm stays on the floor), the nose's (the
                        head rides up on the opening thorax), and the shoulder line's rotation size
                        (``thorax_rotation_size``: whatever the free arm does, the shoulders turn). With the
                        free hand behind the head (``ROTATION_HAND_AT_HEAD_CM``) the nose and the shoulder line
                        alone: the arms then show the hand being placed. Taking the higher of each pair makes
                        MediaPipe's left/right swaps irrelevant, and one
                        noisy reading moves the mean by a quarter only.
``hand_at_head``        1 in every sample of a locked rotation set read as done with the free hand behind the
                        head (``ROTATION_HAND_AT_HEAD_CM``: ``rotation_open`` then reads the nose and the
                        shoulder line only, which leave rest with the turn; the segmenter's bounds follow,
                        :func:`repcheck.segment.reps._rotation_bound_terms`), else 0.
``wrist_lr_cm``, ``elbow_lr_cm``  left minus right wrist / elbow height (cm): + when the left arm is the
                        higher one (the free arm of a rotation to the left); MediaPipe's labels, read at a
                        rep's onset (:func:`repcheck.segment.reps._onset_sides`).
``hip_rise_cm``         hips lifting off the heels (locked rotation), cm: the hip's height in the frame from its
                        sat-back level (``HIP_SIT_PCT``; see :func:`_hip_rise`; filmed from in front the lower
                        hip point, :func:`_lift_hip_y`). The knees and feet do not move
                        in this exercise, so with the phone standing still the hip's own height is its height
                        above them; MediaPipe's knee and foot points, read against the hip per sample, move
                        with the turning body and added their noise. Vertical image distance does not shrink
                        when the camera turns round the body (side to 45° behind), unlike the 2-D drift.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import savgol_filter

from .exercises import ExerciseSpec, get_exercise
from .landmarks import LM, PoseTrack

__all__ = [
    "Signals",
    "compute_signals",
    "STANDARD_CM",
    "MAX_GAP_S",
    "SMOOTH_WINDOW_S",
    "bridge_gaps",
    "fill_gaps",
    "widen",
    "smooth",
    "FAULT_LANDMARKS",
]

#: Lengths between MediaPipe landmarks of a standard 1.75 m body, in cm (BlazePose places the hip
#: points a few cm above the anatomical hip joint, so the torso is shorter than shoulder-to-trochanter).
STANDARD_CM: dict[str, float] = {
    "torso": 48.0,  # mid-shoulder to mid-hip
    "thigh": 42.0,  # hip to knee
    "shin": 42.0,  # knee to ankle
    "shoulder_width": 36.0,  # left to right shoulder landmark
    "hip_width": 24.0,  # left to right hip landmark
}
#: Upper back roll: the feet's height, the floor reference of ``hip_lift_cm``, is their running median over
#: this long (s; :func:`_roll_hip_lift`) — longer than a rep (3–5.5 s rendered), so MediaPipe's feet riding up
#: with the hips do not pass. Rep-level error rms of the rep's 90th percentile (benchmarks/roll_lift.py,
#: training / dev-rb): per-sample feet 1.49 / 1.41 cm, 5 s 1.25 / 1.18, 8 s 1.25 / 1.15, 12 s 1.19 / 1.52
#: (a 45° dev set's skeleton shift slipped through), one level for the set 1.23 / 1.25.
ROLL_FLOOR_WINDOW_S = 8.0
#: Gaps (NaN runs) up to this long are bridged by linear interpolation (brief: ≤ ~0.5 s).
MAX_GAP_S = 0.5
#: Savitzky–Golay window (s): long enough to remove MediaPipe's 0.5–1 px jitter at 30 fps, short
#: enough to keep a 1 s rep's peak (order 2 keeps peak height).
SMOOTH_WINDOW_S = 0.5
#: One-sample spikes larger than this (degrees) are removed from ``thorax_rotation`` before smoothing:
#: MediaPipe swaps the left and right shoulder for a frame now and then, which flips the rotation's sign
#: (measured +40° for one frame inside a −45° rep on a rendered side-view clip).
ROTATION_SPIKE_DEG = 15.0
#: A one-sample flip of the shoulder line's rotation across zero with both readings at least this far
#: from level (degrees) is a left/right shoulder swap by MediaPipe (none on synthetic tracks at 8–30 fps).
SWAP_MIN_DEG = 15.0
#: Sets with at least this many shoulder swaps (``shoulder_swap``) are read as MediaPipe's swapping
#: output: the rotation's size is taken per sample (``thorax_rotation_size``), and the segmenter reads
#: sides from each rep's onset and lets bounds past the base. One swap is a stray frame (seen on synthetic
#: fast-path tracks); rendered clips show 8–20 per set.
SWAP_MIN_COUNT = 3
#: Dips of ``thorax_rotation_size`` shorter than this (s) are closed where the elbow stays up: with the
#: shoulders stacked near a rep's top MediaPipe may read both shoulders at one height for ~0.9 s (measured
#: on a rendered hips_move locked rotation, 10 fps), which split the rep.
ROTATION_DIP_S = 1.2
#: ... and only where the higher elbow is at least this high (cm) above its rest at the dip's edges.
ROTATION_ELBOW_UP_CM = 15.0
#: With the free hand behind the head the nose is the witness instead (the elbow rides with the head): the
#: head rides on the turning thorax, so a dip of the shoulder line with the nose this high (cm) above its rest
#: at the dip's edges (half its 22 cm rise over a rep behind the head, ``ROTATION_OPEN_SPANS``) is MediaPipe
#: stacking the shoulders, not the turn coming back. It split a held rep in two in 2 of 10 fresh rendered
#: behind-the-head sets (seeds 2900001-10): counts exact 7 → 9 of 10 (13.5 cm and up: 8, the second split's
#: nose stood 12 cm up), bounds within 0.5 s 85 → 88 %; dev-rotbh 87 → 90 % (8-20 cm alike), dev-rotbh2
#: unchanged; 10 more fresh sets (seeds 2900011-20): counts 10 of 10 as before, 82 → 85 %, wrong sides
#: 15 → 13 of 40. Reach sets keep the elbow.
ROTATION_HEAD_UP_CM = 11.0
#: Full-rep spans (standard body) of the readings of ``rotation_open``: the free wrist goes from hanging
#: under the chest to reaching for the ceiling, about 1.8 arm lengths (shoulder–wrist ≈ 57 cm); the free
#: elbow about 2.3 upper arms; the nose rises with the thorax turning open about the support arm (cm).
#: Medians (95th minus 10th percentile of each reading) over the 49 rendered and fast-path sets of
#: ``training_data/`` for the arm (101 cm, 74 cm; 10th–90th percentile of the sets 82–133, 54–94); the nose
#: below. The shoulder line's ``thorax_rotation_size`` (degrees) is
#: the fourth reading: people hold the free arm in different ways (hand behind the head, on the lower
#: back, reaching up), and only the shoulders turn with the thorax in all of them. On the held-out clips
#: rendered with the first session's pose (hand behind the head, elbow up: the arm readings barely moved)
#: the three arm/head readings found 11 of 17 sets exactly, with the shoulders 14; on the rendered training
#: sets (free arm reaching up) bounds within 0.5 s went 89 → 87 % and one more side was wrong.
#: The nose's span is its rise over a rep (top minus the lower true bound; median 27 cm over the 126 reps
#: of the rendered training sets, 10th–90th percentile 16–38; 24 on the fast path, 24–34 on the dev sets,
#: 22 with the hand behind the head): the set's percentile span (64 cm) held the sitting up before and
#: after the set, which lifts the head far above a rep's top, and weighed the head at 0.4 of a reading.
#: Bounds within 0.5 s, rendered / fast-path training, dev-hips 1–3, behind-the-head renders (8 + 6):
#: 64 cm 96 / 92 / 96 / 89 / 91 / 73 / 90 %, 27 cm 97 / 98 / 100 / 93 / 98 / 74 / 83 % (within 1 s
#: 93 → 100 % on the 6), wrong sides 6 / 2 / 3 / 6 / 4 → 5 / 0 / 3 / 5 / 4, counts exact on the
#: behind-the-head renders 9 → 13 of 14; 40 cm fell between.
ROTATION_OPEN_SPANS: dict[str, float] = {"wrist": 100.0, "elbow": 70.0, "head": 27.0, "shoulders": 45.0}
#: Resting level of each ``rotation_open`` reading: this percentile over the set (the kneeling rest between
#: reps and before the first; sitting up before and after the set reads higher, not lower).
ROTATION_REST_PCT = 10.0
#: A locked rotation done with the free hand behind the head: the set's median distance (cm) from the head
#: to the nearer wrist is below this. The hand rides with the head, and the wrist and elbow readings of
#: ``rotation_open`` then show the hand being placed (from the thigh up behind the head: getting into
#: position, the change-over between the sides) more than the thorax turning (the elbow rose 8-15 cm in
#: a rep, MediaPipe misplaces it by 8-13 % of body height), so they are left out and the head and the
#: shoulder line read the rep. Set medians: 7-20 cm (one 28) on 14 rendered behind-the-head sets, 27-71 cm
#: on the 98 training and dev sets with the hand reaching (they hang under the chest between reps).
#: Bounds within 0.5 s, 8 + 6 rendered behind-the-head sets: 60 → 73 % and 40 → 90 % (with the nose's rep
#: span below: 74 → 74 % and 48 → 83 %, counts exact 12 → 13 of 14); training and dev reach sets unchanged
#: (30 cm moved one training side and one dev-hips3 bound).
ROTATION_HAND_AT_HEAD_CM = 22.0
#: The body is at rest (for the shoulder line's resting tilt, :func:`_rest_level`) where the label-free
#: readings of ``rotation_open`` (higher wrist and elbow, nose) are within this share of a full rep (%) of
#: their rest: the free arm down, the thorax not yet turned. 35 % keeps the nose's tolerance at the 9.5 cm it
#: had as 15 % of its old 64 cm span (``ROTATION_OPEN_SPANS``); with the hand behind the head the nose is
#: the only such reading. Bounds within 0.5 s on the 6 extra behind-the-head renders: 15 % 57 %, 25 % 78 %,
#: 35 % 83 %, 45 % 83 %; the training and dev reach sets moved by at most one bound or side over 20–45 %.
ROTATION_AT_REST_PCT = 35.0
#: ... if there are at least this many seconds of such samples (else the still stretches decide).
ROTATION_REST_MIN_S = 1.0
#: Floor for the body scale (pixels per cm): a body smaller than 2 % of the frame diagonal per metre is
#: not analysable anyway; this only keeps divisions finite.
MIN_SCALE_FRAC = 0.0002

#: Hip height (cm) above the elbow–toe floor line at which a forearm plank counts as held (hips off
#: the floor). Lying prone: 2–4 cm on synthetic ground truth, up to 9 cm with MediaPipe's higher hip
#: point; a correct plank 20–30 cm.
HIP_OFF_FLOOR_CM = 11.0
#: Hip height (cm) above the elbow–toe floor line that counts as propped up in a forearm plank as well as the
#: shoulders standing up on the forearms. Piking the hips steeply (hip offset past ~35 cm, a hip angle of
#: ~110°) swings the upper arms back and lowers the shoulders to 13-23 cm above the floor line (from ~35), where
#: the shoulders' term alone read "not propped" and the plank posture fell to 0.2-0.5: fast-path pikes of
#: 37-48 cm lost their holds from 30° and 45° oblique (no hold, or cut 5-11 s short). Lying prone or a deep
#: sag keeps the hips below 15 cm and a held plank at 20-30 cm; a 20 cm pike reads ~38 cm, a 30 cm one ~48.
PIKE_PROPPED_CM = 40.0
#: Sat-back level of the locked rotation's hip height: this percentile over the set. Sitting on the heels is
#: the lowest the hips go, and much of a set is spent there (rest between reps, the rep's start and end):
#: the body is at rest (``rotation_open`` ≤ ``ROTATION_AT_REST_PCT``) in 38-44 % of the samples (10th
#: percentile, median of 85 rendered training and dev sets; 23 % at least), so the 20th percentile is the
#: middle of the sat-back samples. Lower percentiles fall into MediaPipe's hip point dipping below its
#: sitting level (the 10th lay 0.7 cm under the 20th in the median set, 2.2 cm in the 90th percentile one,
#: up to 5.7 cm), which shifted every rep of such a set up by as much: per-rep AUC (true movement > 5 cm)
#: of the rep's highest ``hip_rise_cm`` on the rendered training and dev reps (295) 0.879 with the 10th
#: percentile → 0.911 with the 20th (side-on 0.924 → 0.947, 30° behind 0.959 → 0.974, 45° behind 0.988 →
#: 0.976); the trained model's AUC on the dev renders' reps judged from the side to 45° behind (125)
#: 0.958 → 0.973 (15th 0.967, 25th 0.971). Earlier, against the old level (hip–knee offset where the
#: shoulder line is at rest) the per-rep lift tracked the truth better: correlation 0.69 → 0.70. Read as the hip's
#: own height (2026-11-25, :func:`_hip_rise`), the 10th / 20th / 30th percentiles give per-rep AUC 0.981 / 0.986 /
#: 0.987 on the 126 rendered training reps.
HIP_SIT_PCT = 20.0
#: Camera in front of the kneeling person beyond this (the set's median ``trunk_to_camera_deg``, degrees):
#: ``hip_rise_cm`` reads the lower hip point (:func:`_lift_hip_y`). Side-on sets read −3 to +10°, 30° in front
#: 15–24°, 45° in front 22–42° (rendered sets).
HIP_RISE_FRONT_DEG = 15.0

#: Weight of the world-landmark angle in ``hip_extension_deg`` (the image angle has the rest). Per rep top
#: against the true angle on the 36 rendered bridge training clips (72 reps; side, other side, 25° and 45°
#: oblique, high camera): image angle error sd 4.2°, its bias by view from −1.3° (side) to +5.3° (oblique;
#: +4.9° high camera: the error correlates 0.5 with the camera's elevation), 17 reps off by > 5°; world
#: angle (x–y plane) sd 3.2°, bias +2.6…+4.3° by view, 8 reps. On 12 extra rendered clips with the phone
#: on the floor (camera 5–20 cm high, a view not in the training data) the image angle read −3.8° (sd
#: 1.8°), the world angle +0.5° (sd 2.6°); on 8 more clips of new bodies and cameras (side to 45°, high)
#: both were noisier (sd 5.6° / 5.5°, their mix 4.7–4.9°). Over all 112 reps the two errors have sd
#: 4.6° / 3.7° and correlate 0.47; the minimum-variance weight (σi² − ρσiσw) / (σi² + σw² − 2ρσiσw) is
#: 0.70 (sd 3.4°; 0.6–0.75 within 0.03°). The world angle with depth (3-D, or in the plane across the hip
#: line) was worse (sd 7.8° / 3.8° on the training clips): MediaPipe's depth of a supine body is its
#: noisiest coordinate. Session 4, both angles measured in the body's plane (``_plane_hip_extension``): the
#: minimum-variance weight over the 126 rendered training and dev reps is 0.56 side-on, 0.56 at 30°, 0.59 at
#: 45° (n 72 / 20 / 34; with the world angle left in the camera's x–y plane it fell to 0.44 / 0.41 at 30° /
#: 45°): the weight need not depend on the view. 0.5–0.7 give the same rms about the mean (3.32–3.34°, was
#: 3.37° for the x–y world angle with a yaw-dependent weight); 0.7 keeps the floor-camera figures above.
BRIDGE_WORLD_WEIGHT = 0.7
#: ... and its weight seen obliquely, from ``BRIDGE_OBLIQUE_YAW_DEG`` of estimated yaw on (linear in the yaw from
#: ``BRIDGE_WORLD_WEIGHT`` side-on). Session 5: the image angle's error depends on the view (mean per view,
#: rendered training / dev reps: side-on −0.7 / −2.8°, other side −1.0 / −1.3°, 30° +4.4 / +0.8° from the
#: head end, +1.2 / −0.2° from the feet end, 45° +2.1 / +5.3°, +1.5 / −1.2°; the view explains more of it
#: than a random grouping of the clips would, p 0.002 / 0.01) and the world angle's less (+3.2…+4.5° side-on,
#: +1.6…+8.8° oblique), so a view-blind mix carried the image angle's lower side-on reading: side-on views
#: read ~2° lower than oblique ones. Weights chosen on the 162 rendered training and dev reps for the least
#: rms about the common mean, with round numbers: 0.7 side-on (the floor-camera figures above are side-on),
#: 0.4 oblique; rms 3.30 → 3.02° / 3.77 → 3.59°, spread of the per-view means 3.9 → 2.7° / 5.2 → 3.2°
#: (``benchmarks/bridge_angle.py``). Fitted on one set alone and scored on the other it still helps
#: (training → dev rms 3.77 → 3.72°, dev → training 3.30 → 3.03°). The head and feet ends fitted alike
#: (0.30–0.35), so the weight follows the yaw's size only.
BRIDGE_WORLD_WEIGHT_OBLIQUE = 0.4
#: Estimated yaw (degrees, :func:`_world_yaw_deg`) from which ``BRIDGE_WORLD_WEIGHT_OBLIQUE`` applies. Side-on
#: sets read 0–7° (×1.4), 30° sets 12–37°; 15–35° gave rms within 0.02° of each other.
BRIDGE_OBLIQUE_YAW_DEG = 25.0
#: MediaPipe's world hip line reads the camera's yaw from side-on short: its lateral (depth) extent is its
#: weakest coordinate. True |yaw| over |atan2(Δx, |Δz|)| of the world left→right hip line, per clip (median
#: over the set) on the 36 rendered training and 18 dev clips with |yaw| > 15°: 1.34 (least squares), 1.40
#: (median); side-on clips read 0–5° (× 1.4: a stretch of ≤ 0.8 %). Exact (projected) world landmarks
#: need no such factor: it is MediaPipe's, not geometry's.
BRIDGE_YAW_FROM_WORLD = 1.4
#: Largest yaw (degrees) the body-plane stretch assumes: beyond it 1/cos grows fast and the camera looks
#: along the body (the spec's views go to 45°; 60° = a 2× stretch).
BRIDGE_MAX_YAW_DEG = 60.0
#: Largest camera pitch (degrees below level) the body-plane height stretch assumes (1/cos: 2× at 60°). The
#: pitch is the tilt of MediaPipe's world floor (:func:`_world_pitch_deg`); phones held high read up to 44°
#: (true 49°) on the rendered training sets, propped ones 1–21° (true 0–20°).
BRIDGE_MAX_PITCH_DEG = 60.0

#: Landmark groups each fault's measure needs (judge: "unsure" when they are not visible).
FAULT_LANDMARKS: dict[str, tuple[str, ...]] = {
    "hip_offset_cm": ("shoulders", "hips", "ankles"),
    "hip_height": ("shoulders", "hips", "ankles"),
    "hip_extension_deg": ("shoulders", "hips", "knees"),
    "hip_lift_cm": ("hips", "ankles"),
    "hip_rise_cm": ("hips",),
    "thorax_extension": ("shoulders", "head"),
    "thorax_rotation": ("shoulders",),
}

_PAIRS: dict[str, tuple[int, int]] = {
    "shoulders": (LM["left_shoulder"], LM["right_shoulder"]),
    "elbows": (LM["left_elbow"], LM["right_elbow"]),
    "wrists": (LM["left_wrist"], LM["right_wrist"]),
    "hips": (LM["left_hip"], LM["right_hip"]),
    "knees": (LM["left_knee"], LM["right_knee"]),
    "ankles": (LM["left_ankle"], LM["right_ankle"]),
    "heels": (LM["left_heel"], LM["right_heel"]),
    "feet": (LM["left_foot_index"], LM["right_foot_index"]),
    "ears": (LM["left_ear"], LM["right_ear"]),
}
_SIDE_LANDMARKS = {
    "left": [LM[n] for n in ("left_shoulder", "left_hip", "left_knee", "left_ankle", "left_elbow")],
    "right": [LM[n] for n in ("right_shoulder", "right_hip", "right_knee", "right_ankle", "right_elbow")],
}
#: Side switches only when the other side's mean visibility is higher by this margin (hysteresis).
SIDE_MARGIN = 0.15


@dataclass(frozen=True)
class Signals:
    """Per-sample measured signals of one set.

    Attributes
    ----------
    t : ndarray of shape (T,)
        Sample times in seconds.
    values : dict of str -> ndarray of shape (T,)
        Smoothed signals in standard-body units (see the module docstring); NaN where not measurable.
    side : ndarray of shape (T,) of str
        Side facing the camera (``"left"``/``"right"``, ``""`` with no person), with hysteresis.
    quality : dict of str -> ndarray of shape (T,)
        ``vis_<group>`` (0..1 visibility of a landmark group, the better side; 0 when missing),
        ``view_deg`` (0 = side-on, 90 = head-on / from behind), ``trunk_to_camera_deg`` (degrees the
        hips→shoulders line points toward the camera: positive when the camera stands on the head's side
        of side-on, in front of a kneeling or leaning person; negative behind; see :func:`trunk_to_camera`),
        ``end_on_deg`` (0 = side-on, 90 = from the feet's or head's end of a kneeling or lying body, from
        the world landmarks; NaN without them; see :func:`camera_end_on`),
        ``in_frame`` (0..1 share of the key landmarks inside the frame), ``detected`` (1 where a person was
        found).
    body_scale : float
        Pixels per centimetre of a standard 1.75 m body.
    """

    t: np.ndarray
    values: dict[str, np.ndarray]
    side: np.ndarray
    quality: dict[str, np.ndarray]
    body_scale: float
    raw: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return int(self.t.shape[0])

    @property
    def fps(self) -> float:
        """Analysis rate (samples per second, median spacing of ``t``)."""
        if self.n < 2:
            return 10.0
        d = np.diff(self.t)
        d = d[np.isfinite(d) & (d > 0)]
        return float(1.0 / np.median(d)) if d.size else 10.0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


# ---------------------------------------------------------------------------------------- helpers
def despike(x: np.ndarray, limit: float) -> np.ndarray:
    """Replace one-sample spikes by the median of the sample and its two neighbours.

    Parameters
    ----------
    x : ndarray of shape (T,)
        A signal; NaN allowed (a sample with a NaN neighbour is left unchanged).
    limit : float
        A sample further than this from that median (in the signal's units) is a spike.

    Returns
    -------
    ndarray of shape (T,)
    """
    x = np.asarray(x, float).copy()
    if x.size < 3:
        return x
    win = np.stack([x[:-2], x[1:-1], x[2:]], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.median(win, axis=1)
    spike = np.isfinite(med) & (np.abs(x[1:-1] - med) > limit)
    x[1:-1][spike] = med[spike]
    return x


def bridge_gaps(x: np.ndarray, t: np.ndarray, max_gap_s: float = MAX_GAP_S) -> np.ndarray:
    """Linearly interpolate NaN runs no longer than ``max_gap_s`` between finite samples.

    Parameters
    ----------
    x, t : ndarray of shape (T,)
        Signal and sample times (s). Leading/trailing NaN and longer gaps stay NaN.
    """
    x = np.asarray(x, float).copy()
    ok = np.isfinite(x)
    if ok.sum() < 2 or ok.all():
        return x
    idx = np.flatnonzero(ok)
    filled = np.interp(t, t[idx], x[idx])
    miss = np.flatnonzero(~ok)
    k = np.searchsorted(idx, miss)  # index of the next finite sample
    inner = (k > 0) & (k < idx.size)
    span = np.full(miss.size, np.inf)
    span[inner] = t[idx[k[inner]]] - t[idx[k[inner] - 1]]
    fill = miss[span <= max_gap_s + 1e-9]
    x[fill] = filled[fill]
    return x


def fill_gaps(x: np.ndarray) -> np.ndarray:
    """Every NaN of ``x`` (shape (T,), at least one finite sample) linearly interpolated by sample index;
    leading/trailing NaN take the nearest finite value. For peak finding and levels, not for measures
    (:func:`bridge_gaps` keeps long gaps honest)."""
    x = np.asarray(x, float)
    idx = np.flatnonzero(np.isfinite(x))
    return np.interp(np.arange(x.size), idx, x[idx])


def widen(mask: np.ndarray, fps: float, window_s: float = SMOOTH_WINDOW_S) -> np.ndarray:
    """``mask`` (bool, shape (T,)) widened by half a smoothing window on each side: a sample-level event
    spreads that far into its neighbours through :func:`smooth`."""
    reach = (int(round(window_s * fps)) | 1) // 2
    if mask.any() and reach:
        return np.convolve(mask, np.ones(2 * reach + 1), mode="same") > 0
    return mask


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of True runs, stop exclusive."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(int))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def smooth(x: np.ndarray, fps: float, window_s: float = SMOOTH_WINDOW_S) -> np.ndarray:
    """Savitzky–Golay smoothing (order 2) of each finite run of ``x``; short runs are left unchanged.

    Parameters
    ----------
    x : ndarray of shape (T,)
    fps : float
        Samples per second (8–30 supported: the window is set in seconds).
    """
    x = np.asarray(x, float).copy()
    win = int(round(window_s * fps)) | 1
    if win < 5:
        return x
    for a, b in _runs(np.isfinite(x)):
        if b - a >= win:
            x[a:b] = savgol_filter(x[a:b], win, 2, mode="interp")
    return x


def _merge_pair(P: np.ndarray, V: np.ndarray, pair: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Visibility-weighted mean of a left/right landmark pair.

    Returns point (T, 2) and the better visibility (T,) (0 where missing).
    """
    a, b = pair
    pa, pb = P[:, a], P[:, b]
    va = np.where(np.isfinite(pa[:, 0]), np.nan_to_num(V[:, a], nan=1.0), 0.0)
    vb = np.where(np.isfinite(pb[:, 0]), np.nan_to_num(V[:, b], nan=1.0), 0.0)
    wa = np.clip(va, 0.05, 1.0) ** 2 * np.isfinite(pa[:, 0])
    wb = np.clip(vb, 0.05, 1.0) ** 2 * np.isfinite(pb[:, 0])
    wsum = wa + wb
    with np.errstate(invalid="ignore", divide="ignore"):
        pt = (np.nan_to_num(pa) * wa[:, None] + np.nan_to_num(pb) * wb[:, None]) / wsum[:, None]
    pt[wsum <= 0] = np.nan
    return pt, np.maximum(va, vb)


#: Point groups whose movement between samples ``skeleton_jump_cm`` measures: the body's line from the shoulders
#: to the feet, and the elbows (on the floor in a forearm plank).
SKELETON_GROUPS = ("shoulders", "elbows", "hips", "knees", "ankles")


def _skeleton_jump(pts: dict[str, np.ndarray], scale: float) -> np.ndarray:
    """Movement of all of the body's points since the previous sample, cm of the standard body.

    Parameters
    ----------
    pts : dict of str -> ndarray of shape (T, 2)
        Merged left/right points in pixels (``SKELETON_GROUPS`` used; NaN where missing).
    scale : float
        Pixels per cm.

    Returns
    -------
    ndarray of shape (T,)
        The least of the groups' displacements from the previous sample (NaN at the first sample and where no
        group is measurable).
    """
    n = pts[SKELETON_GROUPS[0]].shape[0]
    if n == 0:
        return np.zeros(0)
    d = np.stack([np.r_[np.nan, _norm(np.diff(pts[g], axis=0))] for g in SKELETON_GROUPS], axis=1) / scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(d, axis=1)


def _first_finite(*pts: np.ndarray) -> np.ndarray:
    out = pts[0].copy()
    for p in pts[1:]:
        miss = ~np.isfinite(out[:, 0])
        out[miss] = p[miss]
    return out


def _norm(v: np.ndarray) -> np.ndarray:
    return np.hypot(v[..., 0], v[..., 1])


def _offset_from_line(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed distance of p from the line a→b, + toward image-up (coordinates: x right, y up)."""
    d = b - a
    n = np.stack([-d[:, 1], d[:, 0]], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = n / _norm(n)[:, None]
    n = np.where((n[:, 1] < 0)[:, None], -n, n)  # normal pointing up in the image
    return np.einsum("ij,ij->i", p - a, n)


def _fold_deg(a: np.ndarray | float) -> np.ndarray | float:
    """Angles of undirected lines (degrees) folded to [-90, 90)."""
    return (np.asarray(a) + 90.0) % 180.0 - 90.0


#: The two feet further apart than this (cm of the standard body) are not both where MediaPipe put them: in a
#: plank the feet stay within ~10 cm of each other in the image (hip-width apart, seen from the side to 45°).
LEGS_APART_CM = 25.0
#: A leg that goes on from the trunk puts the foot at least this far past the hips along the shoulder→hip line
#: (cm of the standard body; 70-80 in a plank, ~55 in a 30 cm pike); the other foot, less than half as far, is
#: folded under the body. Where both fall short MediaPipe has lost both legs, and neither is preferred.
LEG_REACH_CM = 50.0
#: The shoulder–hip distance at least this share of its set median: the body's skeleton is whole (rising into a
#: steep pike from the far side, MediaPipe drew the trunk a quarter of its length and the feet anywhere).
TRUNK_WHOLE_SHARE = 0.6


def _plank_legs(P: np.ndarray, sh: np.ndarray, hip: np.ndarray, knee: np.ndarray, foot: np.ndarray,
                scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The knee and foot a plank is measured on: the leg that goes on from the trunk, where MediaPipe puts the
    other one somewhere else.

    Seen 45° from the head end with the hands under the shoulders (a plank on straight arms), MediaPipe can lay
    the far leg under the trunk, its foot among the hands, and be sure of it (visibility 0.9; dev render
    3000012: most of a sagging hold read 17 cm too high, part of it as kneeling). A plank's legs move together,
    so where the feet are ``LEGS_APART_CM`` apart, one foot reaches ``LEG_REACH_CM`` past the hips along the
    shoulder→hip line and the other less than half as far, the first leg is the one there. Elsewhere the
    visibility-weighted pair (``knee``, ``foot``) stands.

    Parameters
    ----------
    P : ndarray of shape (T, 33, 2)
        Image landmarks, pixels, y up; NaN allowed.
    sh, hip, knee, foot : ndarray of shape (T, 2)
        The merged shoulder, hip, knee and foot points (pixels).
    scale : float
        Pixels per cm of the standard body.

    Returns
    -------
    knee, foot : ndarray of shape (T, 2)
    """
    trunk = _norm(hip - sh)
    axis = (hip - sh) / np.maximum(trunk, 1e-9)[:, None]
    sides = []
    for s in ("left", "right"):
        f = _foot(P, s)
        sides.append((P[:, LM[f"{s}_knee"]], f, np.sum((f - hip) * axis, axis=1)))
    (kl, fl, reach_l), (kr, fr, reach_r) = sides
    with np.errstate(invalid="ignore"):
        # (not where the trunk itself has collapsed: then MediaPipe has lost the whole body, not one leg)
        whole = trunk > TRUNK_WHOLE_SHARE * np.nanmedian(trunk) if np.isfinite(trunk).any() else trunk > 0
        apart = (_norm(fl - fr) / scale > LEGS_APART_CM) & whole
        left = apart & (reach_l >= LEG_REACH_CM) & (reach_r < 0.5 * reach_l)
        right = apart & (reach_r >= LEG_REACH_CM) & (reach_l < 0.5 * reach_r)
    knee, foot = knee.copy(), foot.copy()
    knee[left], foot[left] = kl[left], fl[left]
    knee[right], foot[right] = kr[right], fr[right]
    return knee, foot


def _foot(P: np.ndarray, side: str) -> np.ndarray:
    """One foot's point (pixels, shape (T, 2)): the ankle, else the heel, else the toes."""
    return _first_finite(P[:, LM[f"{side}_ankle"]], P[:, LM[f"{side}_heel"]], P[:, LM[f"{side}_foot_index"]])


#: A knee MediaPipe puts above the hip–foot line is a straight leg's knee mislocated (a piked plank seen from 45°) only
#: where it is also this far (cm) above the elbow–foot floor line; on the floor it is a leg folded back under the body,
#: which falls on either side of the short hip–heel line. Sitting back on the heels after a plank read the knee 15-17
#: cm below that line and by turns 37° and 323° (straight), and held there made a piked hold of the rest; the
#: mislocated knees of steep pikes rising into the hold read 17-45 cm above it.
KNEE_OFF_FLOOR_CM = 5.0


def _knee_floor_deg(hip: np.ndarray, knee: np.ndarray, foot: np.ndarray, elbows: np.ndarray,
                    scale: float) -> np.ndarray:
    """Knee angle on the floor side of the leg (degrees, shape (T,)) from points of shape (T, 2) (pixels, y up;
    ``scale`` px per cm): the angle between thigh and shin where the knee is below the hip–foot line (bent toward the
    floor), 360° minus it where the knee is above that line and ``KNEE_OFF_FLOOR_CM`` above the elbow–foot line (a
    straight leg cannot bend that way: it reads above 180)."""
    inner = _angle_deg(hip - knee, foot - knee)
    with np.errstate(invalid="ignore"):
        mirrored = ((_offset_from_line(knee, hip, foot) > 0)
                    & ~(_offset_from_line(knee, elbows, foot) / scale < KNEE_OFF_FLOOR_CM))
    return np.where(mirrored, 360.0 - inner, inner)


def _more_bent_leg_deg(P: np.ndarray, hip: np.ndarray, elbows: np.ndarray, scale: float) -> np.ndarray:
    """Floor-side knee angle (:func:`_knee_floor_deg`, capped at 180: straight) of the more bent leg (degrees, shape
    (T,)), each leg read on its own knee and foot (pixels, shape (T, 33, 2) ``P``) from the hips ``hip``; a leg without
    points is left out."""
    legs = np.stack([np.fmin(_knee_floor_deg(hip, P[:, LM[f"{s}_knee"]], _foot(P, s), elbows, scale), 180.0)
                     for s in ("left", "right")])
    out = np.full(P.shape[0], np.nan)
    seen = np.isfinite(legs).any(axis=0)
    out[seen] = np.nanmin(legs[:, seen], axis=0)
    return out


def _line_angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Image angle (degrees, [-90, 90), + rising to the right) of the lines a→b, per sample; points of shape
    (T, 2) in pixels, y down; NaN where a point is missing."""
    d = b - a
    return _fold_deg(np.degrees(np.arctan2(-d[:, 1], d[:, 0])))


#: Samples whose elbow→foot line lies within this of the image horizontal have the forearms and toes (or
#: knees) on the floor — lying, kneeling on the forearms or in the plank — and show the floor's direction; a
#: standing or sitting body's elbow→foot line is near vertical (60-90°).
PLANK_FLOOR_MAX_DEG = 40.0
#: ... when at least this many samples do (else the image horizontal is the floor).
PLANK_FLOOR_MIN_SAMPLES = 4


def _floor_angle_deg(elbows: np.ndarray, foot: np.ndarray) -> float:
    """The floor's direction in the image (degrees, as :func:`_line_angle_deg`) for a forearm plank set.

    The median angle of the elbow→foot line over the samples where it lies within ``PLANK_FLOOR_MAX_DEG`` of
    the horizontal; 0 with fewer than ``PLANK_FLOOR_MIN_SAMPLES`` of them. It takes out a phone that is not
    level (propped against something, rolled 10-25°), which tilts every body line by as much: fast-path planks
    filmed rolled 15° lost 3 of 24 holds, rolled 25° 14 of 24 (the body tilt term of the plank posture). Seen
    45° obliquely the floor line also tilts 8-11° by perspective (rendered deep sags), the opposite way to the
    body line.

    Parameters
    ----------
    elbows, foot : ndarray of shape (T, 2)
        Elbow and foot points (pixels, y down); NaN allowed.
    """
    a = _line_angle_deg(elbows, foot)
    near = a[np.isfinite(a) & (np.abs(a) < PLANK_FLOOR_MAX_DEG)]
    return float(np.median(near)) if near.size >= PLANK_FLOOR_MIN_SAMPLES else 0.0


def _angle_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle between 2-D vectors, degrees."""
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.einsum("ij,ij->i", u, v) / (_norm(u) * _norm(v))
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _choose_side(vis_left: np.ndarray, vis_right: np.ndarray, detected: np.ndarray) -> np.ndarray:
    """Facing side per sample by visibility, switching only past ``SIDE_MARGIN`` (hysteresis)."""
    side = np.full(vis_left.shape, "", dtype=object)
    cur = ""
    for i in range(vis_left.size):
        if not detected[i]:
            continue
        d = vis_left[i] - vis_right[i]
        if cur == "":
            cur = "left" if d >= 0 else "right"
        elif cur == "left" and d < -SIDE_MARGIN:
            cur = "right"
        elif cur == "right" and d > SIDE_MARGIN:
            cur = "left"
        side[i] = cur
    return side.astype(str)


def camera_end_on(world: np.ndarray | None) -> np.ndarray:
    """Degrees the camera stands round from side-on toward the end of a kneeling or lying body, per sample.

    Seen side-on the hip line (left→right hip) points into depth and the thighs of a body kneeling
    sat back lie across the image; seen from the feet's or the head's end it is the other way round.
    MediaPipe's world landmarks (metres, x across the image, z into depth) give both directions; the
    reading is the mean of the hip line's angle out of depth and the thigh's (hips→knees midpoints)
    angle into depth, in the horizontal (x, z) plane: 0 side-on, 90 end-on. Unsigned (front or behind:
    see :func:`trunk_to_camera`); meaningless for a standing body, whose thighs are vertical.

    Parameters
    ----------
    world : ndarray of shape (T, 33, 4) or None
        World landmarks (metres, hip-centred).

    Returns
    -------
    ndarray of shape (T,)
        Degrees, 0..90; NaN where a landmark is missing or without world landmarks.

    Notes
    -----
    Rendered locked rotation sets through MediaPipe, set medians: side-on, other side and high 2-17°
    (23 training sets), 30° oblique 4-26° (10 training / held-out), 45° behind or in front 12-50°
    (17), 60° behind (``feet_end``) 27-62° (8 dev sets), directly behind 62-82° (8 dev sets).
    """
    if world is None or not np.isfinite(np.asarray(world, float)[..., 2]).any():
        return np.full(0 if world is None else np.asarray(world).shape[0], np.nan)
    W = np.asarray(world, float)[:, :, :3]
    thigh = 0.5 * (W[:, LM["left_knee"]] + W[:, LM["right_knee"]] - W[:, LM["left_hip"]] - W[:, LM["right_hip"]])
    return 0.5 * (_hip_line_out_of_depth_deg(W) + _axis_angle_deg(thigh, 2, 0))


def _axis_angle_deg(v: np.ndarray, toward: int, from_: int) -> np.ndarray:
    """Unsigned angle (degrees, 0..90) of directions ``v`` (shape (T, 3)) from axis ``from_`` toward axis
    ``toward``: arctan(|v[toward]| / |v[from_]|); NaN where ``v`` is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.degrees(np.arctan2(np.abs(v[:, toward]), np.abs(v[:, from_])))


def _hip_line_out_of_depth_deg(W: np.ndarray) -> np.ndarray:
    """Angle (degrees) of the world left→right hip line out of the camera's depth axis, per sample: 0 when the
    camera looks at the body side-on (the hip line points into depth), 90 from the body's end.

    Parameters
    ----------
    W : ndarray of shape (T, 33, >=3)
        World landmarks (metres; x across the image, z into depth).
    """
    return _axis_angle_deg(W[:, LM["left_hip"], :3] - W[:, LM["right_hip"], :3], 0, 2)


def _set_median_deg(a: np.ndarray, cap: float, scale: float = 1.0) -> float:
    """The set's median of a per-sample angle times ``scale``, at most ``cap``; 0 where no sample has one."""
    return float(min(scale * np.nanmedian(a), cap)) if np.isfinite(a).any() else 0.0


def trunk_to_camera(image: np.ndarray, world: np.ndarray | None, frame_size: tuple[int, int]) -> np.ndarray:
    """Degrees the hips→shoulders line points toward the camera, per sample.

    MediaPipe's depth (``z``, smaller = nearer the camera) says which end of the trunk is nearer: with the
    shoulders nearer than the hips the camera stands toward the head, in front of a person kneeling or
    leaning forward; farther, behind. The sign is what a side camera cannot give (``view_deg`` is
    unsigned). World landmarks when present (metric), else the image landmarks (``z`` on the scale of x).

    Parameters
    ----------
    image : ndarray of shape (T, 33, 4)
        Image landmarks (x, y normalised, z, visibility).
    world : ndarray of shape (T, 33, 4) or None
        World landmarks (metres, hip-centred).
    frame_size : (width, height)
        Pixels.

    Returns
    -------
    ndarray of shape (T,)
        arcsin(−Δz / |hips→shoulders|) in degrees; NaN where a landmark is missing.
    """
    if world is not None and np.isfinite(np.asarray(world, float)[..., 2]).any():
        L = np.asarray(world, float)[:, :, :3]
    else:
        L = np.asarray(image, float)[:, :, :3] * np.array([frame_size[0], frame_size[1], frame_size[0]], float)
    sh = 0.5 * (L[:, LM["left_shoulder"]] + L[:, LM["right_shoulder"]])
    hp = 0.5 * (L[:, LM["left_hip"]] + L[:, LM["right_hip"]])
    v = sh - hp
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.degrees(np.arcsin(np.clip(-v[:, 2] / np.linalg.norm(v, axis=1), -1.0, 1.0)))


def _hip_rise(hip_up: np.ndarray) -> np.ndarray:
    """Hips lifting off the heels: the hip's height in the frame from its sat-back level.

    Parameters
    ----------
    hip_up : ndarray of shape (T,)
        The hip's height in the frame (cm of the standard body, up positive; its zero is arbitrary); NaN allowed.

    Returns
    -------
    ndarray of shape (T,)
        ``hip_up`` minus its ``HIP_SIT_PCT`` percentile over the set; NaN where ``hip_up`` is.

    Notes
    -----
    Kneeling sat back on the heels, the knees, shins and feet stay on the floor all set long, so with the phone
    standing still (as the camera advice asks) the floor's height in the frame does not change and the hip's
    own height tells its lift. The earlier reading — the hip above MediaPipe's knee and foot points per
    sample, the lower of the two — took in those points' noise: they move with the turning body (the knee
    reading's slow level wanders 3–6 cm over a set of still knees) and, from 30° in front, ride up with the hip
    point. Per-rep AUC (true movement > 5 cm) of the rep's 90th-percentile reading, rendered sets through
    MediaPipe: training 126 reps 0.961 → 0.986 (correlation with the true movement 0.83 → 0.94), held-out 68
    reps 0.869 → 0.983, third blind set 28 reps 0.959 → 0.994. The hip against the knees' slow level (an
    8-s running median, to cancel a drifting camera) scored 0.970 / 0.961 / 0.994: the knee reading's
    wander costs more than it cancels on a still camera. A phone held by hand would read its own movement
    as the hips'.
    """
    x = np.asarray(hip_up, float)
    if not np.isfinite(x).any():
        return np.full(x.shape, np.nan)
    return x - np.nanpercentile(x, HIP_SIT_PCT)


def _lift_hip_y(P: np.ndarray, hip: np.ndarray, toward: np.ndarray) -> np.ndarray:
    """The hip height ``hip_rise_cm`` reads: the visibility-weighted hip, or from in front the lower hip point.

    Parameters
    ----------
    P : ndarray of shape (T, 33, 2)
        Image landmarks in pixels, y up.
    hip : ndarray of shape (T, 2)
        The visibility-weighted hip (:func:`_merge_pair`), pixels.
    toward : ndarray of shape (T,)
        :func:`trunk_to_camera`, degrees.

    Returns
    -------
    ndarray of shape (T,)
        Pixels, y up: ``hip``'s height, or where the set's median ``toward`` is above ``HIP_RISE_FRONT_DEG``
        the lower of the left and right hip points (the other one where one is missing).

    Notes
    -----
    Filmed from in front of the kneeling person, MediaPipe turns its hip points with the turning trunk: one
    rides up in the picture, the other down, and their weighted mean rose 1–7.5 cm in still reps. Hips that
    lift off the heels raise both points, so the lower one reads the lift without the ride-up. Per-rep AUC
    (true movement > 5 cm, the rep's 90th percentile) on 70 reps of 21 rendered sets filmed 15–40° in front
    (18 lifts): 0.978 weighted → 0.990 lower, still reps up to 7.5 → 7.3 cm but at the 90th percentile
    6.1 → 4.5 cm, lifts at the 10th percentile 6.7 → 5.6 cm. Side-on or behind the far hip is hidden and
    MediaPipe guesses it, so there the lower point is worse (322 reps: AUC 0.993 weighted, 0.962 lower).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        in_front = float(np.nanmedian(toward)) > HIP_RISE_FRONT_DEG if np.isfinite(toward).any() else False
    if not in_front:
        return hip[:, 1]
    return np.fmin(P[:, LM["left_hip"], 1], P[:, LM["right_hip"], 1])


def _rest_level(x: np.ndarray, fps: float, *, prominence: float = 8.0, tol: float = 6.0,
                still_s: float = 0.5, still_range: float = 4.0, bin_width: float = 3.0,
                at_rest: np.ndarray | None = None) -> float:
    """The value a per-side rotation signal rests at between reps.

    In the kneeling rest of the locked rotation one elbow is down between the knees, so the shoulder line
    is not level at rest. The rest is its median over ``at_rest``, the samples where the rest of the body
    is at rest by readings that are not the shoulder line (at least ``ROTATION_REST_MIN_S`` of them).
    Without them: reps go up from the rest on one side and down on the other, so the rest is the level
    that is a local *maximum* in one block of reps and a local *minimum* in the other: the value
    (±``tol``) shared by the most prominent peaks of ``x`` and of ``−x``; a set with one side only has no
    such level, and the most common value among still stretches (moving less than ``still_range`` over
    ``still_s``) is used.

    On the 70 rendered / fast-path / dev locked-rotation sets the body-at-rest median agreed with the
    shared level within 1.3° wherever that was found, except on a one-sided set whose noisy peaks
    shared a level 20° off (the shoulder reading then fell with each rep) and one where MediaPipe lost
    the body mid-set; the still stretches picked the rep's top in 13 of them (people hold the top about
    as long as they rest), turning the shoulder reading of ``rotation_open`` upside down.

    Parameters
    ----------
    x : ndarray of shape (T,)
        Smoothed shoulder-line rotation (degrees), NaN allowed.
    fps : float
    at_rest : ndarray of bool, shape (T,), optional
        Samples where the body is at rest by readings that do not come from ``x``.

    Returns
    -------
    float
        Degrees.
    """
    from scipy.signal import find_peaks

    ok = np.isfinite(x)
    if not ok.any():
        return 0.0
    if at_rest is not None:
        r = np.asarray(at_rest, bool) & ok
        if r.sum() >= max(3, ROTATION_REST_MIN_S * fps):
            return float(np.median(x[r]))
    xf = fill_gaps(x)
    hi = xf[find_peaks(xf, prominence=prominence)[0]]
    lo = xf[find_peaks(-xf, prominence=prominence)[0]]
    best, best_score = None, 0
    for c in np.concatenate([hi, lo]):
        score = min(int(np.sum(np.abs(hi - c) <= tol)), int(np.sum(np.abs(lo - c) <= tol)))
        if score > best_score:
            best, best_score = c, score
    if best is not None and best_score >= 2:
        near = np.concatenate([hi[np.abs(hi - best) <= tol], lo[np.abs(lo - best) <= tol]])
        return float(np.median(near))
    k = max(2, int(round(still_s * fps)))
    if x.size <= k:
        return float(np.nanmedian(x))
    win = np.lib.stride_tricks.sliding_window_view(x, k)
    with np.errstate(invalid="ignore"):
        rng = np.max(win, axis=1) - np.min(win, axis=1)
    still = np.zeros(x.size, bool)
    still[: rng.size] |= rng < still_range
    still &= ok
    vals = x[still] if still.sum() >= 3 else x[ok]
    vlo, vhi = float(vals.min()), float(vals.max())
    if vhi - vlo < bin_width:
        return float(np.median(vals))
    hist, edges = np.histogram(vals, bins=np.arange(vlo, vhi + bin_width, bin_width))
    c = 0.5 * (edges[np.argmax(hist)] + edges[np.argmax(hist) + 1])
    near = vals[np.abs(vals - c) <= 1.5 * bin_width]
    return float(np.median(near)) if near.size else float(c)


def _rotation_size(rot: np.ndarray, rest: float, t: np.ndarray, fps: float,
                   elbow: np.ndarray | None = None, up_cm: float = ROTATION_ELBOW_UP_CM) -> np.ndarray:
    """Label-free rotation size: ``|rot − rest|`` per sample, despiked, smoothed, short dips closed.

    A dip (up to ``ROTATION_DIP_S``) is closed only where the higher elbow stays up through it (at least
    half its lift at the dip's edges, and ``ROTATION_ELBOW_UP_CM`` above its rest): the working elbow
    points at the ceiling through a rep, while MediaPipe may read the stacked shoulders at one height
    for most of a second. A dip between sitting up and the next side's first rep (elbows down) is kept.

    Parameters
    ----------
    rot : ndarray of shape (T,)
        Raw (unsmoothed) shoulder-line rotation in degrees, NaN allowed.
    rest : float
        Its resting level (degrees).
    t : ndarray of shape (T,)
        Times (s).
    fps : float
    elbow : ndarray of shape (T,), optional
        Smoothed height (cm) of the higher elbow above the knees (with the hand behind the head: the nose's,
        ``ROTATION_HEAD_UP_CM``); without it no dip is closed.
    up_cm : float
        How far (cm) above its rest ``elbow`` must be at the dip's edges.

    Returns
    -------
    ndarray of shape (T,)
        Degrees, ≥ 0 up to smoothing overshoot; NaN where ``rot`` stays missing.
    """
    from scipy.ndimage import grey_closing

    size = smooth(bridge_gaps(despike(np.abs(rot - rest), ROTATION_SPIKE_DEG), t), fps)
    ok = np.isfinite(size)
    k = int(round(ROTATION_DIP_S * fps))
    if elbow is None or k < 2 or ok.sum() <= k or np.isfinite(elbow).sum() < 3:
        return size
    filled = fill_gaps(size)
    closed = grey_closing(filled, size=k + 1, mode="nearest")
    e = np.asarray(elbow, float)
    e = e - float(np.nanpercentile(e, 20))  # from its resting level (most of a set is rest)
    out = filled.copy()
    for a, b in _dip_runs(closed > filled + 1e-9):
        if a == 0 or b >= size.size:
            continue
        edge = min(e[a - 1], e[b])
        inner = e[a:b]
        if np.isfinite(edge) and edge >= up_cm and np.all(np.isfinite(inner)) \
                and inner.min() >= 0.5 * edge:
            out[a:b] = closed[a:b]
    return np.where(ok, out, np.nan)


def _rotation_open(readings: dict[str, np.ndarray]) -> np.ndarray:
    """How far a locked rotation is open, in % of a full rep: the mean of the available readings.

    Parameters
    ----------
    readings : dict of str -> ndarray of shape (T,)
        Smoothed heights (cm) above the knees: ``wrist`` and ``elbow`` (the higher one of each pair) and
        ``head`` (the nose), and ``shoulders`` (``thorax_rotation_size``, degrees); NaN allowed. Each is
        taken from its resting level (``ROTATION_REST_PCT``) over its span (``ROTATION_OPEN_SPANS``).

    Returns
    -------
    ndarray of shape (T,)
        Percent of a full rep (0 at rest, ~100 at a full rep's top); NaN where no reading is available.
    """
    parts = []
    for name, x in readings.items():
        x = np.asarray(x, float)
        if np.isfinite(x).sum() < 3:
            continue
        parts.append(100.0 * (x - np.nanpercentile(x, ROTATION_REST_PCT)) / ROTATION_OPEN_SPANS[name])
    if not parts:
        return np.full(next(iter(readings.values())).shape, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.stack(parts), axis=0)


def _shoulder_swaps(rot: np.ndarray) -> np.ndarray:
    """Samples where MediaPipe swapped the left and right shoulder labels (shape (T,) of bool).

    A swap flips the shoulder line's rotation across zero in one sample: both readings at least
    ``SWAP_MIN_DEG`` from level with opposite signs (a body turns ≤ 15° between samples at 8 fps).

    Parameters
    ----------
    rot : ndarray of shape (T,)
        Raw (unsmoothed) shoulder-line rotation in degrees, NaN allowed.
    """
    out = np.zeros(rot.size, bool)
    if rot.size >= 2:
        a, b = rot[:-1], rot[1:]
        with np.errstate(invalid="ignore"):
            out[1:] = (np.sign(a) * np.sign(b) < 0) & (np.fmin(np.abs(a), np.abs(b)) >= SWAP_MIN_DEG)
    return out


def _hand_to_head_cm(P: np.ndarray, head: np.ndarray, scale: float) -> np.ndarray:
    """Distance (cm) from the head to the nearer wrist, per sample (shape (T,)); NaN where unseen.

    Parameters
    ----------
    P : ndarray of shape (T, 33, 2)
        Image landmarks in pixels.
    head : ndarray of shape (T, 2)
        Head point (ears' midpoint, else the nose) in pixels.
    scale : float
        Pixels per cm.
    """
    d = np.stack([_norm(P[:, LM[f"{s}_wrist"]] - head) for s in ("left", "right")]) / scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(d, axis=0)


def _dip_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start and end (exclusive) of each True run of ``mask`` (shape (T,))."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(int))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def _pair_mid(P: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """Plain midpoint of a left/right landmark pair (shape (T, 2)); the one present where the other is NaN.

    The midpoint of the two image points is the image of the body's mid-plane point at any view (up to
    perspective); the visibility-weighted mean (:func:`_merge_pair`) slides toward the near side at oblique
    views, by a different share for the shoulders, hips and knees.
    """
    pa, pb = P[:, pair[0]], P[:, pair[1]]
    both = np.isfinite(pa[:, 0]) & np.isfinite(pb[:, 0])
    return np.where(both[:, None], 0.5 * (pa + pb), _first_finite(pa, pb))


def _world_yaw_deg(world: np.ndarray | None) -> float:
    """Camera yaw from side-on (degrees, ≥ 0) of a supine set, from MediaPipe's world hip line.

    The left→right hip line is the body's lateral axis; seen side-on it points along the camera's depth,
    turned by the yaw it gains an x component. MediaPipe reads the depth short, so the angle is scaled by
    ``BRIDGE_YAW_FROM_WORLD`` and capped at ``BRIDGE_MAX_YAW_DEG``. 0 without world landmarks.

    Parameters
    ----------
    world : ndarray of shape (T, 33, 4) or None
        World landmarks (metres), NaN allowed.

    Returns
    -------
    float
        Median over the set, degrees.
    """
    if world is None:
        return 0.0
    return _set_median_deg(_hip_line_out_of_depth_deg(np.asarray(world, float)), BRIDGE_MAX_YAW_DEG,
                           scale=BRIDGE_YAW_FROM_WORLD)


def _world_pitch_deg(world: np.ndarray | None) -> float:
    """Camera pitch (degrees below level, ≥ 0) of a supine set, from the tilt of MediaPipe's world floor.

    The shoulders and heels stay on the floor through a bridge: the normal of the plane through the
    shoulder→heel line and the left→right line (shoulders + heels) is the floor's up direction. MediaPipe's
    world axes follow the camera (x right, y down, z depth), so a camera looking down tilts that normal
    toward the depth axis by the pitch. Against the true pitch per set (rendered training and dev sets):
    correlation 0.83; phones held high (true 23–49°) read 12–44°: MediaPipe's world floor tilts less than
    the camera, and its x–y heights shrink by the cosine of its own tilt, which is what the world angle
    needs undone. 0 without world landmarks.

    Parameters
    ----------
    world : ndarray of shape (T, 33, 4) or None
        World landmarks (metres), NaN allowed.

    Returns
    -------
    float
        Median over the set, degrees, at most ``BRIDGE_MAX_PITCH_DEG``.
    """
    if world is None:
        return 0.0
    W = np.asarray(world, float)[:, :, :3]
    sh = 0.5 * (W[:, LM["left_shoulder"]] + W[:, LM["right_shoulder"]])
    heel = 0.5 * (W[:, LM["left_heel"]] + W[:, LM["right_heel"]])
    across = (W[:, LM["left_shoulder"]] - W[:, LM["right_shoulder"]]) + (W[:, LM["left_heel"]] - W[:, LM["right_heel"]])
    floor_up = np.cross(heel - sh, across)
    return _set_median_deg(_axis_angle_deg(floor_up, 2, 1), BRIDGE_MAX_PITCH_DEG)


def _plane_hip_extension(P: np.ndarray, yaw_deg: float, pitch_deg: float = 0.0) -> np.ndarray:
    """Hip extension (degrees) in the body's own (sagittal) plane, from image (or world) landmarks.

    A supine body's shoulders and feet are on the floor, so the image of the shoulder→foot line is the
    plane's floor direction, and its vertical stays the image vertical (phones are held about level). Seen
    from a yaw ψ off side-on the plane's long axis is shortened by cos ψ and, from a raised camera, sheared
    by the floor line's image slope; an image angle there is bent (a 10° arch reads ~12° at 45°). The hip's
    neighbours are measured from the hip, heights taken above the floor line (the shear undone) and lengths
    along it divided by cos ψ; the angle between the hip→shoulder and hip→knee directions is then signed +
    where the hip is above the shoulder–knee line. On exact
    projections at 30° and 45° this is within 4° of the truth where the plain image angle is up to 17° off.
    A camera looking down by a pitch θ shrinks the plane's heights by cos θ, which flattens every bend: on
    exact projections from a phone held high (θ 25–50°) arched reps read 3.1° short and incomplete ones 4.8°
    less short (side-on 1.5 / 0.1°); heights are divided by cos θ. With the pitch MediaPipe's world floor
    tilts by (:func:`_world_pitch_deg`), the 14 high-camera training reps' error sd went 2.33 → 2.02° and its
    correlation with the true angle −0.48 → −0.12 (other views within 0.1°).
    Per rep top against the truth (mean ± sd, the visibility-weighted image angle → this; rendered training
    clips / dev renders, ``benchmarks/bridge_angle.py``): 45° from the feet end −2.6 ± 4.3 → −0.5 ± 2.6 /
    −9.6 ± 10.9 → −1.2 ± 5.0, from the head end +4.5 ± 2.4 → +2.1 ± 3.0 / +7.3 ± 5.2 → +5.3 ± 3.6; spread of
    the per-view means 9.4 → 8.3 / 16.9 → 8.1° (side-on views within 1°).

    Parameters
    ----------
    P : ndarray of shape (T, 33, 2)
        Landmark x, y with y up: image pixels, or world metres in the camera's axes; NaN allowed.
    yaw_deg : float
        Camera yaw from side-on (:func:`_world_yaw_deg`), degrees.
    pitch_deg : float, default 0
        Camera pitch below level (:func:`_world_pitch_deg`), degrees.

    Returns
    -------
    ndarray of shape (T,)
        + = hips past the shoulder–hip–knee line, − = short of it.
    """
    sh, hip, knee = (_pair_mid(P, _PAIRS[g]) for g in ("shoulders", "hips", "knees"))
    foot = _first_finite(*(_pair_mid(P, _PAIRS[g]) for g in ("ankles", "heels", "feet")))
    d = foot - sh
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = d[:, 1] / d[:, 0]
    slopes = slopes[np.isfinite(slopes)]
    # a floor line seen from at most BRIDGE_MAX_YAW_DEG off side-on by a camera pitched at most 45° down
    # slopes by tan(yaw)·sin(pitch) ≤ 1.22 (measured ≤ 0.5 on the training, dev and held-out sets); a
    # steeper median is a body not lying across the view, and is not undone
    most = np.tan(np.radians(BRIDGE_MAX_YAW_DEG)) * np.sin(np.radians(45.0))
    slope = float(np.clip(np.median(slopes), -most, most)) if slopes.size else 0.0
    stretch = 1.0 / np.cos(np.radians(yaw_deg))
    lift = 1.0 / np.cos(np.radians(pitch_deg))

    def in_plane(p: np.ndarray) -> np.ndarray:
        q = p - hip
        return np.stack([q[:, 0] * stretch, (q[:, 1] - slope * q[:, 0]) * lift], axis=1)

    zero = np.zeros_like(hip)
    u, v = in_plane(sh), in_plane(knee)
    ext = 180.0 - _angle_deg(u, v)
    past = np.sign(_offset_from_line(zero, u, v))
    return ext * np.where(past == 0, 1.0, past)


def _bridge_world_weight(yaw_deg: float) -> float:
    """Weight of the world-landmark angle in ``hip_extension_deg`` at a camera yaw (degrees from side-on).

    ``BRIDGE_WORLD_WEIGHT`` side-on, ``BRIDGE_WORLD_WEIGHT_OBLIQUE`` from ``BRIDGE_OBLIQUE_YAW_DEG`` on, linear
    between: the image angle reads a few degrees lower side-on than obliquely, the world angle about alike.
    """
    share = float(np.clip(abs(yaw_deg) / BRIDGE_OBLIQUE_YAW_DEG, 0.0, 1.0))
    return BRIDGE_WORLD_WEIGHT + share * (BRIDGE_WORLD_WEIGHT_OBLIQUE - BRIDGE_WORLD_WEIGHT)


def _world_hip_extension(world: np.ndarray, yaw_deg: float = 0.0, pitch_deg: float = 0.0) -> np.ndarray:
    """Hip extension (degrees) from MediaPipe's world landmarks, in the body's plane.

    MediaPipe's world axes are the camera's (x right, y down, z depth), so dropping the depth — its
    noisiest coordinate for a supine body — leaves the view's foreshortening in the x–y plane, as in the
    image: the same :func:`_plane_hip_extension` undoes it (left/right midpoints, shear of the floor line,
    the long axis stretched by 1/cos of the yaw). World landmarks are metric, so the perspective of a near
    camera does not bend the angle. Against the plain x–y angle, per rep top (rendered training clips / dev
    renders): rms about the mean 3.18 → 3.20° / 5.37 → 4.35°, spread of the per-view means 6.0 → 4.5° /
    12.1 → 7.1°; from the feet end at 45° +5.1 → +4.0° / −1.7 ± 6.5 → +3.5 ± 4.7°.

    Parameters
    ----------
    world : ndarray of shape (T, 33, 4)
        World landmarks (metres; x, y, z, visibility), NaN allowed.
    yaw_deg : float
        Camera yaw from side-on (:func:`_world_yaw_deg`), degrees.
    pitch_deg : float, default 0
        Tilt of the world floor (:func:`_world_pitch_deg`), degrees.

    Returns
    -------
    ndarray of shape (T,)
        + = hip above the shoulder–knee line.
    """
    W = np.asarray(world, float)[:, :, :2] * np.array([1.0, -1.0])  # y up
    return _plane_hip_extension(W, yaw_deg, pitch_deg)


def _roll_hip_lift(hip_y: np.ndarray, foot_y: np.ndarray, scale: float, t: np.ndarray, fps: float) -> np.ndarray:
    """Upper back roll: the hips' rise (cm of a standard body) above their low level over the set.

    The feet stay flat on the floor through the roll, so their height is the floor reference. MediaPipe's
    foot points, though, ride up with the hips: regressed on the true per-sample lift (dev renders with a
    lift over 4 cm) the median of the six foot points rose by −0.14…+0.26 of it side-on and obliquely and by
    0.80 of it at 45° from the feet end, where the hip point alone followed it at 0.74–1.14 — so a lift read
    against the feet sample by sample came out 0.23–1.05 of the truth. The feet's level is taken instead as
    their running median over ``ROLL_FLOOR_WINDOW_S`` (longer than a rep, so a rep's drag does not pass,
    while the whole skeleton's slow shifts in MediaPipe's reading — up to 4 cm as the arms cross over the
    chest, training set 0000028 — and a body shuffled along the mat between reps still do).

    Parameters
    ----------
    hip_y, foot_y : ndarray of shape (T,)
        Image height (pixels, y up) of the hip point and of the feet's median point; NaN allowed.
    scale : float
        Pixels per cm of a standard body.
    t : ndarray of shape (T,)
        Sample times (s).
    fps : float
        Analysis rate (samples/s).

    Returns
    -------
    ndarray of shape (T,)
        cm above the set's 10th percentile of the hips' height over the feet's level.
    """
    from scipy.ndimage import median_filter

    hip = smooth(bridge_gaps(hip_y / scale, t), fps)
    foot = bridge_gaps(foot_y / scale, t)
    ok = np.isfinite(foot)
    if not ok.any():
        return np.full_like(hip, np.nan)
    n = max(1, int(round(ROLL_FLOOR_WINDOW_S * fps))) | 1
    level = median_filter(foot[ok], size=n, mode="nearest")
    floor = np.interp(np.arange(foot.size), np.flatnonzero(ok), level)
    hf = hip - floor
    base = np.nanpercentile(hf, 10) if np.isfinite(hf).any() else np.nan
    return hf - base


# ---------------------------------------------------------------------------------------- main
def compute_signals(track: PoseTrack, spec: ExerciseSpec | str | None = None) -> Signals:
    """Measure every per-sample signal of a set.

    Parameters
    ----------
    track : PoseTrack
        Image landmarks (T, 33, 4); NaN anywhere is allowed.
    spec : ExerciseSpec or str, optional
        The exercise (used for exercise-specific baselines); all signals are computed regardless.

    Returns
    -------
    Signals
        Signals in standard-body units (cm, degrees), quality traces and the body scale (px per cm).
    """
    if spec is not None:
        spec = get_exercise(spec)
    t = np.asarray(track.t, float)
    T = t.size
    img = np.asarray(track.image, float)
    detected = np.isfinite(img[:, :, 0]).any(axis=1) if T else np.zeros(0, bool)
    if T > 2:
        # a landmark missing for a moment (occlusion, a dropped frame) is bridged per point, so merged
        # midpoints and fallbacks do not jump; longer gaps stay NaN
        img = img.copy()
        for j in range(img.shape[1]):
            if np.isnan(img[:, j, 0]).any() and np.isfinite(img[:, j, 0]).sum() >= 2:
                for c in range(img.shape[2]):
                    img[:, j, c] = bridge_gaps(img[:, j, c], t)
    w, h = track.frame_size
    P = img[:, :, :2] * np.array([w, h], float)
    P[..., 1] = -P[..., 1]  # y up
    V = img[:, :, 3]
    dt = np.diff(t)
    dt = dt[np.isfinite(dt) & (dt > 0)]
    # the mean rate, not 1 / the median step: samples kept from a video alternate steps when the rates do
    # not divide (4 samples/s from 10 fps: 0.2, 0.3 s; 10 from 25 fps: 0.08, 0.12 s), and the median then
    # read 3.33 or 5 instead of 4 — every window in samples came out a fifth too short or long
    fps = float(1.0 / np.mean(dt)) if dt.size else float(track.fps or 10.0)

    pts: dict[str, np.ndarray] = {}
    vis: dict[str, np.ndarray] = {}
    for g, pair in _PAIRS.items():
        pts[g], vis[g] = _merge_pair(P, V, pair)
    nose = P[:, LM["nose"]]
    vis_nose = np.where(np.isfinite(nose[:, 0]), np.nan_to_num(V[:, LM["nose"]], nan=1.0), 0.0)
    head = _first_finite(pts["ears"], nose)
    vis["head"] = np.maximum(vis["ears"], vis_nose)
    foot = _first_finite(pts["ankles"], pts["heels"], pts["feet"])
    vis["ankles"] = np.maximum.reduce([vis["ankles"], vis["heels"] * 0.9, vis["feet"] * 0.9])
    sh, hip, knee = pts["shoulders"], pts["hips"], pts["knees"]

    # ---- body scale: px per cm of a standard body; each segment's length is a lower bound on the
    # scale (foreshortening only shrinks), the per-sample max of them is robust to one bad segment.
    with np.errstate(invalid="ignore"):
        est = np.stack(
            [
                _norm(sh - hip) / STANDARD_CM["torso"],
                _norm(hip - knee) / STANDARD_CM["thigh"],
                _norm(knee - pts["ankles"]) / STANDARD_CM["shin"],
            ],
            axis=1,
        )
    per = np.full(T, np.nan)
    ok = np.isfinite(est).any(axis=1)
    if ok.any():
        # median of the per-sample segments (not max: a single mislocated point would dominate)
        per[ok] = np.nanmedian(est[ok], axis=1)
    floor = MIN_SCALE_FRAC * float(np.hypot(w, h))
    scale = float(np.nanpercentile(per, 75)) if np.isfinite(per).any() else floor
    scale = max(scale, floor)

    # ---- geometry
    def offset_from_body_line(knee: np.ndarray, foot: np.ndarray) -> np.ndarray:
        # feet: if no ankle/heel/foot point, extrapolate from the knee: for straight legs the hip's offset from
        # the shoulder–knee line is ~0.75 of that from the shoulder–ankle line (hip at 37 %, knee at 70 % of the
        # body line), hence the 1/0.75 factor
        off_ankle = _offset_from_line(hip, sh, foot) / scale
        off_knee = _offset_from_line(hip, sh, knee) / scale / 0.75
        return np.where(np.isfinite(off_ankle), off_ankle, off_knee)

    hip_height = offset_from_body_line(knee, foot)  # (bridge)
    # the plank's legs: the one that goes on from the trunk where MediaPipe puts the other elsewhere
    knee_p, foot_p = _plank_legs(P, sh, hip, knee, foot, scale)
    hip_offset = offset_from_body_line(knee_p, foot_p)

    # forearm plank score
    # the body's tilt from the image horizontal or from the floor as the image shows it, whichever is less: a
    # phone leaning 10-25° tilts the whole picture (see :func:`_floor_angle_deg`), while seen 45° obliquely
    # the floor line and a sagging body tilt opposite ways by perspective (+10° and -20°), where the floor is
    # the worse reference
    body_angle = _line_angle_deg(sh, foot_p)
    tilt = np.fmin(np.abs(body_angle), np.abs(_fold_deg(body_angle - _floor_angle_deg(pts["elbows"], foot_p))))
    # knee angle on the floor side of the leg: below 180 where the knee bends toward the floor (kneeling),
    # above 180 where MediaPipe puts the knee above the hip–ankle line, off the floor (a straight leg cannot bend
    # that way: at 45° views it mislocates the knee of a piked plank by 30–50°, which read as the knees going down)
    knee_angle = _angle_deg(hip - knee, foot - knee)  # (bridge: both legs as MediaPipe placed them)
    knee_floor = _knee_floor_deg(hip, knee_p, foot_p, pts["elbows"], scale)
    # the elbows and toes are on the floor in a forearm plank: the elbow–foot line is the floor
    floor_line_off = _offset_from_line(sh, pts["elbows"], foot_p) / scale  # shoulder above elbow–foot line
    hip_floor = _offset_from_line(hip, pts["elbows"], foot_p) / scale  # hip above the floor line
    s_h = _sigmoid((35.0 - tilt) / 5.0)
    s_l = np.where(np.isfinite(knee_floor), _sigmoid((knee_floor - 140.0) / 8.0), 0.5)
    s_e = np.where(np.isfinite(floor_line_off), _sigmoid((floor_line_off - 12.0) / 4.0), 0.5)
    # a steep pike props the body on the hips as much as on the shoulders: see ``PIKE_PROPPED_CM``
    s_e = np.fmax(s_e, np.where(np.isfinite(hip_floor), _sigmoid((hip_floor - PIKE_PROPPED_CM) / 4.0), 0.0))
    plank_posture = s_h * s_l * s_e
    plank_posture[~np.isfinite(tilt)] = np.nan
    # hips off the floor: lying prone on the forearms puts the hip landmark 2–4 cm above the floor line
    # (synthetic bodies), MediaPipe reads it a few cm higher; a held plank is at 20–30 cm.
    s_f = np.where(np.isfinite(hip_floor), _sigmoid((hip_floor - HIP_OFF_FLOOR_CM) / 2.5), 0.5)
    in_plank = plank_posture * s_f

    # bridge
    # the image angle and the world-landmark angle (MediaPipe's 3-D model, depth dropped), both measured in
    # the body's own plane (the view's foreshortening and a raised camera's shear undone,
    # :func:`_plane_hip_extension`); their errors are weakly correlated, so a weighted mean is nearer the
    # truth than either (see ``BRIDGE_WORLD_WEIGHT``; less weight on the world angle obliquely,
    # :func:`_bridge_world_weight`). Without world landmarks the image angle alone,
    # unstretched (the yaw is read from the world hip line).
    yaw, pitch = _world_yaw_deg(track.world), _world_pitch_deg(track.world)
    hip_ext_img = _plane_hip_extension(P, yaw, pitch)
    hip_ext_world = bridge_gaps(_world_hip_extension(track.world, yaw, pitch), t) if track.world is not None \
        else np.full(T, np.nan)
    w_world = _bridge_world_weight(yaw)
    hip_ext = np.where(np.isfinite(hip_ext_world), w_world * hip_ext_world + (1.0 - w_world) * hip_ext_img,
                       hip_ext_img)

    # upper back roll: the hip's lift is read above the feet (``_roll_hip_lift``); the feet reference is the
    # median height of all six foot points (ankles, heels, toes) — single foot points wander most in MediaPipe's
    # output
    foot_ids = [LM[n] for n in ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index",
                                "right_foot_index")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        foot_y = np.nanmedian(P[:, foot_ids, 1], axis=1) if T else np.zeros(0)
    knee_above_hip = (knee[:, 1] - hip[:, 1]) / scale
    # the head's drop alone: from 45° toward the feet the hip→head line's horizontal leg shrinks to 0.7 of
    # its side-on length (43 against 57–72 cm, dev clips) while its vertical leg grows (41 against 12–35 cm),
    # and MediaPipe's head point wandering sideways by 15 px (arms crossed over the chest) moved the angle by
    # 5–7° within a 10–15° rep, splitting it; the head's height stayed smooth (dev clip 3100027)
    head_drop = (hip[:, 1] - head[:, 1]) / scale
    # extending the upper back over the roller drops the head toward the floor: the hip→head line
    # tilts down. Its angle below the horizontal measured 2.4–3.8× its noise on synthetic tracks with
    # MediaPipe-like noise, against 1.3–1.8× for the head-to-trunk bend angle (head points wander).
    v = head - hip
    thorax_ext = -np.degrees(np.arctan2(v[:, 1], np.abs(v[:, 0])))
    u = sh - hip
    w = head - sh
    delta = np.degrees((np.arctan2(w[:, 1], w[:, 0]) - np.arctan2(u[:, 1], u[:, 0]) + np.pi) % (2 * np.pi) - np.pi)
    head_bend = -delta * np.sign(u[:, 0])

    # locked rotation
    ls, rs = P[:, LM["left_shoulder"]], P[:, LM["right_shoulder"]]
    sep_up = (ls[:, 1] - rs[:, 1]) / scale
    thorax_rot = np.degrees(np.arcsin(np.clip(sep_up / STANDARD_CM["shoulder_width"], -1, 1)))

    # ---- quality
    key = [LM[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee",
                           "right_knee", "left_ankle", "right_ankle")]
    xy = img[:, key, :2]
    inside = np.all((xy >= -0.01) & (xy <= 1.01), axis=2) & np.isfinite(xy).all(axis=2)
    in_frame = inside.mean(axis=1) if T else np.zeros(0)
    in_frame[~detected] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        width = np.nanmean(
            np.stack([_norm(ls - rs) / scale / STANDARD_CM["shoulder_width"],
                      _norm(P[:, LM["left_hip"]] - P[:, LM["right_hip"]]) / scale / STANDARD_CM["hip_width"]],
                     axis=1), axis=1) if T else np.zeros(0)
    length = np.fmax(_norm(sh - hip) / scale / STANDARD_CM["torso"], 0.0)
    view_deg = np.degrees(np.arctan2(width, length))
    vis_l = np.nanmean(np.nan_to_num(V[:, _SIDE_LANDMARKS["left"]], nan=0.0), axis=1) if T else np.zeros(0)
    vis_r = np.nanmean(np.nan_to_num(V[:, _SIDE_LANDMARKS["right"]], nan=0.0), axis=1) if T else np.zeros(0)
    side = _choose_side(vis_l, vis_r, detected)

    raw = {
        "hip_offset_cm": hip_offset,
        "in_plank": in_plank,
        "plank_posture": plank_posture,
        "hip_floor_cm": hip_floor,
        "hip_height": hip_height,
        "hip_extension_deg": hip_ext,
        "hip_extension_img_deg": hip_ext_img,
        "hip_extension_world_deg": hip_ext_world,
        "knee_above_hip_cm": knee_above_hip,
        "head_drop_cm": head_drop,
        "thorax_extension": thorax_ext,
        "head_bend_deg": head_bend,
        "thorax_rotation": thorax_rot,
        "body_tilt_deg": tilt,
        "knee_angle_deg": knee_angle,
        "knee_floor_angle_deg": knee_floor,
        "knee_floor_more_bent_deg": _more_bent_leg_deg(P, hip, pts["elbows"], scale),
    }
    despiked = {"thorax_rotation": despike(thorax_rot, ROTATION_SPIKE_DEG)}
    values = {k: smooth(bridge_gaps(despiked.get(k, v), t), fps) for k, v in raw.items()}
    values["skeleton_jump_cm"] = _skeleton_jump(pts, scale)  # (plank; unsmoothed: a jump is the point)

    # baselines over the set (exercise-specific meaning, computed for all)
    values["hip_lift_cm"] = _roll_hip_lift(hip[:, 1], foot_y, scale, t, fps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        top_elbow = (np.fmax(P[:, LM["left_elbow"], 1], P[:, LM["right_elbow"], 1]) - knee[:, 1]) / scale
        top_wrist = (np.fmax(P[:, LM["left_wrist"], 1], P[:, LM["right_wrist"], 1]) - knee[:, 1]) / scale
    top_elbow = smooth(bridge_gaps(top_elbow, t), fps)
    nose_up = (_first_finite(nose, pts["ears"])[:, 1] - knee[:, 1]) / scale
    open_readings = {"wrist": smooth(bridge_gaps(top_wrist, t), fps), "elbow": top_elbow,
                     "head": smooth(bridge_gaps(nose_up, t), fps)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        hand_at_head = float(np.nanmedian(_hand_to_head_cm(P, head, scale))) < ROTATION_HAND_AT_HEAD_CM
    if hand_at_head:  # the arm readings show the hand being placed, not the thorax turning
        open_readings = {"head": open_readings["head"]}
    with np.errstate(invalid="ignore"):
        body_at_rest = _rotation_open(open_readings) <= ROTATION_AT_REST_PCT
    rest_rot = _rest_level(values["thorax_rotation"], fps, at_rest=body_at_rest)
    values["thorax_rotation"] = values["thorax_rotation"] - rest_rot
    rot = np.abs(values["thorax_rotation"])
    toward = trunk_to_camera(track.image, track.world, track.frame_size)
    values["hip_rise_cm"] = _hip_rise(smooth(bridge_gaps(_lift_hip_y(P, hip, toward) / scale, t), fps))
    values["thorax_rotation_abs"] = rot
    swaps = _shoulder_swaps(thorax_rot)
    values["shoulder_swap"] = swaps.astype(float)
    # the witness that the thorax stays turned through a dip: the working elbow up, or the head riding on
    # the thorax with the hand behind it
    witness, up_cm = (open_readings["head"], ROTATION_HEAD_UP_CM) if hand_at_head \
        else (top_elbow, ROTATION_ELBOW_UP_CM)
    values["thorax_rotation_size"] = _rotation_size(thorax_rot, rest_rot, t, fps, elbow=witness, up_cm=up_cm) \
        if swaps.sum() >= SWAP_MIN_COUNT else rot.copy()  # a stray swap changes nothing
    values["rotation_open"] = _rotation_open(dict(open_readings, shoulders=values["thorax_rotation_size"]))
    values["hand_at_head"] = np.full(T, float(hand_at_head))
    for g in ("wrist", "elbow"):
        values[f"{g}_lr_cm"] = smooth(bridge_gaps(
            (P[:, LM[f"left_{g}"], 1] - P[:, LM[f"right_{g}"], 1]) / scale, t), fps)

    quality = {f"vis_{g}": np.nan_to_num(vis[g], nan=0.0) for g in
               ("shoulders", "hips", "knees", "ankles", "elbows", "head")}
    quality["view_deg"] = smooth(bridge_gaps(view_deg, t), fps)
    quality["trunk_to_camera_deg"] = smooth(bridge_gaps(toward, t), fps)
    end_on = camera_end_on(track.world)
    quality["end_on_deg"] = smooth(bridge_gaps(end_on, t), fps) if end_on.shape == t.shape else np.full(T, np.nan)
    quality["in_frame"] = in_frame.astype(float)
    quality["detected"] = detected.astype(float)
    return Signals(t=t, values=values, side=side, quality=quality, body_scale=scale, raw=raw)
