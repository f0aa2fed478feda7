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

from _rep_measure import ROOT, measure_from_cli, table

EXERCISE, FAULT = "glute_bridge", "lower_back_arch"
SIGNALS = ("hip_extension_deg", "hip_extension_img_deg", "hip_extension_world_deg")


def main() -> None:
    sets, rows, stat = measure_from_cli(__doc__, EXERCISE, FAULT, SIGNALS, data=ROOT / "training_data" / "synthetic",
                                        outlier=40.0, unit="degrees", stat="max", mediapipe_only=False)
    print(f"{len(sets)} clips, {len(rows)} reps; {stat} of the rep's reading − true top (degrees), mean ± sd by view")
    print(table(rows, SIGNALS, "view", big=5.0, unit="°"))


if __name__ == "__main__":
    main()
