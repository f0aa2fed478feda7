"""Synthetic clips with ground truth: a sampled person doing an exercise (with or without a fault),
filmed by a sampled phone in a sampled room, written as mp4 plus ``CLIP.json``.

``render_clip`` is the Python entry point; ``repcheck synth`` (``add_synth_arguments`` / ``run_synth``,
or ``synth_main(argv)`` standalone) is the command line.

Everything random comes from ``numpy.random.default_rng(seed)`` in a fixed order (body, outfit, motion,
scene, camera, sensor noise), so one seed gives the same frames.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, is_dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..errors import RepcheckError
from ..exercises import JUDGED_EXERCISES, get_exercise
from ..landmarks import LM
from .camera import Camera
from .render import Renderer
from .scene import CAMERA_VIEWS, Look, Scene, degrade_frame, sample_camera, sample_lighting, sample_scene

__all__ = [
    "ClipPlan",
    "SynthArgumentError",
    "add_synth_arguments",
    "landmark_visibility",
    "plan_clip",
    "render_clip",
    "run_synth",
    "synth_main",
    "SCHEMA",
]

SCHEMA = "repcheck.synth/1"
#: The 12 limb landmarks the renderer is validated on (shoulders, elbows, wrists, hips, knees, ankles).
LIMB_LANDMARKS: tuple[int, ...] = (11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
#: A landmark is hidden when the camera's ray to it hits a shape that does not contain it at least this
#: far (metres) before reaching it (a joint sits inside its own limb, a few cm under the surface).
OCCLUSION_MARGIN = 0.04


class SynthArgumentError(RepcheckError, ValueError):
    """A synthetic-clip request that cannot be rendered (unknown fault, bad size, bad severity...)."""


# ------------------------------------------------------------------------------------------ helpers
def _jsonable(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return _jsonable(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        return None if not np.isfinite(obj) else round(float(obj), 4)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    return obj


def project_landmarks(camera: Camera, points: np.ndarray) -> np.ndarray:
    """Ground-truth image landmarks in MediaPipe's convention.

    Parameters
    ----------
    camera : Camera
    points : ndarray of shape (T, 33, 3)
        World positions in metres.

    Returns
    -------
    ndarray of shape (T, 33, 3)
        x, y normalised to the frame (0..1, y down); z: depth relative to the hips' midpoint, scaled
        like x (negative = nearer the camera), MediaPipe's image-landmark convention.
    """
    uv, depth = camera.project(points)
    hip_depth = depth[:, [LM["left_hip"], LM["right_hip"]]].mean(axis=1, keepdims=True)
    z = (depth - hip_depth) * camera.focal_px / hip_depth / camera.width
    return np.stack([uv[..., 0] / camera.width, uv[..., 1] / camera.height, z], axis=-1)


def landmark_visibility(camera: Camera, points: np.ndarray, prims: Sequence[Any], *,
                        margin: float = OCCLUSION_MARGIN) -> np.ndarray:
    """Which landmarks the camera can see: ground-truth visibility by ray casting.

    A landmark is hidden when the ray from the camera to its 3D point hits a primitive that does not
    contain the point (another body part, the foam roller, furniture) more than ``margin`` before the
    point. Primitives that contain it (its own limb, the torso around a shoulder) do not hide it.

    Parameters
    ----------
    camera : Camera
    points : ndarray of shape (33, 3)
        Landmark world positions, metres.
    prims : sequence of Primitive
        Everything in the frame that can occlude: posed body, props, room clutter.
    margin : float
        Metres.

    Returns
    -------
    ndarray of shape (33,), bool
        True where visible.
    """
    pts = np.asarray(points, float)
    o = np.asarray(camera.position, float)
    v = pts - o
    dist = np.linalg.norm(v, axis=1)
    dirs = v / np.maximum(dist, 1e-9)[:, None]
    first = np.full(len(pts), np.inf)
    for p in prims:
        t, _ = p.intersect(o, dirs)
        first = np.minimum(first, np.where(p.contains(pts), np.inf, t))
    return first >= dist - margin


def _label_rules(exercise: str) -> dict[str, str]:
    spec = get_exercise(exercise)
    return {f.id: f"{f.measure} {'>' if f.direction > 0 else '<'} {f.boundary:g} ({f.unit})"
            for f in spec.faults}


def _body_axes(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Centre (3,), horizontal head direction (3,) and length (m) of a body from landmarks (T, 33, 3)."""
    flat = points.reshape(-1, 3)
    lo, hi = np.nanmin(flat, 0), np.nanmax(flat, 0)
    center = (lo + hi) / 2
    sh = points[:, [LM["left_shoulder"], LM["right_shoulder"]]].mean(axis=(0, 1))
    an = points[:, [LM["left_ankle"], LM["right_ankle"]]].mean(axis=(0, 1))
    hd = np.array([sh[0] - an[0], 0.0, sh[2] - an[2]])
    if np.linalg.norm(hd) < 0.15:  # upright / kneeling bodies: face direction instead
        nose = points[:, LM["nose"]].mean(0)
        hip = points[:, [LM["left_hip"], LM["right_hip"]]].mean(axis=(0, 1))
        hd = np.array([nose[0] - hip[0], 0.0, nose[2] - hip[2]])
    if np.linalg.norm(hd) < 1e-6:
        hd = np.array([1.0, 0.0, 0.0])
    hd /= np.linalg.norm(hd)
    along = flat[:, [0, 2]] @ hd[[0, 2]]
    across = flat[:, [0, 2]] @ np.array([-hd[2], hd[0]])
    length = float(max(np.ptp(along), np.ptp(across) * 0.5, hi[1] - lo[1]) + 0.25)
    return center, hd, length


