"""A plank filmed by a phone that is not level — propped against a shoe or a bottle and leaning 12-22° — rendered
and read through the real MediaPipe. The training renders roll the camera by ±5° at most.

The plank posture's "body near horizontal" term read the image's horizontal as the floor, so a leaning phone
tilted every body line by its roll: on a dev set of 8 rendered rolled planks (seeds 2900001-8, side to 45°)
one hold (piked, 30° oblique, rolled 20°) was not found; on fast-path planks rolled 15° 3 of 24 holds were lost,
rolled 25° 14 of 24. The tilt is now also read against the floor as the image shows it (the elbow–toe line,
``features._floor_angle_deg``): all 8 rendered and 48 fast-path holds found, every verdict right.
"""

from __future__ import annotations

import pytest
from conftest import analyse_rendered_plank

import repcheck.synth.clip as clip
from repcheck.synth.camera import Camera


@pytest.mark.slow
def test_a_plank_filmed_by_a_leaning_phone_is_found_and_judged(tmp_path, monkeypatch):
    """Dev clip 2900003: piked ~20 cm, filmed 30° obliquely by a phone rolled 20°."""
    drawn = clip.sample_camera

    def leaning(*args, **kwargs):
        cam, info = drawn(*args, **kwargs)
        return Camera(cam.position, cam.target, cam.width, cam.height, cam.hfov_deg, 20.0), dict(info, roll_deg=20.0)

    monkeypatch.setattr(clip, "sample_camera", leaning)
    path = clip.render_clip("plank", fault="hips_pike", severity=0.6, seconds=6.0, seed=2900003, view="oblique",
                            size=(480, 270), fps=10, out=tmp_path / "leaning.mp4")
    hold, gt = analyse_rendered_plank(path, tmp_path, within_s=0.5)
    assert hold.fault("hips_pike").verdict == "fault"
    assert hold.fault("hips_sag").verdict == "ok"
