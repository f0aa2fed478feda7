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
from pathlib import Path

import numpy as np
from _rep_measure import ROOT, clip_sets, rep_errors, table, training_sets

EXERCISE, FAULT = "upper_back_roll", "lower_back_arch"
SIGNALS = ("hip_lift_cm",)


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
    sets = clip_sets(Path(a.clips), EXERCISE, FAULT) if a.clips else training_sets(Path(a.data), EXERCISE, FAULT)
    rows = rep_errors(sets, EXERCISE, SIGNALS, a.outlier, a.stat)
    print(f"{len(sets)} clips, {len(rows)} reps; {a.stat} of the rep's reading − true hip lift (cm), mean ± sd")
    print(summary(rows))
    for by in ("view", "height", "arms"):
        print(f"-- by {by}")
        print(table(rows, SIGNALS, by, big=2.0, unit="cm"))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=float))


if __name__ == "__main__":
    main()
