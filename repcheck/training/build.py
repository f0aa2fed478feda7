"""Regenerate ``training_data/``: render synthetic clips, run the real MediaPipe on them, store examples.

    python -m repcheck.training.build --out training_data            # the shipped set (render + MediaPipe)
    python -m repcheck.training.build --mode video --out benchmarks/heldout --seed 7 --body-seed 9000 --scale 0.4
                                                                      # a held-out folder of mp4 + CLIP.json
    python -m repcheck.training.build --mode fast --out /tmp/td       # projected landmarks only (tests)

Each clip is one :class:`ClipJob`: exercise, fault, severity (one per rep for rep exercises, mixing
correct and faulty reps), seed, camera view, and a body from a fixed pool (``--bodies`` identities, each a
:class:`~repcheck.synth.body.BodyShape` + :class:`~repcheck.synth.scene.Look` drawn from ``--body-seed``)
so grouped cross-validation has repeated bodies to hold out; rooms and cameras are drawn from the clip's
seed (a new room and camera per clip).

``render`` mode: ``repcheck.synth.clip.plan_clip`` → mp4 (OpenCV ``mp4v``, 480×270, 10 fps) in a temporary
folder → ``repcheck.pose.extract_pose`` (every frame, MediaPipe video mode, one process per clip) →
example (``.npz`` + ``.json``). The mp4 is not kept. Jobs run in a process pool (``--jobs 2``); an
example already on disk is skipped, so an interrupted build resumes. Cost measured on the 2-core dev
machine: see ``training_data/README.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from .dataset import Example, LabelledSegment, write_example

__all__ = ["ClipJob", "plan_jobs", "run_job", "build", "main", "DEFAULT_COUNTS"]

#: Clips per exercise of the shipped set (about 2 500 s of rendering + MediaPipe on 2 cores).
DEFAULT_COUNTS: dict[str, int] = {"plank": 24, "upper_back_roll": 14, "lumbar_locked_rotation": 14,
                                  "glute_bridge": 18}
#: Reps per clip of the rep exercises (locked rotation: one more, so both sides appear more often).
DEFAULT_REPS = 2
#: Camera views and their shares: side-on to 45° (the placements the product asks for) plus a few high.
VIEWS: tuple[str, ...] = ("side", "other_side", "oblique", "oblique45", "high")
VIEW_P: tuple[float, ...] = (0.28, 0.22, 0.2, 0.2, 0.1)
#: Share of reps within a faulty rep clip that are done correctly.
CORRECT_REP_SHARE = 0.35
#: Fault severities of a plan: uniform in this range (0..1, see :mod:`repcheck.synth.motions` for each fault's
#: physical value at a severity).
SEVERITY_RANGE: tuple[float, float] = (0.05, 1.0)
#: ... and of a plan drawn near the boundaries (``--severity 0.15 0.7``): every fault's boundary lies in it —
#: the plank's sag at 0.23–0.39 (with the tuck of 2–8 cm) and pike at 0.07–0.29, the roll's arch at 0.33, the
#: bridge's arch at 0.4 and short top at 0.375, the rotation's lift at 0.4–0.7 (lift share 0.6–1). Drawn from
#: 0.05–1 the training set had 6 bridge reps arching 5–15° against 18 arching 15–26°, and the models' line
#: fell where the data allowed, not where the boundary is.
NEAR_BOUNDARY_SEVERITY: tuple[float, float] = (0.15, 0.7)


@dataclass(frozen=True)
class ClipJob:
    """One synthetic clip to produce.

    Attributes
    ----------
    id : str
        Example id (file stem).
    exercise : str
    fault : str or None
    severity : float or list of float
        0..1 (one per rep for rep exercises).
    reps : int or None
    seconds : float or None
        Hold length (plank).
    seed : int
        The clip's seed (motion noise, outfit, room, camera, sensor).
    view : str
    body : int
        Index into the body pool.
    body_seed : int
        Seed of the body pool.
    fps : float
    size : tuple of int
    """

    id: str
    exercise: str
    fault: str | None
    severity: float | list[float]
    reps: int | None
    seconds: float | None
    seed: int
    view: str
    body: int
    body_seed: int
    fps: float = 10.0
    size: tuple[int, int] = (480, 270)

    def groups(self) -> dict[str, str]:
        return {"body": f"b{self.body_seed}-{self.body}", "room": f"r{self.seed}", "camera": f"c{self.seed}"}


def plan_jobs(
    *,
    counts: dict[str, int] | None = None,
    seed: int = 0,
    bodies: int = 16,
    body_seed: int = 1000,
    fps: float = 10.0,
    size: tuple[int, int] = (480, 270),
    scale: float = 1.0,
    views: Sequence[str] = VIEWS,
    view_p: Sequence[float] | None = VIEW_P,
    prefix: str = "",
    reps: int = DEFAULT_REPS,
    severity: tuple[float, float] = SEVERITY_RANGE,
) -> list[ClipJob]:
    """The list of clips of a build (deterministic in its arguments), exercises interleaved so that a
    partial build is balanced.

    Holds (plank): a third correct, a third ``hips_sag``, a third ``hips_pike``, severities uniform in
    ``severity`` (default 0.05–1, so the boundary region is covered), holds of 5–8 s. Rep exercises: ``reps``
    reps (locked rotation one more), a fifth of the clips all correct, the others one fault with per-rep
    severities (each rep correct with probability :data:`CORRECT_REP_SHARE`, else uniform in ``severity``).
    A narrower ``severity`` (:data:`NEAR_BOUNDARY_SEVERITY`) draws the same plan's faults near the boundaries.
    """
    from ..exercises import get_exercise

    lo, hi = (float(v) for v in severity)

    counts = dict(DEFAULT_COUNTS if counts is None else counts)
    rng = np.random.default_rng([seed, 4242])
    p = None if view_p is None else np.asarray(view_p, float)[: len(views)]
    if p is not None:
        p = p / p.sum()
    per: list[list[ClipJob]] = []
    clip_seed = seed * 100_000
    for exercise, n in counts.items():
        spec = get_exercise(exercise)
        n = max(1, int(round(n * scale)))
        faults = list(spec.fault_ids)
        jobs: list[ClipJob] = []
        per.append(jobs)
        for i in range(n):
            clip_seed += 1
            view = str(views[int(rng.choice(len(views), p=p))])
            body = int(rng.integers(bodies))
            if spec.kind == "hold":
                k = i % (len(faults) + 1)
                fault = None if k == 0 else faults[k - 1]
                sev: float | list[float] = 0.0 if fault is None else round(float(rng.uniform(lo, hi)), 3)
                n_reps, seconds = 0, round(float(rng.uniform(5.0, 8.0)), 2)
            else:
                n_reps = reps + 1 if exercise == "lumbar_locked_rotation" else reps
                seconds = None
                if i % 5 == 0:
                    fault, sev = None, 0.0
                else:
                    fault = faults[i % len(faults)]
                    s = np.where(rng.random(n_reps) < CORRECT_REP_SHARE, 0.0, rng.uniform(lo, hi, n_reps))
                    if not (s > 0).any():
                        s[int(rng.integers(n_reps))] = float(rng.uniform(lo, hi))
                    sev = [round(float(v), 3) for v in s]
            jobs.append(ClipJob(id=f"{prefix}{exercise}-{clip_seed:07d}", exercise=exercise, fault=fault,
                                severity=sev, reps=None if spec.kind == "hold" else n_reps, seconds=seconds,
                                seed=clip_seed, view=view, body=body, body_seed=body_seed, fps=fps,
                                size=tuple(size)))
    order: list[ClipJob] = []
    for k in range(max((len(j) for j in per), default=0)):
        order += [j[k] for j in per if k < len(j)]
    return order


def _body_and_look(job: ClipJob):
    from ..synth.body import BodyShape
    from ..synth.scene import sample_look

    body = BodyShape.sample(np.random.default_rng([job.body_seed, job.body]))
    look = sample_look(np.random.default_rng([job.body_seed, job.body, 1]))
    return body, look


def _plan(job: ClipJob):
    from ..synth.clip import plan_clip

    body, look = _body_and_look(job)
    return plan_clip(job.exercise, fault=job.fault, severity=job.severity, reps=job.reps, seconds=job.seconds,
                     seed=job.seed, view=job.view, size=job.size, fps=job.fps, look=look, body=body)


def _segments(truth_segments: list[dict[str, Any]]) -> list[LabelledSegment]:
    return [LabelledSegment(kind=s["kind"], start_s=float(s["start_s"]), end_s=float(s["end_s"]),
                            side=s.get("side"), faults={k: {kk: vv for kk, vv in v.items()
                                                            if kk in ("severity", "value", "unit", "label")}
                                                        for k, v in (s.get("faults") or {}).items()})
            for s in truth_segments]


def _sample_values(motion: Any, exercise: str, t: np.ndarray) -> dict[str, np.ndarray]:
    from ..exercises import get_exercise

    spec = get_exercise(exercise)
    out = {}
    truth = getattr(motion, "truth", None) or {}
    if spec.kind != "hold":
        return out
    for f in spec.faults:
        if f.measure in truth:
            out[f.id] = np.asarray(motion.fault_value(t, f.measure), float)
    return out


def _provenance(job: ClipJob, params: dict[str, Any]) -> dict[str, Any]:
    return {"generator": "repcheck.training.build", "job": {**asdict(job), "size": list(job.size)},
            "params": params}


def run_job(job: ClipJob, out_dir: str | Path, mode: str = "render") -> dict[str, Any]:
    """Produce one clip's example (``render``/``fast``) or video + CLIP.json (``video``).

    Returns a summary dict (``id``, ``frames``, ``detected`` share, ``seconds``, ``error``).
    """
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    try:
        plan = _plan(job)
        truth = plan.truth
        if mode == "video":
            from ..synth.clip import write_clip

            write_clip(plan, out_dir / f"{job.id}.mp4")
            return {"id": job.id, "frames": plan.n_frames, "detected": None,
                    "seconds": round(time.perf_counter() - t0, 1), "error": None}
        if mode == "heldout":
            from ..pose import extract_pose
            from ..synth.clip import write_clip

            mp4 = write_clip(plan, out_dir / f"{job.id}.mp4")
            # the analyser's settings for this exercise (its sample rate) and cache: `repcheck evaluate` reuses it
            track = extract_pose(mp4, exercise=job.exercise)
            det = float(np.mean(track.detected())) if track.n_frames else 0.0
            return {"id": job.id, "frames": plan.n_frames, "detected": round(det, 3),
                    "seconds": round(time.perf_counter() - t0, 1), "error": None}
        if mode == "render":
            from ..pose import PoseSettings, extract_pose
            from ..synth.clip import write_clip

            with tempfile.TemporaryDirectory(prefix="repcheck-build-") as tmp:
                mp4 = write_clip(plan, Path(tmp) / f"{job.id}.mp4")
                track = extract_pose(mp4, settings=PoseSettings(sample_fps=None, workers=1), use_cache=False)
            pose = {"extractor": track.source.get("extractor"), "settings": track.source.get("settings")}
        elif mode == "fast":
            track = _fast_track(plan, job)
            track = dataclasses.replace(track, world=None)  # not MediaPipe's: world landmarks left out
            pose = {"extractor": "projected ground truth + noise (fast path)", "settings": {}}
        else:
            raise ValueError(f"unknown mode {mode!r}")
        from ..landmarks import PoseTrack

        track = PoseTrack(image=track.image, t=track.t, frame_size=track.frame_size, fps=track.fps,
                          world=track.world, source={})
        params = {k: v for k, v in truth.get("params", {}).items()}
        ex = Example(id=job.id, exercise=job.exercise, source="synthetic", track=track,
                     segments=_segments(truth.get("segments", [])),
                     sample_values=_sample_values(plan.motion, job.exercise, track.t), groups=job.groups(),
                     provenance=_provenance(job, params), pose=pose)
        write_example(out_dir, ex)
        det = float(np.mean(np.isfinite(track.image[:, :, 0]).any(axis=1))) if track.n_frames else 0.0
        return {"id": job.id, "frames": track.n_frames, "detected": round(det, 3),
                "seconds": round(time.perf_counter() - t0, 1), "error": None}
    except Exception as exc:  # noqa: BLE001 - one bad clip must not stop a 30-minute build
        return {"id": job.id, "frames": 0, "detected": None, "seconds": round(time.perf_counter() - t0, 1),
                "error": f"{type(exc).__name__}: {exc}"}


def _fast_track(plan: Any, job: ClipJob):
    """MediaPipe-like track without rendering: SYNTH-BODY's ``project_track`` when present, else the
    projected ground truth with jitter (1 px) and visibility 0.9."""
    from ..landmarks import PoseTrack

    rng = np.random.default_rng([job.seed, 99])
    try:
        from ..synth.landmark_tracks import MediaPipeNoise, project_track

        return project_track(plan.motion, plan.camera, job.fps, rng=rng, noise=MediaPipeNoise())
    except ImportError:
        pass
    img = np.asarray(plan.landmarks_image, float).copy()
    w, h = plan.size
    img[..., 0] += rng.normal(0, 1.0 / w, img.shape[:2])
    img[..., 1] += rng.normal(0, 1.0 / h, img.shape[:2])
    vis = np.full(img.shape[:2] + (1,), 0.9)
    world = np.asarray(plan.landmarks_world, float).copy()
    hips = world[:, [23, 24]].mean(axis=1, keepdims=True)
    world = (world - hips) * np.array([1.0, -1.0, 1.0])
    return PoseTrack(image=np.concatenate([img, vis], axis=2), t=np.asarray(plan.times, float),
                     frame_size=(w, h), fps=float(job.fps), world=np.concatenate([world, vis], axis=2))


def _done(job: ClipJob, out_dir: Path, mode: str) -> bool:
    if mode in ("video", "heldout"):
        return (out_dir / f"{job.id}.mp4").exists() and (out_dir / f"{job.id}.json").exists()
    return (out_dir / f"{job.id}.json").exists() and (out_dir / f"{job.id}.npz").exists()


def build(jobs: list[ClipJob], out_dir: str | Path, *, mode: str = "render", workers: int = 2,
          log: Any = print) -> list[dict[str, Any]]:
    """Run ``jobs`` (skipping those already on disk) with a process pool of ``workers``; return summaries."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = [j for j in jobs if not _done(j, out_dir, mode)]
    log(f"{len(jobs)} clips planned, {len(jobs) - len(todo)} already built, {len(todo)} to {mode} "
        f"with {workers} worker(s) → {out_dir}")
    results: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    frames = 0
    if workers <= 1:
        it = (run_job(j, out_dir, mode) for j in todo)
        for k, r in enumerate(it, 1):
            frames += r["frames"]
            results.append(r)
            _log_one(log, r, k, len(todo), frames, t0)
        return results
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futs = [pool.submit(run_job, j, out_dir, mode) for j in todo]
        for k, fut in enumerate(as_completed(futs), 1):
            r = fut.result()
            frames += r["frames"]
            results.append(r)
            _log_one(log, r, k, len(todo), frames, t0)
    return results


