"""Segmentation errors on labelled pose tracks (no video, no models): the development set for the segmenter.

The segmenter is not trained, so every labelled example of ``training_data/`` (rendered clips run through
the real MediaPipe, with ground-truth hold/rep bounds) measures it without touching the held-out videos
(``benchmarks/heldout``, scored by ``repcheck evaluate``). Tracks are thinned to the exercise's analysis
rate (``ExerciseSpec.analysis_fps``), as ``repcheck analyze`` samples a video.

    python benchmarks/segment_dev.py                                  # all rendered examples
    python benchmarks/segment_dev.py --exercise lumbar_locked_rotation --worst 10
    python benchmarks/segment_dev.py --data training_data/fast --json seg.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from repcheck.exercises import get_exercise
from repcheck.features import compute_signals
from repcheck.pose import at_sample_rate
from repcheck.segment import find_segments
from repcheck.training.dataset import Example, load_examples
from repcheck.training.evaluate import _match

ROOT = Path(__file__).resolve().parents[1]


def score_example(ex: Example, *, rate: str = "exercise") -> dict[str, Any]:
    """Found vs true segments of one example: count, per-segment start/end errors (s) and sides."""
    spec = get_exercise(ex.exercise)
    track = at_sample_rate(ex.track, spec.analysis_fps if rate == "exercise" else None)
    segs, _ = find_segments(compute_signals(track, spec), spec)
    truth = [{"start_s": s.start_s, "end_s": s.end_s, "side": s.side} for s in ex.segments]
    m = _match(truth, segs)
    errors = []
    for i, tr in enumerate(truth):
        j = m.get(i)
        if j is None:
            errors.append({"segment": i + 1, "found": False})
            continue
        f = segs[j]
        errors.append({"segment": i + 1, "found": True, "start_err_s": round(f.start_s - tr["start_s"], 3),
                       "end_err_s": round(f.end_s - tr["end_s"], 3),
                       "side_ok": None if tr["side"] is None else f.side == tr["side"]})
    view = (ex.provenance.get("job") or {}).get("view")
    return {"id": ex.id, "exercise": ex.exercise, "view": view, "truth": len(truth), "found": len(segs),
            "segments": errors}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per exercise: counts exact, boundary error statistics (s), wrong sides, the worst segments."""
    out: dict[str, Any] = {}
    for ex in sorted({r["exercise"] for r in rows}):
        mine = [r for r in rows if r["exercise"] == ex]
        segs = [(r["id"], s) for r in mine for s in r["segments"]]
        found = [(i, s) for i, s in segs if s["found"]]
        errs = np.abs([[s["start_err_s"], s["end_err_s"]] for _, s in found]).reshape(-1, 2)
        worst = sorted(found, key=lambda p: -max(abs(p[1]["start_err_s"]), abs(p[1]["end_err_s"])))
        out[ex] = {
            "clips": len(mine),
            "counts_exact": sum(r["found"] == r["truth"] for r in mine),
            "segments": len(segs),
            "not_found": len(segs) - len(found),
            "extra": sum(max(0, r["found"] - sum(s["found"] for s in r["segments"])) for r in mine),
            "start_mae_s": round(float(errs[:, 0].mean()), 3) if errs.size else None,
            "end_mae_s": round(float(errs[:, 1].mean()), 3) if errs.size else None,
            "within_0_5_s": round(float(np.mean(errs.max(axis=1) <= 0.5)), 3) if errs.size else None,
            "within_1_s": round(float(np.mean(errs.max(axis=1) <= 1.0)), 3) if errs.size else None,
            "max_s": round(float(errs.max()), 3) if errs.size else None,
            "wrong_side": sum(s.get("side_ok") is False for _, s in found),
            "worst": [{"id": i, **s} for i, s in worst[:20]],
            "wrong_counts": [{"id": r["id"], "view": r["view"], "truth": r["truth"], "found": r["found"]}
                             for r in mine if r["found"] != r["truth"]],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "training_data" / "synthetic"),
                    help="folder of examples (default: the rendered training examples)")
    ap.add_argument("--exercise", help="only this exercise")
    ap.add_argument("--rate", choices=("exercise", "full"), default="exercise",
                    help="thin tracks to the exercise's analysis rate (default) or keep every sample")
    ap.add_argument("--worst", type=int, default=5, help="list this many worst segments per exercise")
    ap.add_argument("--json", help="write the per-example rows and the summary here")
    args = ap.parse_args(argv)
    examples = load_examples(args.data, exercise=args.exercise)
    if not examples:
        print(f"no examples in {args.data}", file=sys.stderr)
        return 2
    rows = [score_example(ex, rate=args.rate) for ex in examples]
    summary = summarise(rows)
    for ex, s in summary.items():
        print(f"{ex:24s} clips {s['clips']:3d}  counts exact {s['counts_exact']:3d}  segments {s['segments']:3d} "
              f"(not found {s['not_found']}, extra {s['extra']})  mean |start| {s['start_mae_s']} s  "
              f"|end| {s['end_mae_s']} s  within 0.5 s {s['within_0_5_s']}  within 1 s {s['within_1_s']}  "
              f"max {s['max_s']} s  wrong side {s['wrong_side']}")
        for w in s["worst"][: args.worst]:
            print(f"    {w['id']} #{w['segment']}: start {w['start_err_s']:+.2f} s, end {w['end_err_s']:+.2f} s")
        for w in s["wrong_counts"][: args.worst]:
            print(f"    {w['id']} ({w['view']}): {w['found']} found, {w['truth']} true")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