# ------------------------------------------------------------------------------------------ plan
@dataclass(frozen=True)
class ClipPlan:
    """Everything sampled for one clip, ready to render frame by frame.

    Attributes
    ----------
    exercise : str
    fps : float
    size : tuple of int
        (width, height) in pixels.
    times : ndarray of shape (T,)
        Frame times in seconds.
    landmarks_world : ndarray of shape (T, 33, 3)
        MediaPipe's 33 landmarks on the body, world metres (y up).
    landmarks_image : ndarray of shape (T, 33, 3)
        The same projected into the frame (see :func:`project_landmarks`).
    camera : Camera
    scene : Scene
    truth : dict
        The ``CLIP.json`` content: schema, exercise, fps, size, frames, duration_s, segments (times in
        the clip, ``clipped`` when the clip shows only part of it), label_rule, truth_per_frame (holds:
        the fault measure per frame, e.g. ``hip_offset_cm``), params (seed, view, camera, body, outfit,
        look, room, lighting, sensor, motion), landmarks (T, 33, 3), visible (T, 33) 0/1: the
        ground-truth visibility of each landmark (see :func:`landmark_visibility`).
    visible : ndarray of shape (T, 33), bool
        Ground-truth visibility of each landmark to the camera (self-occlusion, the foam roller).
    """

    exercise: str
    fps: float
    size: tuple[int, int]
    times: np.ndarray
    landmarks_world: np.ndarray
    landmarks_image: np.ndarray
    camera: Camera
    scene: Scene
    truth: dict
    motion: Any
    outfit: Any
    seed: int
    t0: float = 0.0
    sensor_noise: bool = True
    shadows: bool = True
    visible: np.ndarray | None = None

    @property
    def n_frames(self) -> int:
        return int(self.times.shape[0])

    def primitives_at(self, i: int) -> list:
        """The posed, dressed body and the props at frame ``i``."""
        return _frame_primitives(self.motion, self.outfit, self.t0 + float(self.times[i]))

    def iter_frames(self) -> Iterator[np.ndarray]:
        """Rendered frames, shape (H, W, 3) uint8 BGR, after the sensor model (noise + blur)."""
        renderer = Renderer(self.camera, self.scene, shadows=self.shadows,
                            hair_on=getattr(self.outfit, "hair", "short") != "bald")
        noise_rng = np.random.default_rng([self.seed, 7])
        for i in range(self.n_frames):
            img = renderer.render(self.primitives_at(i))
            if self.sensor_noise:
                img = degrade_frame(img, noise_rng, noise_sigma=2.0, blur_sigma=0.5)
            yield img


