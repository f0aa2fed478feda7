"""A plank piked steeply — hips 45-50 cm above the shoulder-ankle line, a hip angle near 100°, the way "hips
too high" is shown when it is exaggerated — rendered and read through the real MediaPipe.

The generator's steepest pike is 30 cm (``repcheck.synth.motions.PLANK_PIKE_MAX_M``); these clips raise it. In a
pike that steep the upper arms swing back and MediaPipe puts the shoulders 13-23 cm above the elbow-toe floor
line instead of ~35, which the plank posture read as "not propped on the forearms": on a dev set of 10 rendered
steep pikes (36-50 cm, side to 45°, seeds 2800001-10) 5 holds were not found at all and the pike's per-moment
accuracy was 0.28. Hips that high above the floor line now count as propped (``features.PIKE_PROPPED_CM``): every
hold found and judged piked, per-moment accuracy 0.83 (the rest: three oblique clips where MediaPipe read the
body tilted 30-45° for 2-3 s of the rise, which starts the hold late).
"""

from __future__ import annotations

import pytest
from conftest import analyse_rendered_plank

import repcheck.synth.motions as motions

#: (seed, view, hip offset ceiling in m): dev clips 2800008 and 2800005, whose holds were not found before.
STEEP_PIKES = [(2800008, "side", 0.50), (2800005, "other_side", 0.52)]


@pytest.mark.slow
@pytest.mark.parametrize("seed,view,ceiling", STEEP_PIKES, ids=[f"{v}-{c:.2f}m" for _, v, c in STEEP_PIKES])
def test_a_steep_pike_is_one_hold_judged_piked(tmp_path, monkeypatch, seed, view, ceiling):
    from repcheck.synth.clip import render_clip

    monkeypatch.setattr(motions, "PLANK_PIKE_MAX_M", ceiling)
    path = render_clip("plank", fault="hips_pike", severity=1.0, seconds=6.0, seed=seed, view=view,
                       size=(480, 270), fps=10, out=tmp_path / f"steep-{seed}.mp4")
    hold, gt = analyse_rendered_plank(path, tmp_path, within_s=1.0)
    assert gt["faults"]["hips_pike"]["value"] > 40.0  # (steeper than any training pike)
    assert hold.fault("hips_pike").verdict == "fault"
    assert hold.fault("hips_sag").verdict == "ok"
