"""Render the demonstration dev set: plank holds that change shape inside the hold (in position, a sag, back in
position, a pike, back — or the pike first), as trainers show the faults or tiring clients correct them, side to
45°, through the real MediaPipe. Every training render holds one shape.

    python benchmarks/plank_demonstration.py OUT_DIR [--only N] [--deep] [--arms straight]
    repcheck evaluate OUT_DIR --exercise plank

Eight 24 s holds (``repcheck.synth.motions.plank_demonstration``; seeds 3100001-8, ``--deep`` 3100201-8 with sags
of 0.8-1.0 severity, 15-20 cm; ``--arms straight`` adds 100); ~15 s per clip. Measured 2026-11-24 (see
``tests/test_plank_demonstration.py``): before ``holds._through_sag_dips`` and the sag dip in
``holds._straight_leg_pieces``, 3 of the 4 seen from 45° split into 2-3 holds at the sag or the pike, the sag not
judged at all (per-moment accuracy sag 0.93-0.94, pike 0.91-0.95 on the two forearm sets); after (and with a
drop of exactly ``holds.HOLD_MERGE_GAP_S`` merged), every hold whole, per-moment accuracy 0.97-0.98; the
straight-arm set 0.99 before and after.
"""

from __future__ import annotations

import functools

import numpy as np
from _plank_dev import dev_set_args, render_plank

import repcheck.synth.motions as motions

VIEWS = ["side", "oblique", "oblique45", "other_side", "high", "oblique", "side", "oblique45"]


def demonstration(exercise: str, *, rng: np.random.Generator, sag: float, pike: float, sag_first: bool,
                  arms: str, body: motions.BodyShape | None = None, **_ignored: object) -> motions.Motion:
    """``make_motion``'s signature for :func:`render_clip`: the demonstration plank of ``rng`` and ``body``."""
    return motions.plank_demonstration(rng=rng, sag=sag, pike=pike, sag_first=sag_first, arms=arms, body=body)


def main() -> None:
    def more(ap):
        ap.add_argument("--deep", action="store_true", help="sags of severity 0.8-1.0 (else 0.45-0.9)")
        ap.add_argument("--arms", default="forearms", choices=("forearms", "straight"))

    args = dev_set_args(__doc__, more)
    seed0 = (3100201 if args.deep else 3100001) + (100 if args.arms == "straight" else 0)
    for k, view in enumerate(VIEWS[: args.only]):
        seed = seed0 + k
        draw = np.random.default_rng(seed)
        sag = float(draw.uniform(*((0.8, 1.0) if args.deep else (0.45, 0.9))))
        pike = float(draw.uniform(0.45, 1.0))
        motions.make_motion = functools.partial(demonstration, sag=sag, pike=pike, sag_first=k % 2 == 0,
                                                arms=args.arms)
        path = render_plank(args.out, seed, view)
        print(f"{path}  {view}  sag {sag:.2f} pike {pike:.2f}  {'sag' if k % 2 == 0 else 'pike'} first", flush=True)


if __name__ == "__main__":
    main()
