"""A plank MediaPipe reads head to feet from the middle of the hold on.

Found in the held-out set (``h-plank-0900001``, rebuilt 2026-11-25; so this clip is no longer blind): a correct
plank filmed 47° off side-on from the head's end. From 6.8 s on MediaPipe put the head where the feet are and the
feet among the hands, sure of every landmark, and its tracker kept that to the end: the hold was judged a 29.5 cm
pike (probability 1.0) and ran 1.4 s past its end. Those samples are now read again on the frame turned a quarter
turn (``repcheck.pose.mend_misread``), which MediaPipe reads the right way round.
"""

from __future__ import annotations

import numpy as np
import pytest

from repcheck import analyze
from repcheck.pose import head_to_feet_reversed

pytestmark = pytest.mark.slow


#: Rendered again from its build plan (``--seed 9 --body-seed 9000``, side to 45°) by ``conftest.heldout_clip``.
HELDOUT_CLIP = "plank-0900001"


def test_a_plank_read_head_to_feet_mid_hold_is_one_correct_hold(heldout_clip, tmp_path):
    path, truth = heldout_clip
    report = analyze(path, exercise="plank", cache_dir=tmp_path)
    track = report.track
    assert track.source.get("mended", 0) >= 15
    assert not head_to_feet_reversed(track.image, track.frame_size).any()

    (gt,) = truth["segments"]
    (hold,) = report.segments
    assert hold.start_s == pytest.approx(gt["start_s"], abs=0.5)
    assert hold.end_s == pytest.approx(gt["end_s"], abs=0.5)
    for fault in ("hips_sag", "hips_pike"):
        assert hold.fault(fault).verdict == "ok", hold.fault(fault)
    # every moment of the hold reads as a correct plank, the swapped second half too
    t = np.asarray(report.timeline["t"])
    inside = (t >= gt["start_s"] + 0.5) & (t <= gt["end_s"] - 0.5)
    pike = np.asarray(report.timeline["hips_pike"], float)[inside]
    assert np.nanmax(pike) < 0.5, pike
