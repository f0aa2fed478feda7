"""The pipeline glue: video → pose → features → segment → judge → :class:`~repcheck.report.SetReport`.

:func:`analyze` takes a video file, :func:`analyze_landmarks` raw landmark arrays, :func:`analyze_track` a
:class:`~repcheck.landmarks.PoseTrack`; all three end in the same report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .errors import LandmarkShapeError, UnknownExerciseError
from .exercises import JUDGED_EXERCISES, ExerciseSpec, get_exercise
from .features import FAULT_LANDMARKS, compute_signals
from .judge import FaultModel, judge_segments, load_models
from .landmarks import PoseTrack, as_landmarks
from .pose import person_switches
from .report import SegmentResult, SetReport
from .segment import find_segments

__all__ = ["analyze", "analyze_track", "analyze_landmarks"]

#: Warn when the needed landmarks are invisible in more than this share of a hold / the reps.
WARN_INVISIBLE_SHARE = 0.25
#: Warn when a person was found in less than this share of the samples.
WARN_DETECTED_SHARE = 0.8


def _video_dict(track: PoseTrack, video: Any = None) -> dict[str, Any]:
    if video is not None:
        d = video.to_dict() if hasattr(video, "to_dict") else dict(video)
        return d
    src = track.source or {}
    duration = float(track.t[-1] - track.t[0]) if track.n_frames > 1 else 0.0
    w, h = track.frame_size
    return {
        "path": src.get("path"),
        "sha256": src.get("sha256"),
        "fps": float(track.fps) if track.fps else None,
        "frames": src.get("frames"),
        "duration_s": duration,
        "width": int(w),
        "height": int(h),
    }


def _warnings(spec: ExerciseSpec, signals, segments, results) -> list[str]:
    out: list[str] = []
    det = signals.quality["detected"]
    if signals.n == 0 or not det.any():
        return ["no person was found in the footage"]
    share = float(det.mean())
    if share < WARN_DETECTED_SHARE:
        out.append(f"no person found in {100 * (1 - share):.0f} % of the analysed frames")
    if not segments:
        what = "hold" if spec.kind == "hold" else "repetition"
        out.append(f"no {what} of {spec.title.lower()} found: check the exercise choice and the camera "
                   f"placement ({spec.camera})")
        return out
    # landmark visibility over the segments
    mask = np.zeros(signals.n, bool)
    for s in segments:
        mask[s.start_i : s.end_i + 1] = True
    what = "hold" if spec.kind == "hold" else "reps"
    groups: list[str] = []
    for f in spec.faults:
        for g in FAULT_LANDMARKS.get(f.measure, ()):
            if g not in groups:
                groups.append(g)
    for g in groups:
        vis = signals.quality[f"vis_{g}"][mask]
        bad = float(np.mean(vis < 0.5)) if vis.size else 0.0
        if bad > WARN_INVISIBLE_SHARE:
            out.append(f"{g} not visible in {100 * bad:.0f} % of the {what}")
    # unsure reasons, once each
    seen = set()
    for r in results:
        for f in r.faults:
            reason = f.evidence.get("reason")
            if f.verdict == "unsure" and reason and reason not in seen:
                seen.add(reason)
                out.append(f"{f.id}: {reason}")
    return out


def _holds_to_the_recording_end(results: list[SegmentResult], t: np.ndarray,
                                video: dict[str, Any]) -> list[SegmentResult]:
    """Holds the recording ends inside run to its last frame.

    A hold whose last sample is the set's last analysed sample was still going when the recording stopped; the
    frames after that sample (up to one analysis interval: 0.25 s of the plank's 4 samples/s, 8 % of a 3 s clip)
    were not read. Its end, and the end of every fault interval reaching that sample, move to the last frame's
    time (``(frames - 1) / fps`` of the video); tracks without video facts keep their sample times.

    Parameters
    ----------
    results : list of SegmentResult
    t : ndarray of shape (T,)
        Analysed sample times (s).
    video : dict
        The report's ``video`` field (``frames``, ``fps``).
    """
    frames, fps = video.get("frames"), video.get("fps")
    if not results or not t.size or not frames or not fps:
        return results
    last_t, last_frame_t = float(t[-1]), (int(frames) - 1) / float(fps)
    if last_frame_t <= last_t:
        return results
    out = []
    for seg in results:
        if seg.kind == "hold" and abs(seg.end_s - last_t) < 1e-6:
            faults = [replace(f, intervals=[(a, last_frame_t if abs(b - last_t) < 1e-6 else b) for a, b in f.intervals])
                      for f in seg.faults]
            seg = replace(seg, end_s=last_frame_t, faults=faults)
        out.append(seg)
    return out


def analyze_track(
    track: PoseTrack,
    exercise: str | ExerciseSpec,
    *,
    models: dict[str, FaultModel] | str | Path | None = None,
    video: Any = None,
) -> SetReport:
    """Analyse a pose track: features → segments → judgements → report.

    Parameters
    ----------
    track : PoseTrack
    exercise : str or ExerciseSpec
    models : dict, path, "rules" or None
        Passed to :func:`repcheck.judge.judge_segments` (None: the shipped models).
    video : VideoInfo or dict, optional
        Container facts for the report's ``video`` field (default: from the track).

    Raises
    ------
    UnknownExerciseError
        Exercise id not in the registry or not judged yet.
    """
    spec = get_exercise(exercise)
    signals = compute_signals(track, spec)
    segments, info = find_segments(signals, spec)
    results, timeline = judge_segments(signals, segments, spec, models=models)
    video_facts = _video_dict(track, video)
    results = _holds_to_the_recording_end(results, signals.t, video_facts)
    # the segmenter's own warnings (e.g. a stretch of the set it cannot read) after the generic ones
    warnings = _warnings(spec, signals, segments, results) + list(info.get("warnings", ()))
    zoomed = track.source.get("zoomed")
    if zoomed:
        left, top, right, bottom = (round(100 * v) for v in zoomed["region"])
        warnings.append(f"the body (shoulders to ankles) is only {100 * zoomed['body_length']:.0f} % of the frame "
                        f"long, too small for the pose model to find reliably, so it read the part around it "
                        f"({left}-{right} % across, {top}-{bottom} % down) zoomed in: film from closer, so the "
                        "body fills more of the frame")
    for t_s, jump in person_switches(track):
        warnings.append(f"the pose moved from one person to another at {t_s:.1f} s (across {100 * jump:.0f} % of "
                        "the frame): if someone else is in the picture, mark the part of the frame to read "
                        "(--region, or region= in Python)")
    sig = dict(signals.values)
    sig.update({f"quality_{k}": v for k, v in signals.quality.items()})
    sig["t"] = signals.t
    return SetReport(
        exercise=spec.id,
        video=video_facts,
        segments=results,
        timeline=timeline,
        warnings=warnings,
        track=track,
        signals=sig,
    )


def analyze_landmarks(
    image_landmarks: Any,
    fps: float,
    exercise: str | ExerciseSpec,
    frame_size: tuple[int, int] = (1280, 720),
    world_landmarks: Any = None,
    *,
    t: Any = None,
    models: dict[str, FaultModel] | str | Path | None = None,
) -> SetReport:
    """Analyse landmark arrays directly (no video).

    Parameters
    ----------
    image_landmarks : array-like of shape (T, 33, 4) or (T, 33, 3)
        Normalised image landmarks; NaN anywhere allowed (e.g. 17-of-33 input with NaN for the rest).
    fps : float
        Sample rate of the landmarks (samples per second).
    exercise : str or ExerciseSpec
    frame_size : (int, int)
        Width, height in pixels of the frames the landmarks are normalised to.
    world_landmarks : array-like of shape (T, 33, 4), optional
    t : array-like of shape (T,), optional
        Sample times in seconds (default ``arange(T) / fps``).

    Raises
    ------
    LandmarkShapeError
        Wrong shape/dtype of the arrays, non-positive fps or frame size.
    UnknownExerciseError
        Unknown exercise id.
    """
    spec = get_exercise(exercise)
    img = as_landmarks(image_landmarks, "image_landmarks")
    world = None if world_landmarks is None else as_landmarks(world_landmarks, "world_landmarks")
    if world is not None and world.shape != img.shape:
        raise LandmarkShapeError(f"world_landmarks shape {world.shape} differs from image_landmarks {img.shape}")
    try:
        fps_f = float(fps)
    except (TypeError, ValueError):
        raise LandmarkShapeError(f"fps must be a positive number, got {fps!r}") from None
    if not np.isfinite(fps_f) or fps_f <= 0:
        raise LandmarkShapeError(f"fps must be a positive number, got {fps!r}")
    try:
        w, h = (int(v) for v in frame_size)
    except (TypeError, ValueError):
        raise LandmarkShapeError(f"frame_size must be (width, height) in pixels, got {frame_size!r}") from None
    if w <= 0 or h <= 0:
        raise LandmarkShapeError(f"frame_size must be positive (width, height), got {frame_size!r}")
    T = img.shape[0]
    if t is None:
        tt = np.arange(T, dtype=float) / fps_f
    else:
        tt = np.asarray(t, dtype=float)
        if tt.shape != (T,) or not np.all(np.isfinite(tt)) or (T > 1 and np.any(np.diff(tt) <= 0)):
            raise LandmarkShapeError(f"t must be {T} increasing finite times in seconds")
    track = PoseTrack(image=img, t=tt, frame_size=(w, h), fps=fps_f, world=world,
                      source={"kind": "landmarks"})
    report = analyze_track(track, spec, models=models)
    return report


def analyze(
    path: str | Path,
    exercise: str | ExerciseSpec | None = None,
    *,
    settings: Any = None,
    cache_dir: str | Path | None = None,
    progress: Callable[..., Any] | None = None,
    models: dict[str, FaultModel] | str | Path | None = None,
    stats: dict | None = None,
    region: tuple[float, float, float, float] | None = None,
) -> SetReport:
    """Analyse a recorded set from a video file.

    Parameters
    ----------
    path : path
        The video.
    exercise : str or ExerciseSpec
        Which exercise the set is (required: repcheck does not detect exercises yet).
    settings : repcheck.pose.PoseSettings, optional
        Default ``PoseSettings()``: the exercise's ``analysis_fps`` samples per second (an explicit
        ``sample_fps`` overrides it, ``None`` analyses every frame).
    cache_dir : path, optional
        Pose cache directory (default: the pose stage's default).
    progress : callable, optional
        Progress callback passed to the pose stage.
    models : dict, path, "rules" or None
        As :func:`analyze_track` (None: the shipped models, loaded while the pose stage runs).
    stats : dict, optional
        Filled with the pose stage's figures (:func:`repcheck.pose.extract_pose`) plus ``models_wait_s``
        (seconds waited for the classifiers after the pose stage) and ``analysis_s`` (features +
        segmentation + judgement).
    region : (left, top, right, bottom), optional
        Analyse only this part of the frame (shares of its width and height, 0..1), to leave out someone
        else in the frame: the pose model follows one person (see :class:`repcheck.pose.PoseSettings`).
        Overrides ``settings.region``.

    Raises
    ------
    UnknownExerciseError
        ``exercise`` missing or unknown.
    repcheck.errors.VideoError, NoPersonError
        From the video / pose stages.
    """
    if exercise is None:
        raise UnknownExerciseError(
            f"choose the exercise of this video (exercise=...); one of: {', '.join(JUDGED_EXERCISES)}"
        )
    spec = get_exercise(exercise)
    from .pose import PoseSettings, extract_pose
    from .video import probe

    if region is not None:
        settings = replace(settings or PoseSettings(), region=tuple(region))

    # Loading the shipped classifiers (importing skops imports every scikit-learn estimator: ~1 s CPU in a
    # fresh process) runs while the pose stage decodes and runs MediaPipe (which release the GIL; see
    # repcheck.pose). It starts once the pose stage is past its own GIL-bound start-up (the mediapipe
    # import, ~1 s), or at once on a cache hit, so that the two imports do not delay the trackers.
    preload = None
    pose_ready = threading.Event()
    if models is None:
        preload = threading.Thread(target=_warm_models, args=(spec, pose_ready), name="repcheck-load-models",
                                   daemon=True)
        preload.start()
    stats = stats if stats is not None else {}
    try:
        track = extract_pose(path, settings=settings, cache_dir=cache_dir, progress=progress, stats=stats,
                             exercise=spec, on_ready=pose_ready.set)
    finally:
        pose_ready.set()
        t0 = time.perf_counter()
        if preload is not None:
            preload.join()
        stats["models_wait_s"] = time.perf_counter() - t0
    # the container facts: kept with the pose track (a cache hit opens neither the video nor reads it
    # all to hash it again); probed for tracks cached before they were kept
    video = track.source.get("video") if isinstance(track.source.get("video"), dict) else probe(path).to_dict()
    t0 = time.perf_counter()
    report = analyze_track(track, spec, models=models, video=video)
    stats["analysis_s"] = time.perf_counter() - t0
    return report


def _warm_models(spec: ExerciseSpec, start: threading.Event) -> None:
    """Fill the per-process cache of shipped models once ``start`` is set; a bad file is reported later
    by the judge stage."""
    start.wait()
    try:
        load_models(spec)
    except Exception:  # noqa: BLE001 - judge_segments raises the same error with its context
        pass
