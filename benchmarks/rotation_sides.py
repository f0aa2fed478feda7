"""Why locked-rotation reps get the wrong side: MediaPipe's labels against the rendered bodies' true landmarks.

The segmenter reads each rep's side (:func:`repcheck.segment.reps._onset_sides`) from MediaPipe's left/right
labels where the rep leaves rest: the shoulder line's tilt and which wrist / elbow is higher. Rendered clips
(``repcheck synth``, the ``render_*`` scripts) store the true projected landmarks beside the video
(``CLIP.json`` ``landmarks``), so each voting sample can be checked: were MediaPipe's shoulder, elbow and
wrist labels swapped there? A wrong side whose readings were mostly taken on swapped labels is MediaPipe
mirroring the upper body (labels, depth and the face turn together, measured on the dev sets; a side-on view cannot tell
the two mirror images apart from the landmarks); one with the labels right is a reading the segmenter got
wrong (the view's tilt, a reading taken at the wrong place).

    python benchmarks/rotation_sides.py /work/dev-rotbh /work/dev-hips
    python benchmarks/rotation_sides.py /work/main/benchmarks/heldout --json sides.json   # report only

Prints one line per wrong side (votes, share of readings taken on swapped labels) and wrong / judged sides per view
and per cause. Clips come from the pose cache (``repcheck evaluate`` fills it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from repcheck.exercises import get_exercise
from repcheck.features import compute_signals, fill_gaps
from repcheck.landmarks import LM
from repcheck.pose import PoseTrack, at_sample_rate, extract_pose
from repcheck.segment import find_segments
from repcheck.segment.reps import ROTATION_SIDE_VOTES, _first_clear, _onset_rises, _side_votes
from repcheck.training.evaluate import _match

EXERCISE = "lumbar_locked_rotation"
#: Left / right landmark pairs whose labels the side readings use.
PAIRS = {g: (LM[f"left_{g}"], LM[f"right_{g}"]) for g in ("shoulder", "elbow", "wrist")}
#: The pair each reading of ``ROTATION_SIDE_VOTES`` is taken from.
READING_PAIR = {"thorax_rotation": "shoulder", "wrist_lr_cm": "wrist", "elbow_lr_cm": "elbow"}
#: A reading was taken on mirrored labels when its pair's labels were swapped in at least half of its voting
#: samples; a rep was read on MediaPipe's mirror when this share of its readings or more were (the majority
#: of the vote).
MIRRORED_SHARE = 0.5


def swapped(mp_xy: np.ndarray, true_xy: np.ndarray) -> np.ndarray:
    """Per sample and pair: MediaPipe's left/right labels swapped against the true landmarks.

    Parameters
    ----------
    mp_xy, true_xy : ndarray of shape (T, 33, 2)
        Normalised image x, y of MediaPipe's and the true landmarks at the same samples.

    Returns
    -------
    ndarray of bool, shape (T, 3)
        One column per pair of ``PAIRS``: the swapped assignment lies nearer the truth than the labelled one.
    """
    cols = []
    for a, b in PAIRS.values():
        same = np.linalg.norm(mp_xy[:, a] - true_xy[:, a], axis=1) + np.linalg.norm(mp_xy[:, b] - true_xy[:, b], axis=1)
        swap = np.linalg.norm(mp_xy[:, a] - true_xy[:, b], axis=1) + np.linalg.norm(mp_xy[:, b] - true_xy[:, a], axis=1)
        cols.append(swap < same)
    return np.stack(cols, axis=1)


def score_clip(video: Path, truth: dict[str, Any], track: PoseTrack | None = None) -> list[dict[str, Any]]:
    """Each true rep of one rendered clip: its true and found side, the votes and their mirrored share.

    Parameters
    ----------
    video : Path
        The rendered clip (its pose comes from the cache, or ``track``).
    truth : dict
        The clip's ground truth (``CLIP.json``), with ``landmarks`` of shape (n_frames, 33, 3).
    track : PoseTrack, optional
        MediaPipe's track of the clip, thinned here to the exercise's analysis rate.
    """
    spec = get_exercise(EXERCISE)
    track = extract_pose(video, exercise=spec) if track is None else at_sample_rate(track, spec.analysis_fps)
    signals = compute_signals(track, spec)
    segs, info = find_segments(signals, spec)
    true_lm = np.asarray(truth["landmarks"], float)
    frame = np.clip(np.round(track.t * float(truth["fps"])).astype(int), 0, len(true_lm) - 1)
    sw = swapped(np.asarray(track.image, float)[:, :, :2], true_lm[frame][:, :, :2])
    peaks = np.asarray(info.get("peaks", np.zeros(0, int)), int)
    rises = _onset_rises(fill_gaps(info["driver"]), peaks, int(info["wlen"])) if peaks.size else []
    votes = _side_votes(signals)
    true_segs = [{"start_s": s["start_s"], "end_s": s["end_s"], "side": s.get("side")} for s in truth["segments"]]
    matched = _match(true_segs, segs)
    view = (truth.get("params") or {}).get("camera", {}).get("view")
    arms = ((truth.get("params") or {}).get("motion") or {}).get("arms") or "reach"
    rows = []
    for i, tr in enumerate(true_segs):
        j = matched.get(i)
        if j is None or tr["side"] is None:
            continue
        seg = segs[j]
        inside = np.flatnonzero((peaks >= seg.start_i) & (peaks <= seg.end_i))
        if not inside.size:
            continue
        rise = rises[int(inside[0])]
        readings, mirrored = {}, []
        for name, v in zip(ROTATION_SIDE_VOTES, votes, strict=False):
            clear = _first_clear(v, rise)
            readings[name] = round(float(np.median(v[clear])), 1) if clear.size else None
            if clear.size:
                col = list(PAIRS).index(READING_PAIR[name])
                mirrored.append(float(sw[clear, col].mean()) >= 0.5)
        rows.append({"video": video.name, "view": view, "arms": arms, "segment": i + 1, "truth": tr["side"],
                     "found": seg.side, "side_ok": seg.side == tr["side"], "votes": readings,
                     "mirrored_share": round(float(np.mean(mirrored)), 2) if mirrored else None})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+", help="folders of rendered clips (CLIP.mp4 + CLIP.json with landmarks)")
    ap.add_argument("--json", help="write the per-rep rows here")
    args = ap.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for folder in args.folders:
        for js in sorted(Path(folder).glob("*.json")):
            truth = json.loads(js.read_text())
            video = js.with_suffix(".mp4")
            if truth.get("exercise") != EXERCISE or "landmarks" not in truth or not video.exists():
                continue
            rows.extend(score_clip(video, truth))
    if not rows:
        print("no rendered locked-rotation clips with true landmarks", file=sys.stderr)
        return 2
    by: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    causes: dict[str, int] = defaultdict(int)
    for r in rows:
        by[(r["arms"], str(r["view"]))][0] += not r["side_ok"]
        by[(r["arms"], str(r["view"]))][1] += 1
        if not r["side_ok"]:
            mir = r["mirrored_share"] is not None and r["mirrored_share"] >= MIRRORED_SHARE
            causes["MediaPipe mirrored the upper body" if mir else "labels right, reading wrong"] += 1
            print(f"{r['video']} #{r['segment']} ({r['view']}, {r['arms']}): truth {r['truth']}, found {r['found']}, "
                  f"votes {r['votes']}, mirrored {r['mirrored_share']}")
    print(f"wrong sides {sum(not r['side_ok'] for r in rows)} of {len(rows)}: "
          + ", ".join(f"{k} {v}" for k, v in sorted(causes.items())))
    for (arms, view), (w, n) in sorted(by.items()):
        print(f"    {arms:12s} {view:11s} wrong {w:3d} of {n:3d}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
