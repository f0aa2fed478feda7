"""Someone walks past the phone in the middle of a plank: for a moment MediaPipe sees nobody.

The frames of a rendered sagging plank (the one of ``test_pipeline``, hold 2.3-7.3 s) are replaced by a plain grey
for 1 s in the middle of the hold, so that no person is found there. Before the hold went on through such a
stretch, the plank came out as one 2.3 s hold after the gap (the 1.7 s before it was under the shortest hold),
its start 2.7 s late.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from conftest import analyse_rendered_plank, rewrite_video

from repcheck import analyze
from repcheck.video import probe


def _grey_out(src: Path, out: Path, start_s: float, end_s: float) -> Path:
    """``src`` again with the frames shown from ``start_s`` to ``end_s`` a plain grey (nobody in them)."""
    fps = probe(src).fps
    shown = itertools.count()

    def grey(frame: np.ndarray) -> np.ndarray:
        if start_s <= next(shown) / fps < end_s:
            frame[:] = 110
        return frame

    return rewrite_video(src, out, grey)


@pytest.mark.slow
def test_a_hold_goes_on_through_a_second_where_nobody_is_seen(rendered_clip, tmp_path):
    path, truth, _ = rendered_clip("plank", "hips_sag", 0.7, seed=7002, seconds=5)
    (hold,) = truth["segments"]
    gap = (hold["start_s"] + 1.7, hold["start_s"] + 2.7)
    clip = _grey_out(path, tmp_path / "walked_past.mp4", *gap)
    seg, _ = analyse_rendered_plank(clip, tmp_path, 0.5, truth=truth)
    assert seg.fault("hips_sag").verdict == "fault"
    report = analyze(clip, exercise="plank", cache_dir=tmp_path / "cache")  # (the pose from the cache)
    # the moments nobody was seen have no verdict (the strip shows them grey), the others do
    t, sag = np.asarray(report.timeline["t"]), np.asarray(report.timeline["hips_sag"], float)
    hidden = (t > gap[0] + 0.2) & (t < gap[1] - 0.2)
    assert hidden.any() and np.isnan(sag[hidden]).all()
    seen = (t >= seg.start_s + 0.5) & (t <= seg.end_s - 0.5) & ((t < gap[0]) | (t > gap[1] + 0.3))
    assert (sag[seen] > 0.5).all()
