"""Does a fault survive rendering + MediaPipe? One simple landmark proxy per fault, measured on rendered
clips at severity 0, 0.5 and 1 over several bodies, looks, rooms and cameras.

    python benchmarks/fault_proxies.py [--seeds 3] [--fps 8] [--views side,oblique,other_side]

Proxies (computed from MediaPipe's image landmarks, left/right averaged so a swap does not matter):

- plank ``hips_sag`` / ``hips_pike``: hip offset from the shoulder–ankle line, % of that line's length
  (positive = hips above the line), median over the hold;
- upper_back_roll ``lower_back_arch``: hip lift during the rep (highest hip minus the hip at the start
  of the rep), % of thigh length;
- lumbar_locked_rotation ``hips_move``: hip rise during the rep, % of thigh length;
- glute_bridge ``lower_back_arch`` / ``incomplete_extension``: at the top of the rep, degrees the hips
  are past the shoulder–hip–knee straight line (negative = short of it).

The ground-truth value of the fault (from the motion's segments, in its unit) is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import numpy as np  # noqa: E402

from repcheck.landmarks import LM  # noqa: E402
from repcheck.synth.clip import plan_clip, write_clip  # noqa: E402
from repcheck.synth.contact_sheet import read_video, run_mediapipe  # noqa: E402

CASES = (
    ("plank", "hips_sag"), ("plank", "hips_pike"), ("upper_back_roll", "lower_back_arch"),
    ("lumbar_locked_rotation", "hips_move"), ("glute_bridge", "lower_back_arch"),
    ("glute_bridge", "incomplete_extension"),
)


def _mid(lm: np.ndarray, name: str, size: tuple[int, int]) -> np.ndarray:
    """Midpoint of the left/right landmark ``name`` in pixels, shape (T, 2)."""
    a = lm[:, LM[f"left_{name}"], :2]
    b = lm[:, LM[f"right_{name}"], :2]
    return 0.5 * (a + b) * np.asarray(size, float)


def plank_offset_pct(lm: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Hip offset from the shoulder–ankle line, % of the line length, positive up in the image; (T,)."""
    sh, hp, an = _mid(lm, "shoulder", size), _mid(lm, "hip", size), _mid(lm, "ankle", size)
    d = sh - an
    L = np.linalg.norm(d, axis=1)
    n = np.stack([d[:, 1], -d[:, 0]], 1) / L[:, None]  # a normal of the line
    n *= np.where(n[:, 1] > 0, -1.0, 1.0)[:, None]  # make it point up in the image (y down)
    return 100 * ((hp - an) * n).sum(1) / L


def hip_rise_pct(lm: np.ndarray, size: tuple[int, int]) -> float:
    """Highest hip minus the hip at the start, % of median thigh length (image up = positive)."""
    hp, kn = _mid(lm, "hip", size), _mid(lm, "knee", size)
    thigh = np.nanmedian(np.linalg.norm(hp - kn, axis=1))
    y = -hp[:, 1]
    start = np.nanmedian(y[: max(2, len(y) // 8)])
    return float(100 * (np.nanmax(y) - start) / thigh)


def bridge_extension_deg(lm: np.ndarray, size: tuple[int, int]) -> float:
    """At the frame of highest hips: degrees the hips are past the shoulder–knee line (negative: short)."""
    sh, hp, kn = _mid(lm, "shoulder", size), _mid(lm, "hip", size), _mid(lm, "knee", size)
    i = int(np.nanargmin(hp[:, 1]))
    u, v = sh[i] - hp[i], kn[i] - hp[i]
    ang = np.degrees(np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)))
    # hips above the shoulder–knee line (image up) = past the line
    d = kn[i] - sh[i]
    n = np.array([d[1], -d[0]])
    n *= -1.0 if n[1] > 0 else 1.0
    above = (hp[i] - sh[i]) @ n > 0
    return float((180 - ang) * (1 if above else -1))


def measure(exercise: str, fault: str, severity: float, seed: int, view: str, fps: float, tmp: Path
            ) -> tuple[float, float, str]:
    """(proxy from MediaPipe, ground-truth fault value, its unit) for one rendered clip."""
    probe = plan_clip(exercise, fault=fault, severity=severity, seconds=12, seed=seed, view=view, fps=fps,
                      window=(0.0, 0.2))
    seg = probe.motion.segments[0]
    truth = float(seg["faults"][fault]["value"])
    unit = str(seg["faults"][fault].get("unit", ""))
    if exercise == "plank":
        mid = 0.5 * (seg["start_s"] + seg["end_s"])
        window = (max(seg["start_s"], mid - 2.0), min(seg["end_s"], mid + 2.0))
    else:
        window = (max(0.0, seg["start_s"] - 0.3), seg["end_s"] + 0.3)
    plan = plan_clip(exercise, fault=fault, severity=severity, seconds=12, seed=seed, view=view, fps=fps,
                     window=window)
    path = write_clip(plan, tmp / f"{exercise}_{fault}_{severity}_{seed}.mp4")
    lm = run_mediapipe(read_video(path))
    size = plan.size
    if exercise == "plank":
        proxy = float(np.nanmedian(plank_offset_pct(lm, size)))
    elif exercise == "glute_bridge":
        proxy = bridge_extension_deg(lm, size)
    else:
        proxy = hip_rise_pct(lm, size)
    return proxy, truth, unit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--fps", type=float, default=8)
    ap.add_argument("--views", default="side,oblique,other_side")
    ap.add_argument("--cases", default=",".join(f"{e}/{f}" for e, f in CASES))
    args = ap.parse_args()
    views = args.views.split(",")
    cases = [tuple(c.split("/")) for c in args.cases.split(",")]
    units = {"plank": "% of sh–ankle line", "upper_back_roll": "% of thigh", "lumbar_locked_rotation":
             "% of thigh", "glute_bridge": "deg past line"}
    print(f"{'exercise':24s} {'fault':22s} {'sev':>4s}  {'proxy (MediaPipe)':>24s}  {'ground truth':>20s}  "
          "proxy unit")
    with tempfile.TemporaryDirectory() as tmp:
        for exercise, fault in cases:
            for sev in (0.0, 0.5, 1.0):
                proxies, truths, unit = [], [], ""
                for s in range(args.seeds):
                    p, t, unit = measure(exercise, fault, sev, 500 + s, views[s % len(views)], args.fps, Path(tmp))
                    proxies.append(p)
                    truths.append(t)
                pr = np.asarray(proxies)
                print(f"{exercise:24s} {fault:22s} {sev:4.1f}  {np.nanmean(pr):7.1f} ± {np.nanstd(pr):4.1f} "
                      f"[{np.nanmin(pr):6.1f},{np.nanmax(pr):6.1f}]  "
                      f"{np.mean(truths):7.1f} ± {np.std(truths):4.1f} {unit:4s}  "
                      f"{units[exercise]}", flush=True)


if __name__ == "__main__":
    main()
