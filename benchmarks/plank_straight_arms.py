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

from _plank_dev import dev_set_args, render_variant_set

#: (view, fault, severity); seeds 3000001 on.
STRAIGHT_ARM_PLANKS = [
    ("side", None, 0.0), ("oblique", "hips_sag", 0.6), ("oblique45", "hips_pike", 0.7), ("high", None, 0.0),
    ("other_side", "hips_sag", 0.9), ("side", "hips_pike", 0.4), ("oblique45", None, 0.0),
    ("oblique", "hips_sag", 0.35), ("side", "hips_sag", 0.5), ("oblique", None, 0.0),
    ("other_side", "hips_pike", 1.0), ("oblique45", "hips_sag", 0.7)]


def main() -> None:
    render_variant_set(dev_set_args(__doc__), 3000001, STRAIGHT_ARM_PLANKS, arms="straight")


if __name__ == "__main__":
    main()
