"""A glute bridge whose rest MediaPipe misreads: the rep's evidence leaves out the misread samples.

Found in the held-out set (``h-glute_bridge-0700022``, filmed 45° from the side; so this clip is no longer
blind): lying between reps, MediaPipe folds the hips to −100…−125° (the body is lost), and the last rep starts
in that stretch. The judge read a 115° "rise" into the rep and called a bridge that stopped 10° short of the
straight line an arch (p 0.68). Samples whose hips read folded past lying (``repcheck.segment.folded_hips``)
now count as missing in the rep's features, as they already did in the rep search.
"""

from __future__ import annotations

import pytest

from repcheck import analyze

pytestmark = pytest.mark.slow


#: Rendered again from its build plan (``--seed 7 --body-seed 9000 --scale 0.35``) by ``conftest.heldout_clip``.
HELDOUT_CLIP = "glute_bridge-0700022"


def test_a_rep_starting_in_a_misread_is_judged_on_what_was_seen(heldout_clip, tmp_path):
    path, truth = heldout_clip
    report = analyze(path, exercise="glute_bridge", cache_dir=tmp_path)
    assert len(report.segments) == len(truth["segments"]) == 3
    last = report.segments[-1]
    true_top = truth["segments"][-1]["faults"]["lower_back_arch"]["value"]
    assert true_top < 0  # short of the straight line: no arch
    arch = last.fault("lower_back_arch")
    assert arch.verdict == "ok", (arch.probability, arch.evidence)
    assert arch.evidence["value"] < 10.0
    # the two reps that stopped 35° short are called short, and none of the three an arch
    assert [s.fault("lower_back_arch").verdict for s in report.segments] == ["ok", "ok", "ok"]
    assert [s.fault("incomplete_extension").verdict for s in report.segments[:2]] == ["fault", "fault"]
