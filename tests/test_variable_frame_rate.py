"""A phone recording at a variable frame rate: where the hold starts and ends is read in the time the frames were
shown, whatever the rate did.

Phones lower the frame rate when the light is dim or the phone is busy, and write each frame's time into the
file. OpenCV reports the average rate, so counting frames at that rate (``index / fps``) places a frame
recorded at the low rate too early, by up to seconds. The rendered sagging plank of ``test_pipeline`` is
re-encoded with only every third frame kept until a second before the hold ends (10 fps → 3.3 fps, then 10):
measured before the frames kept their own times, the hold came out at 1.64-5.65 s against the truth's
2.30-7.30 s, with one pose worker or two.
"""

from __future__ import annotations

import pytest
from conftest import analyse_rendered_plank, variable_rate


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2], ids=["one pose worker", "two (each seeks to its part)"])
def test_a_hold_recorded_at_a_dropping_frame_rate_is_bounded_in_the_time_it_happened(rendered_clip, tmp_path,
                                                                                      workers):
    path, truth, _ = rendered_clip("plank", "hips_sag", 0.7, seed=7002, seconds=5)
    (hold,) = truth["segments"]
    slow_until = hold["end_s"] - 1.0
    vfr = variable_rate(path, tmp_path / "dropping.mp4", rf"gte(t\,{slow_until:.2f})+not(mod(n\,3))")
    seg, _ = analyse_rendered_plank(vfr, tmp_path, 0.5, truth=truth, workers=workers)
    assert seg.fault("hips_sag").verdict == "fault"
