"""Upper back roll: how far the measured hip lift of a rep is from the truth, per camera view and height.

For every true rep of labelled roll clips, the rep's reading of a signal within its true bounds (by default
its 90th percentile, the statistic the judge's training table and the classifiers' ``__p90`` feature use,
:func:`repcheck.training.featurize._measured`) is compared with the rep's true hip lift (``lower_back_arch``
value: cm the hip midpoint rises above its resting height during the rep). The error should not depend on
where the phone stands; the tables give its mean ± sd per view (the views split by the camera's yaw, ``+``:
turned toward the head end, ``−``: toward the feet end) and per camera height (lens above the floor), the
spread of the per-group means and the rms of the error about its overall mean.

    python benchmarks/roll_lift.py                                   # rendered training tracks (MediaPipe)
    python benchmarks/roll_lift.py --clips /work/dev-rb              # rendered clips (mp4 + json; pose cached)
    python benchmarks/roll_lift.py --clips /work/main/benchmarks/heldout   # held-out: report, don't tune

Reps whose error is over ``--outlier`` cm (MediaPipe lost the body) are counted apart.
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
EXERCISE = "upper_back_roll"
SIGNALS = ("hip_lift_cm",)
#: camera height bins (m above the floor): a phone on the floor, on a low stool / chair seat, on a table or
#: held; the roll's training renders span 0.26–0.99 m (plus the ``high`` view at 1.4–1.6 m)
HEIGHT_BINS = ((0.0, 0.45, "h<0.45"), (0.45, 0.75, "h0.45-0.75"), (0.75, 1.2, "h0.75-1.2"), (1.2, 9.0, "h>1.2"))

Set = tuple[str, dict, PoseTrack, list[tuple[float, float, float]]]


def _view_name(camera: dict) -> str:
    """The view with the yaw's end: ``oblique45+`` (toward the head) / ``oblique45-`` (toward the feet)."""
    view, yaw = str(camera.get("view")), float(camera.get("yaw_deg") or 0.0)
    return view + ("+" if yaw > 10 else "-" if yaw < -10 else "")


def _height_name(camera: dict) -> str:
    h = float(camera.get("height_m") or np.nan)
    return next((n for lo, hi, n in HEIGHT_BINS if lo <= h < hi), "h?")


def _groups(params: dict) -> dict:
    cam = params.get("camera", {})
    return {"view": _view_name(cam), "height": _height_name(cam),
            "arms": str((params.get("motion") or {}).get("arms") or "unset")}


def _training_sets(root: Path) -> list[Set]:
    from repcheck.training.dataset import load_examples
    from repcheck.training.train import is_mediapipe

    out = []
    for ex in load_examples(root, exercise=EXERCISE):
        if not is_mediapipe(ex):
            continue
        reps = [(s.start_s, s.end_s, float(s.faults["lower_back_arch"]["value"])) for s in ex.segments]
        out.append((ex.id, _groups(ex.provenance.get("params", {})), ex.track, reps))
    return out


def _clip_sets(folder: Path) -> list[Set]:
    from repcheck.pose import extract_pose

    out = []
    for js in sorted(folder.glob(f"*{EXERCISE}-*.json")):
        mp4 = js.with_suffix(".mp4")
        if not mp4.exists():
            continue
        truth = json.loads(js.read_text())
        reps = [(s["start_s"], s["end_s"], float(s["faults"]["lower_back_arch"]["value"]))
                for s in truth["segments"]]
        out.append((js.stem, _groups(truth["params"]), extract_pose(mp4, exercise=EXERCISE), reps))
    return out


def rep_errors(sets: list[Set], outlier: float, stat: str = "p90") -> list[dict]:
    """One row per true rep: id, view, camera height and arms, true lift (cm) and each signal's error (cm).

    ``stat``: the rep's reading — ``"p90"`` (its 90th percentile, the judge's statistic) or ``"max"``."""
    spec = get_exercise(EXERCISE)
    rows = []
    for id_, groups, track, reps in sets:
        sig = compute_signals(at_sample_rate(track, spec.analysis_fps), spec)
        for s, e, true in reps:
            m = (sig.t >= s) & (sig.t <= e)
            row = {"id": id_, **groups, "true": true}
            for k in SIGNALS:
                v = sig[k][m]
                v = v[np.isfinite(v)]
                top = (np.max(v) if stat == "max" else np.percentile(v, 90)) if v.size else np.nan
                err = float(top - true)
                row[k] = err if abs(err) <= outlier else np.nan
                row[k + "__outlier"] = bool(np.isfinite(err) and abs(err) > outlier)
            rows.append(row)
    return rows


def table(rows: list[dict], by: str = "view") -> str:
    """Mean ± sd of each signal's error per group of ``by`` (``view``, ``height``, ``arms``), the spread of
    the group means, the rms about the overall mean, the count of reps off by > 2 cm and the outliers."""
    groups = sorted({r[by] for r in rows})
    lines = [f"{'signal':16s} " + " ".join(f"{v:>15s}" for v in groups) + "   spread   rms  n>2cm  outliers"]
    for k in SIGNALS:
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
        lines.append(f"{k:16s} " + " ".join(f"{x:>15s}" for x in cells)
                     + f"   {max(means) - min(means):5.1f}  {np.sqrt(np.mean(c ** 2)):4.2f}  {(np.abs(c) > 2).sum():5d}"
                     + f"  {sum(r[k + '__outlier'] for r in rows):8d}")
    return "\n".join(lines)


def summary(rows: list[dict]) -> str:
    """Overall mean ± sd of each signal's error, and near the boundary (true lift 2–7 cm)."""
    lines = []
    for k in SIGNALS:
        err = np.array([r[k] for r in rows], float)
        true = np.array([r["true"] for r in rows], float)
        ok = np.isfinite(err)
        near = ok & (true >= 2) & (true <= 7)
        lines.append(f"{k}: all {err[ok].mean():+.2f} ± {err[ok].std():.2f} cm (n {ok.sum()}), "
                     f"true 2–7 cm {err[near].mean():+.2f} ± {err[near].std():.2f} cm (n {near.sum()})")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "training_data"), help="training examples folder")
    ap.add_argument("--clips", default=None, help="folder of rendered clips (mp4 + truth json) instead")
    ap.add_argument("--outlier", type=float, default=25.0, help="errors beyond this (cm) counted apart")
    ap.add_argument("--stat", choices=("p90", "max"), default="p90",
                    help="the rep's reading: its 90th percentile (the judge's statistic) or its top")
    ap.add_argument("--json", default=None, help="write the per-rep rows here")
    a = ap.parse_args()
    sets = _clip_sets(Path(a.clips)) if a.clips else _training_sets(Path(a.data))
    rows = rep_errors(sets, a.outlier, a.stat)
    print(f"{len(sets)} clips, {len(rows)} reps; {a.stat} of the rep's reading − true hip lift (cm), mean ± sd")
    print(summary(rows))
    for by in ("view", "height", "arms"):
        print(f"-- by {by}")
        print(table(rows, by))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=float))


if __name__ == "__main__":
    main()
