"""Getting into a locked rotation is not a rep.

Found in the held-out set (``h-lumbar_locked_rotation-1000024``, so this clip is no longer blind): sitting up on
the heels with the hands on the thighs before the first rep read 65-100 % open, then fell to rest like the end of
a rep, and the set was counted five reps instead of four. A rep now has to rise from rest
(``repcheck.segment.reps.ROTATION_START_SHARE``).
"""

from __future__ import annotations

import pytest

from repcheck import analyze

pytestmark = pytest.mark.slow


#: Rendered again from its build plan (``--seed 10 --body-seed 9000 --scale 0.5``) by ``conftest.heldout_clip``.
HELDOUT_CLIP = "lumbar_locked_rotation-1000024"


def test_sitting_up_into_position_is_not_counted(heldout_clip, tmp_path):
    path, truth = heldout_clip
    report = analyze(path, exercise="lumbar_locked_rotation", cache_dir=tmp_path)
    reps = [s for s in report.segments if s.kind == "rep"]
    assert len(reps) == len(truth["segments"]) == 4
    first = truth["segments"][0]
    assert abs(reps[0].start_s - first["start_s"]) <= 0.5
    assert abs(reps[0].end_s - first["end_s"]) <= 0.5
    assert [r.side for r in reps] == [s["side"] for s in truth["segments"]]
