"""Render the steep-pike dev set: planks piked past the generator's 30 cm ceiling (36-55 cm above the
shoulder-ankle line), side to 45°, through the real MediaPipe.

    python benchmarks/plank_steep.py OUT_DIR [--only N]
    repcheck evaluate OUT_DIR --exercise plank

Ten 6 s holds (seeds 2800001-10), each with its own ceiling (``repcheck.synth.motions.PLANK_PIKE_MAX_M``) at
severity 1; ~25 s per clip on one core. Measured 2026-11-24 (see ``tests/test_plank_steep_pike.py``): before
``features.PIKE_PROPPED_CM`` 5 of 10 holds not found, pike F1 0.53, per-moment accuracy 0.28; after, 10 of 10
found and judged piked, per-moment accuracy 0.83, starts within 0.5 s 7 of 10.
"""

from __future__ import annotations

from _plank_dev import dev_set_args, render_plank

import repcheck.synth.motions as motions

#: (seed, view, hip offset ceiling in m at severity 1).
STEEP_PIKES = [(2800001 + k, view, ceiling) for k, (view, ceiling) in enumerate(
    [("side", 0.42), ("oblique", 0.45), ("oblique45", 0.48), ("high", 0.42), ("other_side", 0.52),
     ("oblique", 0.52), ("oblique45", 0.40), ("side", 0.50), ("oblique45", 0.55), ("oblique", 0.38)])]


def main() -> None:
    args = dev_set_args(__doc__)
    for seed, view, ceiling in STEEP_PIKES[: args.only]:
        motions.PLANK_PIKE_MAX_M = ceiling
        path = render_plank(args.out, seed, view, fault="hips_pike", severity=1.0, seconds=6.0)
        print(f"{path}  {view}  pike ceiling {100 * ceiling:.0f} cm", flush=True)


if __name__ == "__main__":
    main()
