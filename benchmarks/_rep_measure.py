"""Per-rep measure error against the truth, grouped by camera placement: the shared part of
``bridge_angle.py`` and ``roll_lift.py``.

A *set* is ``(id, groups, track, reps)``: ``groups`` names the set's camera view (with the yaw's end:
``oblique45+`` turned toward the head, ``oblique45-`` toward the feet), camera height bin and arms;
``reps`` is ``[(start_s, end_s, true_value)]`` from the fault's ground truth.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import numpy as np  # noqa: E402

from repcheck.exercises import get_exercise  # noqa: E402
from repcheck.features import compute_signals  # noqa: E402
from repcheck.landmarks import PoseTrack  # noqa: E402
from repcheck.pose import at_sample_rate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: Camera height bins (m above the floor): a phone on the floor, on a low stool / chair seat, on a table or
#: held; the roll's training renders span 0.26–0.99 m (plus the ``high`` view at 1.4–1.6 m).
HEIGHT_BINS = ((0.0, 0.45, "h<0.45"), (0.45, 0.75, "h0.45-0.75"), (0.75, 1.2, "h0.75-1.2"), (1.2, 9.0, "h>1.2"))

Set = tuple[str, dict, PoseTrack, list[tuple[float, float, float]]]


def view_name(camera: dict) -> str:
    """The view with the yaw's end: ``oblique45+`` (toward the head) / ``oblique45-`` (toward the feet)."""
    view, yaw = str(camera.get("view")), float(camera.get("yaw_deg") or 0.0)
    return view + ("+" if yaw > 10 else "-" if yaw < -10 else "")


def height_name(camera: dict) -> str:
    """The camera height's bin (:data:`HEIGHT_BINS`), ``h?`` when unknown."""
    h = float(camera.get("height_m") or np.nan)
    return next((n for lo, hi, n in HEIGHT_BINS if lo <= h < hi), "h?")


def set_groups(params: dict) -> dict:
    """``{"view", "height", "arms"}`` of a set from its generator parameters."""
    cam = params.get("camera", {})
    return {"view": view_name(cam), "height": height_name(cam),
            "arms": str((params.get("motion") or {}).get("arms") or "unset")}


def training_sets(root: Path, exercise: str, fault: str, mediapipe_only: bool = True) -> list[Set]:
    """Sets of the labelled training examples under ``root`` (rendered MediaPipe tracks only by default)."""
    from repcheck.training.dataset import load_examples
    from repcheck.training.train import is_mediapipe

    out = []
    for ex in load_examples(root, exercise=exercise):
        if mediapipe_only and not is_mediapipe(ex):
            continue
        reps = [(s.start_s, s.end_s, float(s.faults[fault]["value"])) for s in ex.segments]
        out.append((ex.id, set_groups(ex.provenance.get("params", {})), ex.track, reps))
    return out


def clip_sets(folder: Path, exercise: str, fault: str) -> list[Set]:
    """Sets of rendered clips (``*.mp4`` + truth ``*.json``) in ``folder``; pose from the cache."""
    from repcheck.pose import extract_pose

    out = []
    for js in sorted(folder.glob(f"*{exercise}-*.json")):
        mp4 = js.with_suffix(".mp4")
        if not mp4.exists():
            continue
        truth = json.loads(js.read_text())
        reps = [(s["start_s"], s["end_s"], float(s["faults"][fault]["value"])) for s in truth["segments"]]
        out.append((js.stem, set_groups(truth["params"]), extract_pose(mp4, exercise=exercise), reps))
    return out


def measure_from_cli(doc: str, exercise: str, fault: str, signals: tuple[str, ...], *, data: Path,
                     outlier: float, unit: str, stat: str,
                     mediapipe_only: bool = True) -> tuple[list[Set], list[dict], str]:
    """The rep-measure benchmarks' command line (``--data`` / ``--clips`` / ``--outlier`` / ``--stat`` /
    ``--json``, defaults given here): loads the sets, measures every true rep (:func:`rep_errors`) and writes
    the rows to ``--json``. Returns ``(sets, rows, stat)``."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", default=str(data), help="training examples folder")
    ap.add_argument("--clips", default=None, help="folder of rendered clips (mp4 + truth json) instead")
    ap.add_argument("--outlier", type=float, default=outlier, help=f"errors beyond this ({unit}) counted apart")
    ap.add_argument("--stat", choices=("p90", "max"), default=stat,
                    help="the rep's reading: its 90th percentile (the judge's statistic) or its top (max)")
    ap.add_argument("--json", default=None, help="write the per-rep rows here")
    a = ap.parse_args()
    sets = (clip_sets(Path(a.clips), exercise, fault) if a.clips
            else training_sets(Path(a.data), exercise, fault, mediapipe_only=mediapipe_only))
    rows = rep_errors(sets, exercise, signals, a.outlier, a.stat)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=float))
    return sets, rows, a.stat


def rep_errors(sets: list[Set], exercise: str, signals: tuple[str, ...], outlier: float,
               stat: str = "p90") -> list[dict]:
    """One row per true rep: id, groups, true value and each signal's error (the signal's unit).

    ``stat``: the rep's reading within its true bounds — ``"p90"`` (its 90th percentile, the judge's
    training statistic) or ``"max"`` (its top). Errors beyond ``outlier`` are NaN and flagged
    ``<signal>__outlier`` (MediaPipe lost the body)."""
    spec = get_exercise(exercise)
    rows = []
    for id_, groups, track, reps in sets:
        sig = compute_signals(at_sample_rate(track, spec.analysis_fps), spec)
        for s, e, true in reps:
            m = (sig.t >= s) & (sig.t <= e)
            row = {"id": id_, **groups, "true": true}
            for k in signals:
                v = sig[k][m]
                v = v[np.isfinite(v)]
                top = (np.max(v) if stat == "max" else np.percentile(v, 90)) if v.size else np.nan
                err = float(top - true)
                row[k] = err if abs(err) <= outlier else np.nan
                row[k + "__outlier"] = bool(np.isfinite(err) and abs(err) > outlier)
            rows.append(row)
    return rows


def table(rows: list[dict], signals: tuple[str, ...], by: str = "view", big: float = 5.0, unit: str = "°") -> str:
    """Mean ± sd of each signal's error per group of ``by`` (``view``, ``height``, ``arms``), the spread of
    the group means, the rms about the overall mean, the count of reps off by more than ``big`` and the
    outliers."""
    groups = sorted({r[by] for r in rows})
    width = max(16, max(len(k) for k in signals))
    head = f"n>{big:g}{unit}"
    lines = [f"{'signal':{width}s} " + " ".join(f"{v:>15s}" for v in groups) + f"   spread   rms  {head}  outliers"]
    for k in signals:
        err = np.array([r[k] for r in rows], float)
        ok = np.isfinite(err)
        if not ok.any():
            continue
        cells, means = [], []
        for v in groups:
            ev = np.array([r[k] for r in rows if r[by] == v], float)
            ev = ev[np.isfinite(ev)]
            cells.append(f"{ev.mean():+5.1f}±{ev.std():3.1f} n{ev.size:<2d}" if ev.size else f"{'-':>15s}")
            if ev.size:
                means.append(ev.mean())
        c = err[ok] - err[ok].mean()
        lines.append(f"{k:{width}s} " + " ".join(f"{x:>15s}" for x in cells)
                     + f"   {max(means) - min(means):5.1f}  {np.sqrt(np.mean(c ** 2)):4.2f}  "
                     + f"{(np.abs(c) > big).sum():{len(head)}d}  {sum(r[k + '__outlier'] for r in rows):8d}")
    return "\n".join(lines)
