"""Render the one-leg-at-a-time dev set: planks got into from kneeling by stepping one leg back straight, then
the other, and left one knee, then the other, as many people do (the training renders lift and lower both knees
together), correct, sagging and piked, side to 45°, through the real MediaPipe.

    python benchmarks/plank_one_leg_at_a_time.py OUT_DIR [--only N]
    repcheck evaluate OUT_DIR --exercise plank

Twelve 10 s holds (seeds 3200001-12); ~8 s per clip. The hold starts once both legs are straight and ends when the
first knee starts down.
"""

from __future__ import annotations

from _plank_dev import dev_set_args, render_variant_set

#: (view, fault, severity); seeds 3200001 on.
ONE_LEG_AT_A_TIME_PLANKS = [
    ("side", None, 0.0), ("oblique", "hips_sag", 0.6), ("oblique45", "hips_pike", 0.7), ("other_side", None, 0.0),
    ("side", "hips_sag", 0.9), ("oblique45", None, 0.0), ("oblique", "hips_pike", 0.5), ("other_side", "hips_sag", 0.4),
    ("oblique45", "hips_sag", 0.7), ("side", "hips_pike", 0.9), ("oblique", None, 0.0), ("high", "hips_sag", 0.5)]


def main() -> None:
    render_variant_set(dev_set_args(__doc__), 3200001, ONE_LEG_AT_A_TIME_PLANKS, legs="one_at_a_time")


if __name__ == "__main__":
    main()
