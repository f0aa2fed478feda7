"""Glute bridge: how far the measured hip extension at a rep's top is from the truth, per camera view.

For every true rep of labelled bridge clips, the highest value of a signal within the rep's true bounds is
compared with the rep's true top angle (``lower_back_arch`` value: degrees past the shoulder–hip–knee line).
The error should not depend on where the phone stands; the table gives its mean ± sd per view, the views
split by the camera's yaw (``+``: turned toward the head end, ``−``: toward the feet end), the spread of the
per-view means and the rms of the error about its overall mean.

    python benchmarks/bridge_angle.py                           # rendered training tracks
    python benchmarks/bridge_angle.py --clips /work/dev-rb      # rendered clips (mp4 + json; pose cached)
    python benchmarks/bridge_angle.py --stat p90                # the rep's 90th percentile instead of its top

Signals: ``hip_extension_deg`` (what the judge reads), ``hip_extension_img_deg`` (the image angle in the
body's plane), ``hip_extension_world_deg`` (MediaPipe's world landmarks, camera x–y plane). Reps whose error
is over ``--outlier`` degrees (MediaPipe lost the body) are counted apart.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _rep_measure import ROOT, clip_sets, rep_errors, table, training_sets

EXERCISE, FAULT = "glute_bridge", "lower_back_arch"
SIGNALS = ("hip_extension_deg", "hip_extension_img_deg", "hip_extension_world_deg")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "training_data" / "synthetic"), help="training examples folder")
    ap.add_argument("--clips", default=None, help="folder of rendered clips (mp4 + truth json) instead")
    ap.add_argument("--outlier", type=float, default=40.0, help="errors beyond this (degrees) counted apart")
    ap.add_argument("--stat", choices=("max", "p90"), default="max",
                    help="the rep's reading: its top (max) or its 90th percentile")
    ap.add_argument("--json", default=None, help="write the per-rep rows here")
    a = ap.parse_args()
    sets = (clip_sets(Path(a.clips), EXERCISE, FAULT) if a.clips
            else training_sets(Path(a.data), EXERCISE, FAULT, mediapipe_only=False))
    rows = rep_errors(sets, EXERCISE, SIGNALS, a.outlier, a.stat)
    print(f"{len(sets)} clips, {len(rows)} reps; {a.stat} of the rep's reading − true top (degrees), mean ± sd by view")
    print(table(rows, SIGNALS, "view", big=5.0, unit="°"))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=float))


if __name__ == "__main__":
    main()