def _frame_primitives(motion: Any, outfit: Any, t: float) -> list:
    from .mannequin import dress

    prims = list(dress(motion.pose_at(t), outfit))
    props = getattr(motion, "props", None)
    if callable(props):
        prims += list(props(t))
    elif props:
        prims += list(props)
    return prims


def _check_request(exercise: str, fault: str | None, severity: float | Sequence[float], reps: int | None,
                   seconds: float | None, size: tuple[int, int], fps: float, view: str | None,
                   clip_seconds: float | None = None) -> None:
    spec = get_exercise(exercise)  # UnknownExerciseError
    if fault is not None and fault not in spec.fault_ids:
        known = ", ".join(spec.fault_ids) or "none"
        raise SynthArgumentError(f"unknown fault {fault!r} for {exercise} (faults: {known})")
    sev = np.atleast_1d(np.asarray(severity, float))
    if sev.size == 0 or not np.all(np.isfinite(sev)) or (sev < 0).any() or (sev > 1).any():
        raise SynthArgumentError(f"severity must be between 0 and 1, got {severity!r}")
    if reps is not None and reps < 1:
        raise SynthArgumentError(f"reps must be at least 1, got {reps}")
    if seconds is not None and not 0.5 <= seconds <= 600:
        raise SynthArgumentError(f"seconds must be between 0.5 and 600, got {seconds}")
    w, h = size
    if not (32 <= w <= 3840 and 32 <= h <= 3840) or w % 2 or h % 2:
        raise SynthArgumentError(f"size must be even numbers of pixels between 32 and 3840, got {w}x{h}")
    if not 1 <= fps <= 120:
        raise SynthArgumentError(f"fps must be between 1 and 120, got {fps}")
    if clip_seconds is not None and not 0.2 <= clip_seconds <= 600:
        raise SynthArgumentError(f"clip seconds must be between 0.2 and 600, got {clip_seconds}")
    if view is not None and view not in CAMERA_VIEWS and view != "random":
        raise SynthArgumentError(f"unknown view {view!r} (views: {', '.join(CAMERA_VIEWS)}, random)")


