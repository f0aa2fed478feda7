"""Lumbar locked rotation done with the free hand behind the head: rep bounds within 0.5 s (issue #3).

With the hand behind the head ``rotation_open`` reads the nose and the shoulder line only
(``features.ROTATION_HAND_AT_HEAD_CM``). Those leave rest with the thorax's turn, unlike the hanging arm of
the reaching variant the rotation's bound constants were set on, and with those constants the ends came
0.25 s late on average (8 rendered dev sets: 5 ends more than 0.5 s late). The set is read as hand-at-head
(``hand_at_head``) and its bounds use the eased turn's own terms
(``segment.reps.ROTATION_HAND_AT_HEAD_EXTRAP`` / ``ROTATION_HAND_AT_HEAD_LAG``). In seed 2500046's second rep
MediaPipe mirrors the upper body for a moment at the top of the turn and the reading drops to half the rep's
height; on a fresh install (2026-11-25) that made two reps of it, and it is one rep again by
``segment.reps.ROTATION_TOP_SHARE``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest

import repcheck.synth.motions as motions
from repcheck.features import compute_signals
from repcheck.pipeline import analyze_track
from repcheck.pose import PoseSettings, extract_pose

#: (seed, view) of two correct sets (4 reps): one of the dev sets the constants were chosen on (dev-rotbh) and one
#: rendered afterwards to confirm them (bounds measured through this test's rendering: see the test).
SETS = [(2500046, "other_side"), (2900003, "side")]


#: Hips lifting off the heels in reps 2 and 4 (the dev renders' pattern).
HIPS_MOVE = (0.0, 0.8, 0.0, 0.6)


@functools.lru_cache(maxsize=4)
def _render(seed: int, view: str, root: str, severity: tuple[float, ...] | None = None) -> tuple[dict, object]:
    from repcheck.synth.clip import render_clip

    make = motions.make_motion
    motions.make_motion = functools.partial(make, arms="behind_head")
    try:
        path = render_clip("lumbar_locked_rotation", fault="hips_move" if severity else None,
                           severity=list(severity) if severity else 0.0, reps=4, seed=seed, view=view,
                           size=(480, 270), fps=10, out=Path(root) / f"bh-{seed}.mp4")
    finally:
        motions.make_motion = make
    truth = json.loads(Path(path).with_suffix(".json").read_text())
    track = extract_pose(path, settings=PoseSettings(sample_fps=None, workers=1))
    return truth, track


@pytest.fixture(scope="module")
def render_root(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("hand-behind-head"))


@pytest.mark.slow
@pytest.mark.parametrize("seed,view", SETS, ids=[f"{v}-{s}" for s, v in SETS])
def test_hand_behind_head_rep_bounds_within_half_a_second(render_root, seed, view):
    """Four reps found, every start and end within 0.5 s of the truth.

    Measured (this rendering, start / end errors in s): 2500046 with the reaching arm's constants
    −0.09/+0.58, +0.31/+0.65, +0.24/+0.35, +0.27/+0.38; now +0.18/+0.35, +0.31/+0.38, +0.24/+0.23,
    +0.07/+0.18. 2900003: +0.14/+0.57, +0.22/−0.16, +0.02/+0.05, −0.71/+0.14; now +0.27/−0.22, +0.18/−0.29,
    +0.26/−0.08, −0.38/−0.10.
    """
    truth, track = _render(seed, view, render_root)
    assert truth["params"]["motion"]["arms"] == "behind_head"
    sig = compute_signals(track, "lumbar_locked_rotation")
    assert sig.values["hand_at_head"][0] == 1.0
    r = analyze_track(track, "lumbar_locked_rotation")
    gt = truth["segments"]
    found = [(round(s.start_s, 2), round(s.end_s, 2)) for s in r.segments]
    true = [(g["start_s"], g["end_s"]) for g in gt]
    assert len(r.segments) == len(gt) == 4, (found, true)
    starts = np.array([s.start_s - g["start_s"] for s, g in zip(r.segments, gt, strict=True)])
    ends = np.array([s.end_s - g["end_s"] for s, g in zip(r.segments, gt, strict=True)])
    assert np.all(np.abs(starts) <= 0.5) and np.all(np.abs(ends) <= 0.5), (starts.round(2), ends.round(2))


@pytest.mark.slow
def test_hand_behind_head_held_rep_is_one_rep(render_root):
    """A rep held turned while MediaPipe stacks the shoulders (the shoulder line reads 10-35 % of a rep for a
    second near the top, the nose stays ~20 cm up) is one rep, not two: the nose witnesses the thorax staying
    turned (``features.ROTATION_HEAD_UP_CM``). Measured (this rendering): 5 reps found with the elbow as the
    witness (the second split at 9.0 s), 4 now, each holding its true rep's middle.
    """
    truth, track = _render(2900006, "side", render_root, HIPS_MOVE)
    r = analyze_track(track, "lumbar_locked_rotation")
    gt = truth["segments"]
    found = [(round(s.start_s, 2), round(s.end_s, 2)) for s in r.segments]
    assert len(r.segments) == len(gt) == 4, found
    for s, g in zip(r.segments, gt, strict=True):
        assert s.start_s < 0.5 * (g["start_s"] + g["end_s"]) < s.end_s, found
