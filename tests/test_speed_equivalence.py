"""The fast default settings judge like the slow full-rate analysis.

Default ``PoseSettings`` analyse 10 samples per second on frames resized to 640 px; "full rate" runs
MediaPipe on every frame at its original size (the naive loop the benchmark compares against). On the
same footage both must give

* the same segments with the same verdict for every fault (``repcheck.pipeline.analyze_track``), and
* hold boundaries within ``BOUNDARY_TOL_S`` = 0.25 s: a 10 fps sample grid can move a boundary by up
  to one sample spacing (0.1 s), plus up to 0.15 s from the smoother's response to the coarser grid;
* fault probabilities within ``PROB_TOL`` = 0.15 (the verdict is what must not change; the probability
  may move a little with the sample grid);
* torso landmarks (shoulders, hips) at the sampled times within ``LANDMARK_TOL`` = 0.01 of the frame
  size on average (≈ 13 px on 720p): checked on the real rotation clip, where the body moves fastest.

Rep exercises are checked at the landmark level only: on synthetic ``upper_back_roll`` clips the rep
driver signal currently moves ~2° per rep, so the segmenter's choice flips on noise at any rate (reported
to ANALYSIS); that is not a property of the sampling.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from repcheck.landmarks import LM
from repcheck.pose import PoseSettings, extract_pose

pipeline = pytest.importorskip("repcheck.pipeline", reason="repcheck.pipeline.analyze_track not written yet")

REAL = Path(__file__).resolve().parents[2] / "shared/data/real"
BOUNDARY_TOL_S = 0.25
PROB_TOL = 0.15
LANDMARK_TOL = 0.01
TORSO = [LM["left_shoulder"], LM["right_shoulder"], LM["left_hip"], LM["right_hip"]]

FAST = PoseSettings(workers=1)  # the defaults, in-process (short clips run in-process anyway)
FULL = PoseSettings(workers=1, sample_fps=None, max_side=None)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("equiv-cache")


def _real(name: str) -> Path:
    p = REAL / name
    if not p.exists():
        pytest.skip(f"real clip {name} not present in {REAL}")
    return p


def _assert_same_judgement(fast_report, full_report) -> None:
    fast, full = fast_report.segments, full_report.segments
    assert [s.kind for s in fast] == [s.kind for s in full]
    for a, b in zip(fast, full, strict=True):
        assert a.start_s == pytest.approx(b.start_s, abs=BOUNDARY_TOL_S)
        assert a.end_s == pytest.approx(b.end_s, abs=BOUNDARY_TOL_S)
        fa = {f.id: f for f in a.faults}
        fb = {f.id: f for f in b.faults}
        assert fa.keys() == fb.keys()
        for fid in fa:
            assert fa[fid].verdict == fb[fid].verdict, fid
            assert fa[fid].probability == pytest.approx(fb[fid].probability, abs=PROB_TOL), fid


def _torso_gap(fast, full) -> float:
    """Mean |difference| of torso landmarks (x, y normalised) at the fast track's sample times."""
    idx = np.searchsorted(full.t, fast.t - 1e-9)
    assert np.allclose(full.t[idx], fast.t)
    return float(np.nanmean(np.abs(fast.image[:, TORSO, :2] - full.image[idx][:, TORSO, :2])))


@pytest.mark.slow
@pytest.mark.parametrize("clip", ["plank_correct_001.mp4", "plank_correct_007.mp4"])
def test_real_plank_same_verdicts_and_hold_boundaries(clip, cache):
    path = _real(clip)
    fast = extract_pose(path, settings=FAST, cache_dir=cache)
    full = extract_pose(path, settings=FULL, cache_dir=cache)
    assert full.n_frames > 2.5 * fast.n_frames  # the fast path really analysed fewer frames
    _assert_same_judgement(pipeline.analyze_track(fast, "plank"), pipeline.analyze_track(full, "plank"))
    assert _torso_gap(fast, full) < LANDMARK_TOL


@pytest.mark.slow
def test_real_rotation_movement_landmarks_match(cache):
    """Seated trunk rotations: the fastest-moving real footage we have."""
    path = _real("russiantwist_correct_001.mp4")
    fast = extract_pose(path, settings=FAST, cache_dir=cache)
    full = extract_pose(path, settings=FULL, cache_dir=cache)
    assert fast.detected().mean() >= 0.95 and full.detected().mean() >= 0.95
    assert _torso_gap(fast, full) < LANDMARK_TOL


@pytest.fixture(scope="module")
def synthetic_sag_clip(tmp_path_factory) -> Path:
    clip = pytest.importorskip("repcheck.synth.clip", reason="synthetic clip renderer not available")
    out = tmp_path_factory.mktemp("equiv-synth") / "plank_sag.mp4"
    # 20 fps so that "full rate" is twice the default sample rate; small and short to keep this cheap
    return clip.render_clip(
        "plank", fault="hips_sag", severity=0.8, seconds=4, seed=3, fps=20, size=(480, 270), out=out
    )


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="known (issue #3): on a deep sag (severity 0.8) the hold start — the "
                   "extrapolated end of getting up while the sag ramps in — moves 0.35 s between 10 and 20 fps "
                   "(4.0 vs 3.65 s); verdicts agree")
def test_synthetic_sagging_plank_same_verdicts(synthetic_sag_clip, cache):
    fast = extract_pose(synthetic_sag_clip, settings=FAST, cache_dir=cache)
    full = extract_pose(synthetic_sag_clip, settings=FULL, cache_dir=cache)
    rf, rfull = pipeline.analyze_track(fast, "plank"), pipeline.analyze_track(full, "plank")
    _assert_same_judgement(rf, rfull)
    assert _torso_gap(fast, full) < LANDMARK_TOL
