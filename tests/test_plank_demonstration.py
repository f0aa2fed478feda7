"""A plank hold that changes shape inside the hold — in position, piked, back, sagging deeply, back — as a trainer
shows the faults or a tiring client corrects them, rendered and read through the real MediaPipe. Every training
render holds one shape, and the product is judged on each moment of a hold.

Seen from 45°, MediaPipe misplaces the elbows and feet of a plank sagging 15-20 cm, and reads its straight legs
12-20° bent: on a dev set of 8 such holds with deep sags (``benchmarks/plank_demonstration.py --deep``) both 45°
ones split into two holds at the sag, the sag itself not judged (per-moment sag accuracy 0.93). A gap in a hold
with the hips off the line and the legs never bent as deep as kneeling, shorter than ``HOLD_SAG_DIP_MAX_S``, is
now the hold going on (``holds._through_sag_dips``; the shallow bend in ``holds._straight_leg_pieces``): every
hold whole, per-moment accuracy 0.98 (sag) and 0.97 (pike).
"""

from __future__ import annotations

import functools

import pytest

import repcheck.synth.motions as motions
from repcheck import analyze
from repcheck.pose import PoseSettings
from repcheck.synth.clip import render_clip
from repcheck.training.evaluate import evaluate_folder


@pytest.mark.slow
def test_a_deep_sag_shown_inside_a_hold_is_judged_moment_by_moment(tmp_path, monkeypatch):
    """Dev clip 3100208: 45° from the head end, piked ~26 cm for 5 s, back, sagging ~16 cm for 5 s, back."""

    def demonstration(exercise, *, rng, body=None, **_ignored):
        return motions.plank_demonstration(rng=rng, sag=0.9061, pike=0.8226, sag_first=False, body=body)

    monkeypatch.setattr(motions, "make_motion", demonstration)
    clips = tmp_path / "clips"
    path = render_clip("plank", seed=3100208, view="oblique45", size=(480, 270), fps=10,
                       out=clips / "h-plank-3100208.mp4")
    assert path.exists()
    one_worker = functools.partial(analyze, cache_dir=tmp_path / "cache", settings=PoseSettings(workers=1))
    result = evaluate_folder(clips, exercise="plank", analyze=one_worker, log=None)

    assert result["rep_count"]["exact"] == 1  # one hold, not split at the sag
    (bounds,) = [b for b in result["boundary_errors"] if b["kind"] == "hold"]
    assert abs(bounds["start_err_s"]) < 0.5 and abs(bounds["end_err_s"]) < 0.5, bounds
    for fault in ("hips_sag", "hips_pike"):
        assert result["faults"][f"plank.{fault}"]["confusion"]["fault"]["fault"] == 1
        moments = result["samples"][f"plank.{fault}"]
        assert moments["missed"] == 0 and moments["accuracy"] >= 0.9, (fault, moments)
