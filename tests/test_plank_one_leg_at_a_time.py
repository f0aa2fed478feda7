"""A plank got into from kneeling one leg at a time — one leg stepped back straight, then the other — as many
people do, rendered and read through the real MediaPipe. The training renders lift both knees together.

On a dev set of 12 such renders (``benchmarks/plank_one_leg_at_a_time.py``, seeds 3200001-12, side to 45°) every
verdict was right, but 3 holds started 1.1-1.5 s early: with the camera on the side of the first leg the knee
reading, weighted toward the near leg, read straight legs while the far knee was still on the floor. The hold now
starts once the more bent leg is straight too (``holds._second_leg_straight``): every start within 0.5 s.
"""

from __future__ import annotations

import pytest
from conftest import analyse_rendered_plank, render_plank_variant


@pytest.mark.slow
def test_a_plank_got_into_one_leg_at_a_time_starts_when_both_legs_are_straight(tmp_path, monkeypatch):
    """Dev clip 3200009: a sag filmed 45° from the head end, the near leg stepped back first (before: the hold
    started 1.3 s early, with the far knee on the floor)."""
    path = render_plank_variant(tmp_path, monkeypatch, fault="hips_sag", severity=0.7, seed=3200009, view="oblique45",
                                legs="one_at_a_time")
    hold, _truth = analyse_rendered_plank(path, tmp_path, within_s=0.5)
    assert hold.fault("hips_sag").verdict == "fault"
    assert hold.fault("hips_pike").verdict == "ok"