def _log_one(log: Any, r: dict[str, Any], k: int, n: int, frames: int, t0: float) -> None:
    el = time.perf_counter() - t0
    status = f"ERROR {r['error']}" if r["error"] else f"{r['frames']} frames, detected {r['detected']}"
    log(f"[{k}/{n}] {r['id']}: {status} ({r['seconds']} s; total {el:.0f} s, {frames / max(el, 1e-9):.1f} frames/s)",
        flush=True)


def _parse_size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m repcheck.training.build``: see the module docstring."""
    ap = argparse.ArgumentParser(prog="python -m repcheck.training.build", description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="training_data", help="output folder (default training_data; examples go "
                    "to OUT/synthetic in render/fast mode)")
    ap.add_argument("--mode", choices=("render", "fast", "video", "heldout"), default="render",
                    help="render: examples via MediaPipe (default); fast: projected landmarks; video: mp4 + "
                    "CLIP.json only; heldout: mp4 + CLIP.json + MediaPipe into the pose cache")
    ap.add_argument("--reps", type=int, default=DEFAULT_REPS, help=f"reps per rep clip (default {DEFAULT_REPS})")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the clip plan (default 0)")
    ap.add_argument("--body-seed", type=int, default=1000, help="seed of the body pool (default 1000)")
    ap.add_argument("--bodies", type=int, default=16, help="bodies in the pool (default 16)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the clip counts (default 1)")
    ap.add_argument("--only", nargs="*", help="exercises to build (default all judged)")
    ap.add_argument("--views", nargs="*", help=f"camera views (default {' '.join(VIEWS)} with shares "
                    f"{', '.join(map(str, VIEW_P))}; given views are equally likely)")
    ap.add_argument("--severity", type=float, nargs=2, metavar=("LO", "HI"), default=SEVERITY_RANGE,
                    help=f"fault severities uniform in LO..HI (default {SEVERITY_RANGE[0]} {SEVERITY_RANGE[1]}; "
                    f"{NEAR_BOUNDARY_SEVERITY[0]} {NEAR_BOUNDARY_SEVERITY[1]} draws them near every fault's boundary)")
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--size", type=_parse_size, default=(480, 270), help="WxH (default 480x270)")
    ap.add_argument("--limit", type=int, help="build at most this many clips (smoke runs)")
    ap.add_argument("--plan", action="store_true", help="print the plan and exit")
    args = ap.parse_args(argv)
    views, view_p = (tuple(args.views), None) if args.views else (VIEWS, VIEW_P)
    prefix = {"video": "h-", "heldout": "h-", "fast": "f-"}.get(args.mode, "")
    # --only filters the full plan, so a clip keeps its seed (room, camera, body) whichever exercises are built
    jobs = plan_jobs(counts=dict(DEFAULT_COUNTS), seed=args.seed, bodies=args.bodies, body_seed=args.body_seed,
                     fps=args.fps, size=args.size, scale=args.scale, views=views, view_p=view_p, prefix=prefix,
                     reps=args.reps, severity=tuple(args.severity))
    if args.only:
        jobs = [j for j in jobs if j.exercise in set(args.only)]
    if args.limit:
        jobs = jobs[: args.limit]
    if args.plan:
        for j in jobs:
            print(json.dumps(asdict(j)))
        return 0
    out = Path(args.out) / {"render": "synthetic", "fast": "fast"}.get(args.mode, "")
    t0 = time.perf_counter()
    res = build(jobs, out, mode=args.mode, workers=args.jobs)
    errors = [r for r in res if r["error"]]
    frames = sum(r["frames"] for r in res)
    print(f"done: {len(res) - len(errors)} clips, {frames} frames in {time.perf_counter() - t0:.0f} s "
          f"({len(errors)} failed)")
    for r in errors:
        print(f"  failed {r['id']}: {r['error']}", file=sys.stderr)
    return 0 if not errors else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