def plan_clip(exercise: str, *, fault: str | None = None, severity: float | Sequence[float] = 0.0,
              reps: int | None = None, seconds: float | None = None, seed: int = 0, view: str | None = "side",
              size: tuple[int, int] = (480, 270), fps: float = 15, look: Look | None = None,
              body: Any = None, sensor_noise: bool = True, shadows: bool = True,
              window: tuple[float, float] | None = None, clip_seconds: float | None = None) -> ClipPlan:
    """Sample body, outfit, motion, scene and camera for a clip, and compute its ground truth.

    Parameters are those of :func:`render_clip`, plus ``window``: (start_s, end_s) of the motion to
    film (default: all of it, getting into position included); ground-truth segments are shifted to
    the clip's time and clipped to it; or ``clip_seconds``: film only that many seconds centred on the
    middle of the first segment (the first rep or the hold — where the fault is). Raises :class:`SynthArgumentError` or
    :class:`~repcheck.errors.UnknownExerciseError` for a bad request.
    """
    from .body import BodyShape
    from .mannequin import Outfit
    from .motions import make_motion

    view = None if view == "random" else view
    _check_request(exercise, fault, severity, reps, seconds, size, fps, view, clip_seconds)
    rng = np.random.default_rng(seed)
    body = body if body is not None else BodyShape.sample(rng)
    outfit = Outfit.sample(rng, body) if _takes_body(Outfit.sample) else Outfit.sample(rng)
    faults = None
    if fault is not None:
        sev = severity if np.ndim(severity) == 0 else [float(s) for s in severity]
        faults = {fault: float(sev) if np.ndim(sev) == 0 else sev}
    try:
        motion = make_motion(exercise, faults=faults, reps=reps, seconds=seconds, body=body, rng=rng)
    except ValueError as exc:  # the motion program refuses the request (too short a hold, ...)
        if isinstance(exc, RepcheckError):
            raise
        raise SynthArgumentError(str(exc).splitlines()[0] if str(exc) else repr(exc)) from None
    if window is None and clip_seconds is not None and getattr(motion, "segments", None):
        seg = motion.segments[0]
        mid = 0.5 * (float(seg["start_s"]) + float(seg["end_s"]))
        start = min(max(0.0, mid - clip_seconds / 2), max(0.0, float(motion.duration_s) - clip_seconds))
        window = (start, start + clip_seconds)
    t0, t1 = (0.0, float(motion.duration_s)) if window is None else (float(window[0]), float(window[1]))
    t0, t1 = max(0.0, t0), min(float(motion.duration_s), t1)
    if t1 - t0 < 1.0 / fps:
        raise SynthArgumentError(f"window {window} leaves no frame of the {motion.duration_s:.1f} s motion")
    n = max(1, int(np.floor((t1 - t0) * fps + 1e-9)))
    times = np.arange(n) / float(fps)
    world = np.stack([np.asarray(motion.pose_at(t0 + float(t)).blazepose(), float) for t in times])
    center, head_dir, length = _body_axes(world)
    if getattr(motion, "head_dir", None) is not None:
        head_dir = np.asarray(motion.head_dir, float)
    scene = sample_scene(rng, body_center=tuple(center), head_dir=tuple(head_dir))
    if look is not None:
        scene = replace(scene, look=look)
    frame_pts = world[:: max(1, n // 12)].reshape(-1, 3)
    camera, cam_info = sample_camera(rng, view=view, body_center=tuple(center), body_length=length,
                                     size=tuple(size), head_dir=tuple(head_dir), points=frame_pts)
    if view is not None:  # named views: the key light on the camera's side of the body (see sample_lighting)
        to_cam = np.asarray(camera.position, float) - center
        scene = replace(scene, lighting=sample_lighting(rng, toward=(float(to_cam[0]), 0.0, float(to_cam[2]))))
    room = scene.room.enclosing(np.vstack([frame_pts, np.asarray(camera.position)[None]]))
    room = room.without_occluders(camera, frame_pts)
    scene = replace(scene, room=room)
    image = project_landmarks(camera, world)
    clutter = list(room.primitives())
    visible = np.stack([landmark_visibility(camera, world[i], _frame_primitives(motion, outfit, t0 + float(t))
                                            + clutter) for i, t in enumerate(times)])
    segments = []
    for seg in getattr(motion, "segments", []):
        s = dict(seg)
        s.setdefault("faults", {})
        start, end = float(s["start_s"]) - t0, float(s["end_s"]) - t0
        if end <= 0 or start >= t1 - t0:
            continue
        s["start_s"], s["end_s"] = round(max(start, 0.0), 4), round(min(end, t1 - t0), 4)
        s["clipped"] = bool(start < 0 or end > t1 - t0)  # the clip shows only part of this rep/hold
        s["faults"] = {fid: dict(fv) for fid, fv in s["faults"].items()}
        for fv in s["faults"].values():  # times in the clip's clock
            if isinstance(fv.get("onset_s"), (int, float)):
                fv["onset_s"] = round(float(fv["onset_s"]) - t0, 4)
        segments.append(s)
    per_frame = {}
    for measure in getattr(motion, "truth", None) or {}:
        try:
            per_frame[measure] = np.round(np.asarray(motion.fault_value(t0 + times, measure), float), 3).tolist()
        except (KeyError, ValueError, TypeError):
            continue
    truth = {
        "schema": SCHEMA,
        "exercise": exercise,
        "fps": float(fps),
        "size": [int(size[0]), int(size[1])],
        "frames": int(n),
        "duration_s": round(n / float(fps), 4),
        "segments": _jsonable(segments),
        "label_rule": _label_rules(exercise),
        "truth_per_frame": per_frame,
        "params": {
            "seed": int(seed),
            "view": view,
            "fault": fault,
            "severity": _jsonable(severity),
            "reps": reps,
            "seconds": seconds,
            "window_s": [round(t0, 4), round(t1, 4)],
            "motion": _jsonable(getattr(motion, "info", {})),
            "camera": {**cam_info, "hfov": cam_info["hfov_deg"], "roll": cam_info["roll_deg"]},
            "body": _jsonable(body),
            "outfit": _jsonable(outfit),
            **_jsonable(scene.to_dict()),
            "sensor": {"noise_sigma": 2.0 if sensor_noise else 0.0, "blur_sigma": 0.5 if sensor_noise else 0.0,
                       "codec": "mp4v"},
        },
        "landmarks": np.round(image, 4).tolist(),
        "visible": visible.astype(int).tolist(),
    }
    return ClipPlan(exercise=exercise, fps=float(fps), size=(int(size[0]), int(size[1])), times=times,
                    landmarks_world=world, landmarks_image=image, camera=camera, scene=scene, truth=truth,
                    motion=motion, outfit=outfit, seed=int(seed), t0=t0, sensor_noise=sensor_noise, shadows=shadows,
                    visible=visible)


def _takes_body(fn: Any) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        return False


def render_clip(exercise: str, *, fault: str | None = None, severity: float | Sequence[float] = 0.0,
                reps: int | None = None, seconds: float | None = None, seed: int = 0, view: str | None = "side",
                size: tuple[int, int] = (480, 270), fps: float = 15, out: Path | str, look: Look | None = None,
                body: Any = None, sensor_noise: bool = True, shadows: bool = True,
                clip_seconds: float | None = None) -> Path:
    """Render a synthetic clip to mp4 and write its ground truth beside it.

    Parameters
    ----------
    exercise : str
        Exercise id (``plank``, ``upper_back_roll``, ``lumbar_locked_rotation``, ``glute_bridge``).
    fault : str, optional
        Fault id of that exercise (``hips_sag``...); None: correct form.
    severity : float or list of float
        0..1; a list gives one severity per rep.
    reps, seconds : optional
        Length of the set (motion defaults when both are None).
    seed : int
        One seed, one clip (body, look, room, camera, motion noise, sensor noise).
    view : str or None
        Camera placement name (see :data:`repcheck.synth.scene.CAMERA_VIEWS`), ``"random"``/None: any.
    size : tuple of int
        (width, height) in pixels; portrait when height > width.
    fps : float
        Frames per second of the video.
    out : path
        Where to write the mp4; the ground truth goes to the same stem with ``.json``.
    look : Look, optional
        Override the sampled colours (e.g. ``Look.plain()``).
    body : BodyShape, optional
        Override the sampled body.
    sensor_noise : bool
        Blur + gaussian noise before encoding.
    shadows : bool
        Soft contact shadows under the body.
    clip_seconds : float, optional
        Film only this many seconds around the middle of the first rep/hold (default: the whole motion,
        getting into position included).

    Returns
    -------
    Path
        The mp4 written.
    """
    if Path(out).suffix.lower() != ".mp4":  # fail before rendering
        raise SynthArgumentError(f"--out must end in .mp4, got {Path(out).name}")
    plan = plan_clip(exercise, fault=fault, severity=severity, reps=reps, seconds=seconds, seed=seed, view=view,
                     size=size, fps=fps, look=look, body=body, sensor_noise=sensor_noise, shadows=shadows,
                     clip_seconds=clip_seconds)
    return write_clip(plan, out)


def write_clip(plan: ClipPlan, out: Path | str) -> Path:
    """Encode a planned clip with OpenCV's ``mp4v`` and write ``<stem>.json`` beside it."""
    out = Path(out)
    if out.suffix.lower() != ".mp4":
        raise SynthArgumentError(f"--out must end in .mp4, got {out.name}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SynthArgumentError(f"cannot create {out.parent}: {exc.strerror}") from None
    w, h = plan.size
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), float(plan.fps), (w, h))
    if not writer.isOpened():
        raise SynthArgumentError(f"cannot open {out} for writing")
    try:
        for img in plan.iter_frames():
            writer.write(img)
    finally:
        writer.release()
    truth_path = out.with_suffix(".json")
    truth = dict(plan.truth, video=out.name)
    try:
        truth_path.write_text(json.dumps(truth, separators=(",", ":")))
    except OSError as exc:
        raise SynthArgumentError(f"cannot write {truth_path}: {exc.strerror}") from None
    return out


# ------------------------------------------------------------------------------------------ CLI
def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 480x270, got {text!r}") from None
    return w, h


def _parse_severity(text: str) -> float | list[float]:
    try:
        vals = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"severity must be a number 0..1 or a list like 0,1,0.5; got {text!r}") \
            from None
    return vals[0] if len(vals) == 1 else vals


