"""Render speed of the synthetic-clip ray-caster (one core).

    python benchmarks/bench_render.py [--size 480x270] [--frames 60]

Prints frames/s for the plain look (prototype scene, no shadows, no sensor noise) and for the sampled
look (textured room, clutter, contact shadows, sensor noise), for the renderer alone and for the whole
frame (pose + dress + render [+ noise]). Target: plain look at 480x270 >= 8 frames/s on one core.
Speeds are per CPU second of this (single-threaded) process, so a busy machine does not distort them;
the last column is wall-clock for comparison.
"""

from __future__ import annotations

import argparse
import os
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from repcheck.synth.clip import plan_clip  # noqa: E402
from repcheck.synth.render import Renderer  # noqa: E402
from repcheck.synth.scene import Look, Scene, degrade_frame  # noqa: E402

cv2.setNumThreads(1)


def bench(exercise: str, *, plain: bool, size: tuple[int, int], frames: int) -> tuple[float, float, float]:
    """(renderer frames/s of CPU time, whole-frame frames/s of CPU time, renderer frames/s wall clock).

    CPU time (``time.process_time``, one thread) is the one-core speed even on a busy shared machine;
    wall clock is what you get right now."""
    length = {"seconds": 10.0} if exercise == "plank" else {"reps": 1}
    plan = plan_clip(exercise, seed=3, view="side", size=size, fps=15, clip_seconds=frames / 15,
                     look=Look.plain() if plain else None, **length)
    scene = Scene.plain() if plain else plan.scene
    if plain:
        from dataclasses import replace

        scene = replace(scene, room=replace(scene.room, extent=plan.scene.room.extent,
                                            ceiling=plan.scene.room.ceiling))
    renderer = Renderer(plan.camera, scene, shadows=not plain)
    n = min(frames, plan.n_frames)
    prims = [plan.primitives_at(i) for i in range(n)]
    w0, c0 = time.perf_counter(), time.process_time()
    for p in prims:
        renderer.render(p)
    t_wall, t_render = time.perf_counter() - w0, time.process_time() - c0
    rng = np.random.default_rng(0)
    c0 = time.process_time()
    for i in range(n):
        img = renderer.render(plan.primitives_at(i))
        if not plain:
            img = degrade_frame(img, rng)
    t_full = time.process_time() - c0
    return n / t_render, n / t_full, n / t_wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="480x270")
    ap.add_argument("--frames", type=int, default=45)
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    print(f"size {size[0]}x{size[1]}, {args.frames} frames per case, one thread")
    print(f"{'exercise':24s} {'look':8s} {'render fps (cpu)':>17s} {'frame fps (cpu)':>16s} "
          f"{'render fps (wall)':>18s}")
    for exercise in ("plank", "upper_back_roll", "lumbar_locked_rotation", "glute_bridge"):
        for plain in (True, False):
            r, f, w = bench(exercise, plain=plain, size=size, frames=args.frames)
            print(f"{exercise:24s} {'plain' if plain else 'sampled':8s} {r:17.1f} {f:16.1f} {w:18.1f}")


if __name__ == "__main__":
    main()
