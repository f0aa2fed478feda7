"""What the plank dev-set scripts (``plank_steep.py``, ``plank_straight_arms.py``, ``plank_one_leg_at_a_time.py``,
``plank_demonstration.py``) share: their command line, rendering one clip the way ``repcheck evaluate`` reads it,
and rendering a set of one :func:`repcheck.synth.motions.make_motion` variant."""

from __future__ import annotations

import argparse
import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import repcheck.synth.motions as motions  # noqa: E402
from repcheck.pose import extract_pose  # noqa: E402
from repcheck.synth.clip import render_clip  # noqa: E402


def dev_set_args(doc: str, more: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """``OUT_DIR [--only N]`` (and whatever ``more`` adds); creates ``OUT_DIR``."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for the clips (CLIP.mp4 + CLIP.json)")
    ap.add_argument("--only", type=int, default=None, help="render the first N clips only")
    if more is not None:
        more(ap)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def render_plank(out: Path, seed: int, view: str, **kwargs: object) -> Path:
    """Render plank clip ``h-plank-SEED.mp4`` (480×270, 10 fps, truth beside it) into ``out`` and fill the pose
    cache for ``repcheck evaluate``; ``kwargs`` go to :func:`repcheck.synth.clip.render_clip`."""
    path = render_clip("plank", seed=seed, view=view, size=(480, 270), fps=10, out=out / f"h-plank-{seed}.mp4",
                       **kwargs)
    extract_pose(path, exercise="plank")
    return path


def render_variant_set(args: argparse.Namespace, first_seed: int, cases: Sequence[tuple[str, str | None, float]],
                       **variant: str) -> None:
    """Render ``cases`` ((view, fault or None, severity) each; the first ``args.only``) as 10 s holds into ``args.out``,
    seeds ``first_seed`` on, with ``variant`` passed to every ``make_motion`` (``arms="straight"``, ...)."""
    motions.make_motion = functools.partial(motions.make_motion, **variant)
    for k, (view, fault, severity) in enumerate(cases[: args.only]):
        path = render_plank(args.out, first_seed + k, view, fault=fault, severity=severity, seconds=10.0)
        print(f"{path}  {view}  {fault or 'correct'} {severity:.2f}", flush=True)