def add_synth_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Register the ``repcheck synth`` options on ``parser`` (the lead's subcommand parser)."""
    parser.add_argument("--exercise", "-e", required=True,
                        help=f"exercise id ({', '.join(JUDGED_EXERCISES)})")
    parser.add_argument("--fault", help="fault id of that exercise (default: correct form)")
    parser.add_argument("--severity", type=_parse_severity, default=None,
                        help="fault severity 0..1, or one per rep: 0,1,0.5 (default 1 with --fault)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--reps", type=int, help="number of reps (rep exercises)")
    length.add_argument("--seconds", type=float, help="clip length in seconds")
    parser.add_argument("--seed", type=int, default=0, help="random seed: body, look, room, camera (default 0)")
    parser.add_argument("--view", default="side",
                        help=f"camera placement: {', '.join(CAMERA_VIEWS)} or random (default side)")
    parser.add_argument("--size", type=_parse_size, default=(480, 270), help="WxH in pixels (default 480x270)")
    parser.add_argument("--fps", type=float, default=15.0, help="frames per second (default 15)")
    parser.add_argument("--clip-seconds", type=float, default=None,
                        help="film only this many seconds around the first rep/hold (default: everything)")
    parser.add_argument("--no-noise", action="store_true", help="skip the sensor blur/noise")
    parser.add_argument("--out", "-o", required=True, help="output CLIP.mp4 (ground truth: CLIP.json)")
    return parser


def run_synth(args: argparse.Namespace) -> int:
    """Run ``repcheck synth`` from parsed arguments; bad input → one line on stderr, exit 2."""
    try:
        severity = args.severity
        if severity is None:
            severity = 1.0 if args.fault else 0.0
        out = render_clip(args.exercise, fault=args.fault, severity=severity, reps=args.reps,
                          seconds=args.seconds, seed=args.seed, view=args.view, size=tuple(args.size),
                          fps=args.fps, out=Path(args.out), sensor_noise=not args.no_noise,
                          clip_seconds=args.clip_seconds)
    except RepcheckError as exc:
        print(f"repcheck synth: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} and {out.with_suffix('.json').name}")
    return 0


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def synth_main(argv: Sequence[str] | None = None) -> int:
    """``repcheck synth`` as a standalone entry point; returns the exit status."""
    parser = add_synth_arguments(_OneLineParser(prog="repcheck synth",
                                                description="Render a synthetic exercise clip + CLIP.json."))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return run_synth(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(synth_main())
