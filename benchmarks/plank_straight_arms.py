"""Render the straight-arm dev set: planks held on the hands, arms straight (a "high plank"), correct, sagging
and piked, side to 45°, through the real MediaPipe. The routine's plank and the training renders are on the
forearms; clients and public footage often hold it on their hands.

    python benchmarks/plank_straight_arms.py OUT_DIR [--only N]
    repcheck evaluate OUT_DIR --exercise plank

Twelve 10 s holds (seeds 3000001-12) getting in from kneeling; ~8 s per clip. Measured 2026-11-24 (see
``tests/test_plank_straight_arms.py``): before ``features._plank_legs`` 11 of 12 verdicts right, one sag read as
two `ok` holds (sag F1 0.80, per-moment sag accuracy 0.90); after, every hold found within 0.5 s and every verdict
right, per-moment accuracy sag 0.975, pike 0.996.
"""

from __future__ import annotations

import argparse
import functools
import os
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import repcheck.synth.motions as motions  # noqa: E402
from repcheck.pose import extract_pose  # noqa: E402
from repcheck.synth.clip import render_clip  # noqa: E402

#: (view, fault, severity); seeds 3000001 on.
STRAIGHT_ARM_PLANKS = [
    ("side", None, 0.0), ("oblique", "hips_sag", 0.6), ("oblique45", "hips_pike", 0.7), ("high", None, 0.0),
    ("other_side", "hips_sag", 0.9), ("side", "hips_pike", 0.4), ("oblique45", None, 0.0),
    ("oblique", "hips_sag", 0.35), ("side", "hips_sag", 0.5), ("oblique", None, 0.0),
    ("other_side", "hips_pike", 1.0), ("oblique45", "hips_sag", 0.7)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for the clips (CLIP.mp4 + CLIP.json)")
    ap.add_argument("--only", type=int, default=None, help="render the first N clips only")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    motions.make_motion = functools.partial(motions.make_motion, arms="straight")
    for k, (view, fault, severity) in enumerate(STRAIGHT_ARM_PLANKS[: args.only]):
        seed = 3000001 + k
        path = render_clip("plank", fault=fault, severity=severity, seconds=10.0, seed=seed, view=view,
                           size=(480, 270), fps=10, out=args.out / f"h-plank-{seed}.mp4")
        extract_pose(path, exercise="plank")  # (fills the pose cache for ``repcheck evaluate``)
        print(f"{path}  {view}  {fault or 'correct'} {severity:.2f}", flush=True)


if __name__ == "__main__":
    main()
