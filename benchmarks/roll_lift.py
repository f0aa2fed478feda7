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

import numpy as np
from _rep_measure import ROOT, measure_from_cli, table

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
    sets, rows, stat = measure_from_cli(__doc__, EXERCISE, FAULT, SIGNALS, data=ROOT / "training_data",
                                        outlier=25.0, unit="cm", stat="p90")
    print(f"{len(sets)} clips, {len(rows)} reps; {stat} of the rep's reading − true hip lift (cm), mean ± sd")
    print(summary(rows))
    for by in ("view", "height", "arms"):
        print(f"-- by {by}")
        print(table(rows, SIGNALS, by, big=2.0, unit="cm"))


if __name__ == "__main__":
    main()
