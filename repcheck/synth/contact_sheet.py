"""Contact sheet of varied synthetic clips with MediaPipe's landmarks drawn over the middle frame.

``python -m repcheck.synth.contact_sheet --out sheet.png [--n 12] [--seed 0]``

Each tile: the middle frame of a short clip (decoded from the written mp4, as the product would see
it), ground-truth limb landmarks as green crosses, MediaPipe's landmarks as dots (red = the person's
left, blue = right, yellow = nose) joined by white bones, and a caption (exercise, fault, view, detection
rate, mean limb error in % of body height).

``python -m repcheck.synth.contact_sheet --sweep EXERCISE --seeds 120,121 [--views side,oblique]``
measures many clips instead (no sheet): every seed x view x {correct, the exercise's first fault at
severity 1}, clips as in ``tests/test_synth_render.py`` (480x270, 8 fps, 2.5 s around the first rep or an
8 s hold), one line per clip with detection and the visible-landmark limb error, then the mean.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np

from ..landmarks import LANDMARK_NAMES, LM, SKELETON_EDGES
from .clip import LIMB_LANDMARKS, plan_clip, write_clip

__all__ = ["draw_landmarks", "limb_error", "make_contact_sheet", "measure_clip", "run_mediapipe", "sweep"]

os.environ.setdefault("GLOG_minloglevel", "2")


def run_mediapipe(frames: Iterable[np.ndarray], *, model_complexity: int = 1) -> np.ndarray:
    """MediaPipe Pose in video mode over BGR frames.

    Returns
    -------
    ndarray of shape (T, 33, 4)
        x, y normalised, z, visibility; all-NaN rows where no person was found.
    """
    import mediapipe as mp

    out = []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=model_complexity) as pose:
        for img in frames:
            res = pose.process(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
            if res.pose_landmarks is None:
                out.append(np.full((33, 4), np.nan))
            else:
                out.append([[p.x, p.y, p.z, p.visibility] for p in res.pose_landmarks.landmark])
    return np.asarray(out, float).reshape(-1, 33, 4)


def read_video(path: Path | str) -> list[np.ndarray]:
    """All frames of a video as BGR uint8 arrays."""
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    cap.release()
    return frames


def limb_error(detected: np.ndarray, truth: np.ndarray, size: tuple[int, int], body_height_px: np.ndarray,
               *, swap_tolerant: bool = False, visible: np.ndarray | None = None) -> np.ndarray:
    """Mean 2D error of the 12 limb landmarks per frame, as a fraction of body height.

    With ``swap_tolerant`` each landmark is compared with both the true left and right joint and the
    nearer counts: MediaPipe mirror-labels whole bodies (and swaps overlapping near/far limbs in side
    views); the product picks the side by visibility or averages left/right, so a mirrored label is not
    a misplaced joint. With ``visible`` only the limb landmarks the ground truth says the camera can see
    are averaged (a hidden joint cannot be located by any detector); frames with none visible are NaN.

    Parameters
    ----------
    detected : ndarray of shape (T, 33, >=2)
        MediaPipe's normalised landmarks (NaN rows: not detected).
    truth : ndarray of shape (T, 33, >=2)
        Ground truth, normalised.
    size : tuple of int
        (width, height) in pixels.
    body_height_px : ndarray of shape (T,)
        The person's standing height in pixels at their distance.
    swap_tolerant : bool
        Forgive left/right label swaps (see above).
    visible : ndarray of shape (T, 33), bool, optional
        Ground-truth visibility (``ClipPlan.visible``, ``CLIP.json["visible"]``).

    Returns
    -------
    ndarray of shape (T,)
        NaN where not detected.
    """
    scale = np.array(size, float)
    limbs = list(LIMB_LANDMARKS)
    e = np.linalg.norm((detected[:, limbs, :2] - truth[:, limbs, :2]) * scale, axis=-1)
    if swap_tolerant:
        mirror = [LM[_mirror_name(LANDMARK_NAMES[i])] for i in limbs]
        e = np.minimum(e, np.linalg.norm((detected[:, limbs, :2] - truth[:, mirror, :2]) * scale, axis=-1))
    if visible is None:
        return e.mean(axis=1) / body_height_px
    w = np.asarray(visible, bool)[:, limbs]
    n = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.where(w, e, 0.0).sum(axis=1) / n, np.nan) / body_height_px


def measure_clip(out: Path | str, exercise: str, **plan_kwargs: object) -> dict:
    """Plan and write one clip, decode it and run MediaPipe over it: the arrays to score it.

    Module-level and returning plain arrays so that it runs in worker processes.

    Parameters
    ----------
    out : path
        The mp4 to write (``CLIP.json`` beside it).
    exercise : str
    **plan_kwargs
        Passed to :func:`repcheck.synth.clip.plan_clip`.

    Returns
    -------
    dict
        ``path`` (Path), ``n_video`` (frames decoded), ``n_frames`` (planned), ``detected`` (T, 33, 4)
        MediaPipe's landmarks, ``truth`` (T, 33, 3) ground truth, ``visible`` (T, 33) bool ground-truth
        visibility, ``body_px`` (T,) body height in pixels, ``size`` (w, h).
    """
    plan = plan_clip(exercise, **plan_kwargs)  # type: ignore[arg-type]
    path = write_clip(plan, out)
    frames = read_video(path)
    detected = run_mediapipe(frames)
    T = min(len(frames), plan.n_frames)
    return {"path": Path(path), "n_video": len(frames), "n_frames": plan.n_frames, "detected": detected[:T],
            "truth": plan.landmarks_image[:T], "visible": plan.visible[:T], "body_px": _body_height_px(plan)[:T],
            "size": plan.size}


def _mirror_name(name: str) -> str:
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    return name


def draw_landmarks(img: np.ndarray, truth: np.ndarray | None, detected: np.ndarray | None) -> np.ndarray:
    """Overlay ground truth (green crosses) and MediaPipe (red left / blue right) on a BGR frame.

    ``truth``/``detected``: ndarray of shape (33, >=2), normalised coordinates.
    """
    im = img.copy()
    h, w = im.shape[:2]
    if detected is not None and np.isfinite(detected[:, :2]).all():
        px = np.round(detected[:, :2] * (w, h)).astype(int)
        for a, b in SKELETON_EDGES:
            cv2.line(im, tuple(map(int, px[a])), tuple(map(int, px[b])), (255, 255, 255), 1, cv2.LINE_AA)
        for i, name in enumerate(LANDMARK_NAMES):
            col = (0, 255, 255) if i == 0 else ((0, 0, 255) if name.startswith("left") else (255, 128, 0))
            cv2.circle(im, tuple(map(int, px[i])), 3, col, -1, cv2.LINE_AA)
    if truth is not None:
        for i in LIMB_LANDMARKS:
            p = tuple(int(round(v)) for v in truth[i, :2] * (w, h))
            cv2.drawMarker(im, p, (0, 255, 0), cv2.MARKER_CROSS, 9, 2)
    return im


_VARIETY: tuple[tuple[str, str | None], ...] = (
    ("plank", None), ("plank", "hips_sag"), ("plank", "hips_pike"),
    ("upper_back_roll", None), ("upper_back_roll", "lower_back_arch"),
    ("lumbar_locked_rotation", None), ("lumbar_locked_rotation", "hips_move"),
    ("glute_bridge", None), ("glute_bridge", "lower_back_arch"), ("glute_bridge", "incomplete_extension"),
)
_VIEWS: tuple[str, ...] = ("side", "oblique", "other_side", "random", "high", "oblique45", "head_end",
                           "feet_end")


def make_contact_sheet(out: Path | str, *, n: int = 12, seed: int = 0, seconds: float = 3.0, fps: float = 10,
                       size: tuple[int, int] = (480, 270), columns: int = 4) -> list[dict]:
    """Render ``n`` varied clips (``seconds`` long, around the first rep or the hold, severity 1 when
    faulty), run MediaPipe over each decoded clip, write the grid PNG; returns one stats dict per tile
    (``limb_error``: swap-tolerant mean error of the limb landmarks visible in the ground truth, fraction of
    body height; ``limb_error_all``: the same over all 12)."""
    tiles, stats = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(n):
            exercise, fault = _VARIETY[k % len(_VARIETY)]
            view = _VIEWS[k % len(_VIEWS)]
            clip_seed = seed * 1000 + k
            length = {"seconds": 10.0} if exercise == "plank" else {"reps": 1}
            plan = plan_clip(exercise, fault=fault, severity=1.0 if fault else 0.0, clip_seconds=seconds,
                             seed=clip_seed, view=view, size=size, fps=fps, **length)
            path = write_clip(plan, Path(tmp) / f"clip{k}.mp4")
            frames = read_video(path)
            detected = run_mediapipe(frames)
            truth = plan.landmarks_image
            T = min(len(frames), truth.shape[0])
            err_all = limb_error(detected[:T], truth[:T], size, _body_height_px(plan)[:T], swap_tolerant=True)
            err = limb_error(detected[:T], truth[:T], size, _body_height_px(plan)[:T], swap_tolerant=True,
                             visible=plan.visible[:T])
            mid = T // 2
            tile = draw_landmarks(frames[mid], truth[mid], detected[mid])
            det = float(np.isfinite(detected[:T, 0, 0]).mean())
            e = float(np.nanmean(err)) if np.isfinite(err).any() else float("nan")
            caption = f"{exercise} {fault or 'ok'} | {view} | det {det:.0%} err {e:.1%}"
            cv2.rectangle(tile, (0, 0), (size[0], 16), (0, 0, 0), -1)
            cv2.putText(tile, caption, (3, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.36, (255, 255, 255), 1, cv2.LINE_AA)
            tiles.append(tile)
            stats.append({"exercise": exercise, "fault": fault, "view": view, "seed": clip_seed,
                          "detected": det, "limb_error": e, "limb_error_all": float(np.nanmean(err_all)),
                          "camera": plan.truth["params"]["camera"]})
    rows = []
    blank = np.zeros_like(tiles[0])
    for r in range(0, len(tiles), columns):
        row = tiles[r:r + columns]
        row += [blank] * (columns - len(row))
        rows.append(np.hstack(row))
    cv2.imwrite(str(out), np.vstack(rows))
    return stats


def _body_height_px(plan) -> np.ndarray:  # noqa: ANN001
    """Standing height of the clip's body in pixels at the hips' distance, per frame (T,)."""
    cam = plan.camera
    hips = plan.landmarks_world[:, [23, 24]].mean(axis=1)
    _, depth = cam.project(hips)
    height = float(plan.truth["params"]["body"].get("height", 1.75)) if isinstance(
        plan.truth["params"]["body"], dict) else 1.75
    return cam.focal_px * height / depth


def _sweep_clip(out: Path, exercise: str, kw: dict) -> tuple[float, float, float]:
    c = measure_clip(out, exercise, **kw)
    args = (c["detected"], c["truth"], c["size"], c["body_px"])
    err = limb_error(*args, swap_tolerant=True, visible=c["visible"])
    err_all = limb_error(*args, swap_tolerant=True)
    det = float(np.isfinite(c["detected"][:, 0, 0]).mean())
    return det, float(np.nanmean(err)), float(np.nanmean(err_all))


def sweep(exercise: str, seeds: Sequence[int], views: Sequence[str] = ("side", "oblique", "other_side"), *,
          workers: int = 2) -> list[dict]:
    """Detection and limb error of many small clips of one exercise, as the render test measures them.

    Every seed x view x {correct, the exercise's first fault at severity 1}; 480x270 at 8 fps, 2.5 s
    around the first rep (or an 8 s plank hold). Runs ``workers`` spawned processes.

    Returns
    -------
    list of dict
        ``fault`` (None = correct), ``view``, ``seed``, ``detected`` (fraction of frames), ``limb_error``
        (visible limb landmarks, swap-tolerant, fraction of body height), ``limb_error_all`` (all 12).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..exercises import get_exercise

    fault = get_exercise(exercise).fault_ids[0]
    length = {"seconds": 8.0} if exercise == "plank" else {"reps": 1}
    keys = [(f, v, s) for s in seeds for f in (None, fault) for v in views]
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futs = [pool.submit(_sweep_clip, Path(tmp) / f"{f or 'ok'}_{v}_{s}.mp4", exercise, dict(
            fault=f, severity=1.0 if f else 0.0, seed=s, view=v, size=(480, 270), fps=8, clip_seconds=2.5, **length))
                for f, v, s in keys]
        res = [fu.result() for fu in futs]
    return [{"fault": f, "view": v, "seed": s, "detected": d, "limb_error": e, "limb_error_all": ea}
            for (f, v, s), (d, e, ea) in zip(keys, res, strict=True)]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m repcheck.synth.contact_sheet", description=__doc__.split("\n")[0])
    ap.add_argument("--sweep", metavar="EXERCISE", help="measure clips of this exercise instead of a sheet")
    ap.add_argument("--seeds", default="120,121,122", help="--sweep: comma-separated seeds")
    ap.add_argument("--views", default="side,oblique,other_side", help="--sweep: comma-separated views")
    ap.add_argument("--out", help="PNG to write")
    ap.add_argument("--n", type=int, default=12, help="number of clips (default 12)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=3.0, help="length of each clip, around its first rep/hold")
    args = ap.parse_args(argv)
    if args.sweep:
        rows = sweep(args.sweep, [int(x) for x in args.seeds.split(",")], args.views.split(","))
        for r in rows:
            print(f"{str(r['fault'] or 'ok'):22s} {r['view']:10s} seed {r['seed']:4d} det {r['detected']:4.0%} "
                  f"limb error {r['limb_error']:.2%} (all 12: {r['limb_error_all']:.2%})")
        e = np.array([r["limb_error"] for r in rows])
        print(f"{len(rows)} clips: mean {np.nanmean(e):.2%}, median {np.nanmedian(e):.2%}, "
              f"over 4 %: {int((e > 0.04).sum())}, detection < 95 %: {sum(r['detected'] < 0.95 for r in rows)}")
        return 0
    if not args.out:
        ap.error("--out is required (or --sweep)")
    stats = make_contact_sheet(args.out, n=args.n, seed=args.seed, seconds=args.seconds)
    for s in stats:
        print(f"{s['exercise']:24s} {str(s['fault']):22s} {s['view']:10s} det {s['detected']:.0%} "
              f"limb error {s['limb_error']:.1%} of body height")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
