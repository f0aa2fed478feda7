"""MediaPipe Pose over a video → :class:`~repcheck.landmarks.PoseTrack`, cached on disk by content hash.

The extractor runs MediaPipe's BlazePose (``mp.solutions.pose``, bundled with mediapipe 0.10.21, so it
works offline) in video mode (tracking) on frames sampled at the rate the verdicts need — the
exercise's ``ExerciseSpec.analysis_fps`` unless ``PoseSettings.sample_fps`` says otherwise — resized so
the longer side is at most ``PoseSettings.max_side`` pixels.

Speed (issue #6)
----------------
The video is split into ``workers`` contiguous chunks of samples, each followed by its own MediaPipe
tracker in a thread of this process, fed by its own decoder thread (one FFmpeg thread each, skipped
frames only ``grab()``-ed). MediaPipe and OpenCV release the GIL while they work, so the chunks run on
separate cores without the cost of worker processes (a spawned worker paid ~1 s CPU to start Python and
import mediapipe; the threads share one import, which overlaps with the decoders' first frames). Every
chunk but the first starts ``OVERLAP_S`` seconds early so its tracker has locked on by the first sample
it keeps; those warm-up samples are dropped, and the chunk bounds are shifted so that every tracker gets
the same number of samples including its warm-up. Memory stays at the landmark arrays (33 × 4 floats
per sample) plus a few decoded frames in flight, whatever the video length. Clips shorter than
``PARALLEL_MIN_S`` use one chunk.

Cache
-----
One ``.npz`` per (video sha256, :meth:`PoseSettings.cache_key`) in ``cache_dir`` or
``$REPCHECK_CACHE_DIR`` or ``~/.cache/repcheck/pose``, written with ``np.savez_compressed`` and read with
``allow_pickle=False``. The key holds the effective sample rate (after the exercise's rate is applied).
A cache hit neither decodes the video nor runs MediaPipe.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue as queue_mod
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .errors import NoPersonError
from .exercises import ExerciseSpec, get_exercise
from .landmarks import LM, N_LANDMARKS, PoseTrack
from .video import (
    VideoInfo,
    _check_file,
    _resize_to,
    file_sha256,
    frame_at,
    iter_frames,
    probe,
    sample_frame_indices,
    sample_mask,
    sample_slot,
)

__all__ = [
    "PoseSettings",
    "extract_pose",
    "estimate_frames",
    "tqdm_progress",
    "default_cache_dir",
    "cache_path",
    "MIN_PERSON_FRACTION",
    "PARALLEL_MIN_S",
    "OVERLAP_S",
    "EXERCISE_RATE",
    "DEFAULT_SAMPLE_FPS",
    "at_sample_rate",
    "find_person_region",
    "person_size",
    "body_length_share",
    "ZOOM_BELOW_SHARE",
    "ZOOM_BELOW_FOUND",
    "head_to_feet_along",
    "head_to_feet_reversed",
    "head_to_feet_collapsed",
    "mend_misread",
    "person_switches",
]

#: A video where a person is found in fewer than this share of the analysed samples is rejected.
MIN_PERSON_FRACTION = 0.05
#: Clips shorter than this (seconds) use one tracker: a second one would spend a large share of its
#: samples on its ``OVERLAP_S`` warm-up.
PARALLEL_MIN_S = 6.0
#: Seconds each chunk after the first starts early so its tracker has locked on (dropped when stitching).
OVERLAP_S = 1.0
#: Decoded frames each decoder may hold ahead of its tracker (640 px RGB: ~0.7 MB each, so ≤ ~35 MB per
#: chunk). Deep enough that the decoders keep a core busy while the first tracker imports mediapipe
#: (~1 s, GIL-bound); a decoder then blocks until its tracker catches up.
_PREFETCH = 48
#: Seconds between progress callbacks / worker checks in the waiting thread.
_POLL_S = 0.1
#: GIL switch interval while the trackers run (s). Python's 5 ms default makes a thread that only needs
#: the GIL for a moment between C calls (a decoder between ``grab()`` calls, a tracker between frames)
#: wait up to 5 ms whenever another thread is busy in Python (the classifiers loading beside the pose
#: stage in :func:`repcheck.pipeline.analyze`, the mediapipe import).
_SWITCH_INTERVAL_S = 0.0005
#: A person found in fewer than ``ZOOM_BELOW_FOUND`` of the samples whose body (shoulder → ankle,
#: :func:`person_size`) is shorter than ``ZOOM_BELOW_SHARE`` of the frame's longer side, or nobody found at all,
#: is looked for again zoomed in (:func:`find_person_region`). Measured 2026-11-25 on eleven rendered 1280×720
#: planks and the two real ones shrunk onto a grey canvas (``benchmarks/plank_far_away.py``): where MediaPipe
#: went wrong it had lost the person in a third of the samples or all (a correct plank 20 % long found in 66 %
#: and read as a sagging 1.4 s hold; pikes and sags 11-17 % long found in 64-68 %, their holds 4 s short, or
#: not at all); those it kept in every sample were read right down to 14 %. Every rendered training track finds
#: its person in at least 90 % of samples, and none of them is both below that and under 24 % long, so the
#: zoom leaves them alone. A plank filmed 4-5 m away by a phone's 65° field of view is about 22-27 % long.
ZOOM_BELOW_SHARE = 0.24
ZOOM_BELOW_FOUND = 0.9
#: Frames searched (evenly over the clip) and the window grid (``_SEARCH_GRID``² windows of ``_SEARCH_WINDOW``
#: of each side) used to look for a small person.
_SEARCH_FRAMES = 8
_SEARCH_GRID = 3
_SEARCH_WINDOW = 0.5
#: Margin left around where the person was found, as a share of their body length (room to move: a kneel
#: becomes a plank).
_ZOOM_MARGIN = 0.5
#: A region enlarging the person less than this many times (to the detector, which letterboxes it) is not used.
_ZOOM_MIN_GAIN = 1.25
#: A sample pointing head to feet against its set by at least this share of a typical sample's head–feet length is
#: read the wrong way round (:func:`head_to_feet_reversed`). The 95 held-out rendered sets (13,162 samples, 2026-11-25):
#: 261 samples of 7 sets at -0.1 to -1.3 (a plank's and a roll's at -0.45 to -1.05, the others' partly turned,
#: beside them); 97 between -0.1 and 0.1 (getting down, a leg lost); all others above 0.3.
REVERSED_SHARE = 0.1
#: A sample whose shoulders and ankles lie within this share of a typical sample's head–feet length of each other is
#: read collapsed (:func:`head_to_feet_collapsed`): 0.03-0.08 at the top of a held-out 45° bridge read so (the
#: turned frames read 0.96-1.06); none in the held-out planks and locked rotations; 3 of the 30,464 samples of the
#: training sets, none inside a hold or rep. A re-read replaces a collapsed reading when it is at least
#: ``COLLAPSED_MENDED`` long.
COLLAPSED_SHARE = 0.25
COLLAPSED_MENDED = 0.75
#: Quarter turns clockwise tried, in order, on samples read head to feet or collapsed (:func:`mend_misread`).
_TURNS = (1, 3, 0)
#: The pose model moved to another person when the torso's centre jumps this far (share of the frame's width)
#: from one sample to the next and stays there for ``SWITCH_STAY_S`` (:func:`person_switches`). A rendered bridge
#: with someone sitting beside it: 0.36 when MediaPipe let go of the sitter (``tests/test_someone_else_in_frame.py``);
#: a body sliding in the picture moves it a few hundredths per sample; none of the 10 held-out sets MediaPipe read head
#: to feet or collapsed for a while jumps so.
SWITCH_SHARE = 0.2
#: ... for at least this long (s): not a one-sample glitch.
SWITCH_STAY_S = 1.0
#: ``PoseSettings.sample_fps`` value meaning "the exercise's ``analysis_fps``".
EXERCISE_RATE = "exercise"
#: Sample rate used for ``EXERCISE_RATE`` when no exercise is given (samples per second).
DEFAULT_SAMPLE_FPS = 10.0
#: Bump when the extractor's output for the same settings changes (invalidates caches). 2: sample times are
#: the frames' presentation times (variable-rate video), not ``index / fps``. 3: samples read head to feet are read
#: again on the frame turned a quarter turn, and so are those read collapsed (:func:`mend_misread`).
_EXTRACTOR_VERSION = "mp-pose-video/3"

Progress = Callable[[int, int], Any]


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class PoseSettings:
    """How poses are extracted from a video.

    Attributes
    ----------
    sample_fps : float, None or "exercise"
        Samples analysed per second of video. ``"exercise"`` (default): the exercise's
        ``ExerciseSpec.analysis_fps`` (plank 4, rep exercises 10; measured in
        ``repcheck.exercises``), or ``DEFAULT_SAMPLE_FPS`` (10) when no exercise is given. ``None``:
        every frame. A number overrides the exercise's rate.
    max_side : int or None
        Frames (or their ``region``) are resized so their longer side is at most this many pixels before
        inference.
        MediaPipe runs its detector at 224 px and its landmark model on a 256 px crop of the person,
        so 640 px loses nothing for a whole body in frame.
    model_complexity : int
        0 (lite), 1 (full, bundled default) or 2 (heavy; must be present in the mediapipe install).
    workers : int
        Trackers run side by side on chunks of long clips (threads; default ``os.cpu_count()``). Not
        part of the cache key.
    min_detection_confidence, min_tracking_confidence : float
        MediaPipe's thresholds (0..1).
    region : (left, top, right, bottom) or None
        The part of the upright frame MediaPipe looks at, as shares of its width and height (0..1); None:
        all of it. For someone else in the frame: the pose model follows one person, and a person sitting up
        beside someone lying in a bridge took it over (a rendered bridge lost 2 of its 3 reps). Landmarks
        come back in whole-frame coordinates. Without a region, a person too small in the frame for the pose
        model's detector is looked for window by window and read in the region around them
        (:func:`find_person_region`; the track's ``source["zoomed"]`` says where).
    """

    sample_fps: float | None | Literal["exercise"] = EXERCISE_RATE
    max_side: int | None = 640
    model_complexity: int = 1
    workers: int = field(default_factory=_default_workers)
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    region: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.region is not None:
            r = tuple(float(v) for v in self.region)
            if len(r) != 4 or not (0.0 <= r[0] < r[2] <= 1.0 and 0.0 <= r[1] < r[3] <= 1.0):
                raise ValueError(f"region must be (left, top, right, bottom) shares of the frame, 0 <= left < right"
                                 f" <= 1 and 0 <= top < bottom <= 1; got {self.region!r}")
            object.__setattr__(self, "region", r)

    def for_exercise(self, exercise: str | ExerciseSpec | None = None) -> PoseSettings:
        """These settings with ``sample_fps`` made concrete (a number or None).

        Parameters
        ----------
        exercise : str or ExerciseSpec, optional
            Supplies ``analysis_fps`` when ``sample_fps`` is ``"exercise"``; without one the rate is
            ``DEFAULT_SAMPLE_FPS``.
        """
        if self.sample_fps != EXERCISE_RATE:
            return self
        fps = DEFAULT_SAMPLE_FPS if exercise is None else float(get_exercise(exercise).analysis_fps)
        return replace(self, sample_fps=fps)

    def cache_key(self) -> str:
        """A string naming every setting that changes the landmarks (``workers`` does not).

        The sample rate is the effective one: call it on :meth:`for_exercise` settings (unresolved
        settings use ``DEFAULT_SAMPLE_FPS``).
        """
        sample_fps = self.for_exercise().sample_fps
        sf = "all" if sample_fps is None else f"{float(sample_fps):g}"
        ms = "full" if self.max_side is None else str(int(self.max_side))
        # "crop": the region is cut before resizing (entries keyed "roi" resized first)
        roi = "" if self.region is None else ";crop=" + ",".join(f"{v:g}" for v in self.region)
        return (
            f"{_EXTRACTOR_VERSION};fps={sf};side={ms};mc={int(self.model_complexity)};"
            f"det={float(self.min_detection_confidence):g};trk={float(self.min_tracking_confidence):g}{roi}"
        )

    def to_dict(self) -> dict:
        """JSON-friendly settings (for ``PoseTrack.source``)."""
        return asdict(self)


# --------------------------------------------------------------------------- MediaPipe calls


def _make_pose(settings: PoseSettings, static: bool = False):
    """A MediaPipe Pose tracker in video mode (``static_image_mode=False``), or one that looks for the person
    afresh in every image (``static``)."""
    import mediapipe as mp_  # imported lazily: ~1 s, and cached re-analysis never needs it

    return mp_.solutions.pose.Pose(
        static_image_mode=static,
        model_complexity=int(settings.model_complexity),
        smooth_landmarks=True,
        enable_segmentation=False,
        min_detection_confidence=float(settings.min_detection_confidence),
        min_tracking_confidence=float(settings.min_tracking_confidence),
    )


def _infer_in(pose, frame: np.ndarray, t: float | None, region: tuple[float, float, float, float] | None,
              max_side: int | None = None, turn: int = 0) -> tuple[np.ndarray | None, np.ndarray | None]:
    """:func:`_infer` on the ``region`` of ``frame`` (see :class:`PoseSettings`), resized so its longer side is at
    most ``max_side`` px, and turned ``turn`` quarter turns clockwise (0, 1 or 3); the landmarks are given back in
    the frame's own coordinates: image x, y by the region's place and size and the turn, z by the region's width;
    world x, y turned back. The region is cut before resizing, so a zoomed-in region keeps the source's pixels."""
    if region is None and not turn:
        return _infer(pose, np.ascontiguousarray(_resize_to(frame, max_side)), t)
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = 0, 0, w, h
    if region is not None:
        x0, y0 = int(round(region[0] * w)), int(round(region[1] * h))
        x1, y1 = max(int(round(region[2] * w)), x0 + 1), max(int(round(region[3] * h)), y0 + 1)
    img, world = _infer(pose, np.ascontiguousarray(np.rot90(_resize_to(frame[y0:y1, x0:x1], max_side), -turn)), t)
    if img is not None and turn:
        img, world = _turned_back(img, world, turn, (y1 - y0) / (x1 - x0))
    if img is not None and region is not None:
        img = img.copy()
        img[:, 0] = (x0 + img[:, 0] * (x1 - x0)) / w
        img[:, 1] = (y0 + img[:, 1] * (y1 - y0)) / h
        img[:, 2] = img[:, 2] * (x1 - x0) / w
    return img, world


def _turned_back(img: np.ndarray, world: np.ndarray | None, turn: int,
                 aspect: float) -> tuple[np.ndarray, np.ndarray | None]:
    """Landmarks read on an image turned ``turn`` quarter turns clockwise (1 or 3), in the unturned image's terms.

    Parameters
    ----------
    img, world : ndarray of shape (33, 4)
        Normalised image landmarks of the turned image; world landmarks (metres, camera-aligned axes, so
        they turn with the image; measured on rendered planks: 0.7-1.2 cm apart from the unturned reading).
    aspect : float
        Height over width of the unturned image (image z is normalised by the turned image's width).
    """
    img = img.copy()
    x, y = img[:, 0].copy(), img[:, 1].copy()
    if turn == 1:
        img[:, 0], img[:, 1] = y, 1.0 - x
    else:
        img[:, 0], img[:, 1] = 1.0 - y, x
    img[:, 2] = img[:, 2] * aspect
    if world is not None:
        world = world.copy()
        wx, wy = world[:, 0].copy(), world[:, 1].copy()
        world[:, 0], world[:, 1] = (wy, -wx) if turn == 1 else (-wy, wx)
    return img, world


def _infer(pose, frame: np.ndarray, t: float | None = None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Run MediaPipe on one RGB frame taken at ``t`` seconds.

    ``mp.solutions`` stamps every frame 1/30 s after the previous one; with sampled frames that would
    make the landmark smoother and tracker see motion 3× too fast, so the real time stamp is set.

    Returns
    -------
    image, world : ndarray of shape (33, 4) or None
        Normalised image landmarks and world landmarks (metres), each (x, y, z, visibility);
        None when no person was found.
    """
    if t is not None and hasattr(pose, "_simulated_timestamp"):
        # process() adds 33333 µs before stamping the packet (mediapipe 0.10.21 SolutionBase)
        pose._simulated_timestamp = int(round(t * 1e6)) - 33333
    res = pose.process(frame)
    if res.pose_landmarks is None:
        return None, None
    img = np.array([(p.x, p.y, p.z, p.visibility) for p in res.pose_landmarks.landmark], dtype=np.float64)
    world = None
    if res.pose_world_landmarks is not None:
        world = np.array(
            [(p.x, p.y, p.z, p.visibility) for p in res.pose_world_landmarks.landmark], dtype=np.float64
        )
    return img, world


# --------------------------------------------------------------------------- cache


def default_cache_dir() -> Path:
    """``$REPCHECK_CACHE_DIR`` if set, else ``~/.cache/repcheck/pose``."""
    env = os.environ.get("REPCHECK_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "repcheck" / "pose"


def cache_path(sha256: str, settings: PoseSettings, cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the pose track of a video (by content hash) with these settings is cached."""
    d = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    k = hashlib.sha256(settings.cache_key().encode()).hexdigest()[:16]
    return d / f"{sha256}-{k}.npz"


def _content_sha256(p: Path, cache_dir: str | os.PathLike | None) -> str:
    """sha256 of the video, memoised on disk by (path, size, mtime, inode) next to the pose cache.

    A 10-minute 1080p phone video is ~1 GB (≈2 s to hash); the memo makes a cached re-analysis cost a
    ``stat`` instead. A file rewritten in place with its size and mtime forced back would be missed:
    editors and copies never do that.
    """
    d = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    st = p.stat()
    key = hashlib.sha256(f"{p}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}".encode()).hexdigest()[:32]
    memo = d / "hashes" / key
    try:
        digest = memo.read_text().strip()
        if len(digest) == 64:
            return digest
    except OSError:
        pass
    digest = file_sha256(p)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(digest)
    except OSError:
        pass  # read-only cache folder: hash again next time
    return digest


def _save_track(path: Path, track: PoseTrack) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    world = track.world if track.world is not None else np.full_like(track.image, np.nan)
    fd, tmp = tempfile.mkstemp(prefix=path.stem, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(
                fh,
                image=track.image.astype(np.float32),
                world=world.astype(np.float32),
                has_world=np.array(track.world is not None),
                t=track.t.astype(np.float64),
                frame_size=np.array(track.frame_size, dtype=np.int64),
                fps=np.array(float(track.fps)),
                source=np.array(json.dumps(track.source)),
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_track(path: Path) -> PoseTrack | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            image = z["image"].astype(np.float64)
            world = z["world"].astype(np.float64) if bool(z["has_world"]) else None
            return PoseTrack(
                image=image,
                t=z["t"].astype(np.float64),
                frame_size=(int(z["frame_size"][0]), int(z["frame_size"][1])),
                fps=float(z["fps"]),
                world=world,
                source=json.loads(str(z["source"])),
            )
    except (OSError, KeyError, ValueError, json.JSONDecodeError):
        return None  # unreadable / partial / old-format cache entry: recompute


# --------------------------------------------------------------------------- extraction


def _check_person(track: PoseTrack, name: str) -> None:
    n = track.n_frames
    found = int(track.detected().sum()) if n else 0
    if n == 0 or found < MIN_PERSON_FRACTION * n:
        raise NoPersonError(f"no person found in {name}: film the whole body, side-on, in good light")


def _empty_landmarks(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All-NaN image and world landmarks of shape (n, 33, 4) and an all-False "person found" mask (n,)."""
    return np.full((n, N_LANDMARKS, 4), np.nan), np.full((n, N_LANDMARKS, 4), np.nan), np.zeros(n, dtype=bool)


@dataclass(frozen=True)
class _Chunk:
    """Samples ``keep_idx[a:b]`` of one tracker, which starts decoding/tracking at frame ``warm_start``."""

    a: int
    b: int
    warm_start: int


def _chunks(keep_idx: np.ndarray, fps: float, workers: int) -> list[_Chunk]:
    """Split the samples into ``workers`` contiguous chunks of equal work.

    Every chunk but the first also tracks the ``OVERLAP_S`` seconds before its first kept sample; the
    bounds are shifted so that kept + warm-up samples come out the same for every chunk.
    """
    n = len(keep_idx)
    if workers <= 1 or n == 0:
        return [_Chunk(0, n, 0)]
    overlap = int(round(OVERLAP_S * fps))  # frames
    warm_n = int(np.searchsorted(keep_idx, overlap))  # samples in the first OVERLAP_S seconds
    per = (n + (workers - 1) * warm_n) / workers
    bounds = [0]
    for c in range(workers):
        bounds.append(bounds[-1] + per - (warm_n if c > 0 else 0))
    edges = np.clip(np.round(bounds).astype(int), 0, n)
    edges[-1] = n
    out = []
    for c in range(workers):
        a, b = int(edges[c]), int(edges[c + 1])
        if b > a:
            out.append(_Chunk(a, b, 0 if a == 0 else max(0, int(keep_idx[a]) - overlap)))
    return out


def _put(q: queue_mod.Queue, item: Any, stops: tuple[threading.Event, ...]) -> bool:
    """Put ``item`` on the bounded ``q`` unless one of ``stops`` is set first; True if it was put."""
    while not any(e.is_set() for e in stops):
        try:
            q.put(item, timeout=_POLL_S)
            return True
        except queue_mod.Full:
            continue
    return False


def _decoder(
    frames: Iterator[tuple[float, np.ndarray]], q: queue_mod.Queue, stops: tuple[threading.Event, ...], st: dict
) -> None:
    """Thread: move decoded frames from ``frames`` to ``q`` (bounded), then ``None``; an error is put as
    the exception. Stops early when one of ``stops`` is set. ``st["decode_s"]`` accumulates the seconds
    spent decoding."""
    try:
        while True:
            t0 = time.perf_counter()
            try:
                item = next(frames)
            except StopIteration:
                break
            st["decode_s"] += time.perf_counter() - t0
            if not _put(q, item, stops):
                return
        _put(q, None, stops)
    except BaseException as exc:  # noqa: BLE001 - handed to the tracker thread, which re-raises it
        _put(q, exc, stops)
    finally:
        close = getattr(frames, "close", None)
        if close is not None:
            close()


def _track_chunk(
    path: str,
    settings: PoseSettings,
    keep_idx: np.ndarray,
    fps: float,
    chunk: _Chunk,
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    st: dict,
    abort: threading.Event,
    on_ready: Callable[[], Any] | None = None,
) -> None:
    """Thread: track the frames of one chunk, writing the kept samples into ``out`` (image, world, got, t).

    A decoded frame fills the planned sample of its slot (:func:`repcheck.video.sample_slot`), so a
    variable-rate video's frames land where their presentation times put them, and ``t`` gets that time.

    Returns early when ``abort`` is set (another chunk failed, or the caller was interrupted).
    ``on_ready`` is called once the tracker is built (mediapipe imported). Fills ``st`` with
    ``decode_s``, ``pose_s``, ``startup_s`` (mediapipe import + graph set-up), ``warmup`` (samples
    tracked only to lock on) and ``done`` (samples kept).
    """
    image, world, got, times = out
    slots = sample_slot(keep_idx / fps, fps, settings.sample_fps)
    first, own = int(slots[chunk.a]), slots[chunk.a : chunk.b]
    end = int(keep_idx[chunk.b]) if chunk.b < len(keep_idx) else None
    # a region is cut from the decoded frame before it is resized (:func:`_infer_in`)
    frames = iter_frames(
        path, sample_fps=settings.sample_fps, max_side=None if settings.region else settings.max_side,
        start_frame=chunk.warm_start, end_frame=end, threads=1,
    )
    q: queue_mod.Queue = queue_mod.Queue(maxsize=_PREFETCH)
    finished = threading.Event()
    dec = threading.Thread(target=_decoder, args=(frames, q, (abort, finished), st), name="repcheck-decode",
                           daemon=True)
    dec.start()
    try:
        t0 = time.perf_counter()
        with _make_pose(settings) as pose:
            st["startup_s"] += time.perf_counter() - t0
            if on_ready is not None:
                on_ready()
            while not abort.is_set():
                try:
                    item = q.get(timeout=_POLL_S)
                except queue_mod.Empty:
                    continue
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                t, frame = item
                t0 = time.perf_counter()
                img, wld = _infer_in(pose, frame, t, settings.region, settings.max_side)
                st["pose_s"] += time.perf_counter() - t0
                slot = sample_slot(t, fps, settings.sample_fps)
                if slot < first:
                    st["warmup"] += 1
                    continue
                j = chunk.a + int(np.searchsorted(own, slot))
                if j >= chunk.b or slots[j] != slot or got[j]:
                    continue
                if img is not None:
                    image[j] = img
                if wld is not None:
                    world[j] = wld
                got[j] = True
                times[j] = t
                st["done"] += 1
    finally:
        finished.set()  # ends this chunk's decoder
        dec.join()


@contextmanager
def _switch_interval(seconds: float) -> Iterator[None]:
    """Temporarily set the interpreter's GIL switch interval (see ``_SWITCH_INTERVAL_S``)."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(min(old, seconds))
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _run_chunks(
    path: str,
    settings: PoseSettings,
    keep_idx: np.ndarray,
    fps: float,
    workers: int,
    progress: Progress | None,
    stats: dict,
    on_ready: Callable[[], Any] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Track ``keep_idx`` in ``workers`` chunks (threads), reporting progress from the calling thread.

    ``on_ready`` is called (from a tracker thread) once, when the first tracker is built.

    Returns image, world of shape (n, 33, 4), the "sample decoded" mask (n,) and the samples' presentation
    times (n,) in seconds.
    """
    n = len(keep_idx)
    out = (*_empty_landmarks(n), np.full(n, np.nan))
    chunks = _chunks(keep_idx, fps, workers)
    stop = threading.Event()
    per = [{"decode_s": 0.0, "pose_s": 0.0, "startup_s": 0.0, "warmup": 0, "done": 0} for _ in chunks]
    errors: list[BaseException] = []
    ready_lock = threading.Lock()
    ready_called = [on_ready is None]

    def ready() -> None:
        with ready_lock:
            if ready_called[0]:
                return
            ready_called[0] = True
        on_ready()

    def run(c: int) -> None:
        try:
            _track_chunk(path, settings, keep_idx, fps, chunks[c], out, per[c], stop, ready)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            errors.append(exc)
            stop.set()  # one chunk failing stops all of them

    threads = [threading.Thread(target=run, args=(c,), name=f"repcheck-pose-{c}", daemon=True)
               for c in range(len(chunks))]
    last = -1
    with _switch_interval(_SWITCH_INTERVAL_S):
        for th in threads:
            th.start()
        try:
            for th in threads:
                while th.is_alive():
                    th.join(_POLL_S)
                    done = sum(p["done"] for p in per)
                    if progress is not None and done != last:
                        last = done
                        progress(done, n)
        except BaseException:
            stop.set()  # e.g. KeyboardInterrupt in a notebook: let the threads wind down
            for th in threads:
                th.join()
            raise
    if errors:
        raise errors[0]
    for k in ("decode_s", "pose_s", "startup_s"):
        stats[k] = stats.get(k, 0.0) + sum(p[k] for p in per)
    stats["warmup_samples"] = stats.get("warmup_samples", 0) + sum(p["warmup"] for p in per)
    stats["workers"] = len(chunks)
    return out


def extract_pose(
    path: str | os.PathLike,
    *,
    settings: PoseSettings | None = None,
    cache_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
    stats: dict | None = None,
    exercise: str | ExerciseSpec | None = None,
    on_ready: Callable[[], Any] | None = None,
) -> PoseTrack:
    """Run MediaPipe Pose over a video (or load the cached result).

    Parameters
    ----------
    path : str or path-like
        The video file.
    settings : PoseSettings, optional
        Extraction settings (default ``PoseSettings()``: the exercise's sample rate).
    cache_dir : str or path-like, optional
        Cache folder (default ``$REPCHECK_CACHE_DIR`` or ``~/.cache/repcheck/pose``).
    progress : callable ``(done, total)``, optional
        Called as samples are analysed (see :func:`tqdm_progress`), from the calling thread.
    use_cache : bool
        Read and write the cache (False: always recompute, write nothing).
    stats : dict, optional
        Filled with how the work went: ``mode`` ("cache", "serial" or "parallel"), ``workers``,
        ``samples``, ``warmup_samples``, ``sample_fps`` (effective), and seconds spent decoding
        (``decode_s``), in MediaPipe (``pose_s``) and importing mediapipe + building the graphs
        (``startup_s``), summed over the trackers (the benchmark reports them).
    exercise : str or ExerciseSpec, optional
        The exercise filmed: its ``analysis_fps`` is the sample rate when ``settings.sample_fps`` is
        ``"exercise"`` (the default); without it the rate is ``DEFAULT_SAMPLE_FPS``.
    on_ready : callable, optional
        Called once, without arguments, when the stage's own start-up is over: on a cache hit, or when
        the first tracker is built (mediapipe imported; possibly from another thread).
        :func:`repcheck.pipeline.analyze` starts loading the classifiers then, so that the two
        GIL-bound imports do not slow each other down.

    Returns
    -------
    PoseTrack
        ``image``/``world`` of shape (T, 33, 4) (all-NaN rows where no person was found), ``t`` (T,) in
        seconds, ``frame_size`` the upright (width, height) of the source, ``fps`` of the source,
        ``source`` = {path, sha256, settings, cache_key, extractor, video} (``video``: the probe's
        :meth:`~repcheck.video.VideoInfo.to_dict`, so a cache hit needs no probe; absent in cache
        entries written before it was added) and, when the person was too small for the whole frame and was
        read zoomed in (:func:`find_person_region`), ``zoomed`` = {region, body_length}.

    Raises
    ------
    VideoError, EmptyVideoError, NotAVideoError, TruncatedVideoError
        As :func:`repcheck.video.probe`.
    NoPersonError
        A person was found in fewer than 5 % of the analysed samples.
    """
    settings = (settings or PoseSettings()).for_exercise(exercise)
    stats = stats if stats is not None else {}
    stats.update(decode_s=0.0, pose_s=0.0, startup_s=0.0, warmup_samples=0, sample_fps=settings.sample_fps)
    p = _check_file(path)
    name = Path(path).name
    cpath = None
    if use_cache:
        cpath = cache_path(_content_sha256(p, cache_dir), settings, cache_dir)
        if cpath.exists():
            track = _load_track(cpath)
            if track is not None:
                if on_ready is not None:
                    on_ready()
                stats.update(mode="cache", workers=0, samples=track.n_frames)
                track.source["path"] = str(p)
                if isinstance(track.source.get("video"), dict):
                    track.source["video"]["path"] = str(p)
                if progress is not None:
                    progress(track.n_frames, track.n_frames)
                _check_person(track, name)
                return track
    info = probe(p)
    keep_idx = sample_frame_indices(info.frames, info.fps, settings.sample_fps)
    workers = max(1, int(settings.workers))
    if info.duration_s < PARALLEL_MIN_S or len(keep_idx) < 4 * workers:
        workers = 1
    image, world, got, times = _run_chunks(str(p), settings, keep_idx, info.fps, workers, progress, stats,
                                           on_ready)
    stats["mode"] = "parallel" if stats["workers"] > 1 else "serial"
    stats["samples"] = int(got.sum())
    if progress is not None:
        progress(int(got.sum()), int(got.sum()))  # finish the bar even if the last frames were missing
    track = _decoded_track(p, info, settings, image, world, got, times)
    read_with = settings  # the settings the kept reading was made with
    if settings.region is None and _lost_and_small(track):
        # MediaPipe's detector sees the whole frame at 224 px: look for a small person window by window and,
        # if found, read the part of the frame around them (kept if it finds them at least as often)
        found = find_person_region(p, settings, info.duration_s, seen=track)
        if found is not None and found[1] < ZOOM_BELOW_SHARE:
            zoomed = replace(settings, region=found[0])
            again = _decoded_track(p, info, zoomed,
                                   *_run_chunks(str(p), zoomed, keep_idx, info.fps, workers, progress, stats))
            if again.detected().sum() >= track.detected().sum():
                track, read_with = again, zoomed
                track.source["cache_key"] = settings.cache_key()
                track.source["zoomed"] = {"region": list(found[0]), "body_length": round(float(found[1]), 4)}
                stats["zoomed"] = True
    mended = mend_misread(p, read_with, track, progress)
    if mended:
        track.source["mended"] = mended
        stats["mended"] = mended
    if cpath is not None:
        _save_track(cpath, track)
    _check_person(track, name)
    return track


def _decoded_track(p: Path, info: VideoInfo, settings: PoseSettings, image: np.ndarray, world: np.ndarray,
                   got: np.ndarray, times: np.ndarray) -> PoseTrack:
    """The track of :func:`_run_chunks`' output. The container may announce a frame or two more than decode: keep
    the samples actually decoded, at the times the container shows them (a variable-rate phone video's are not
    index / fps)."""
    return PoseTrack(
        image=image[got],
        world=world[got],
        t=times[got].astype(np.float64),
        frame_size=(info.width, info.height),
        fps=info.fps,
        source={
            "path": str(p),
            "sha256": info.sha256,
            "settings": {k: v for k, v in settings.to_dict().items() if k != "workers"},
            "cache_key": settings.cache_key(),
            "extractor": _EXTRACTOR_VERSION,
            "video": info.to_dict(),
        },
    )


#: The body's length as :func:`person_size` measures it: shoulder → hip → knee → ankle, each side.
_BODY_CHAIN = [[LM[f"{side}_{joint}"] for joint in ("shoulder", "hip", "knee", "ankle")] for side in ("left", "right")]


def body_length_share(image: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """The body's length in the frame: shoulder → hip → knee → ankle (mean of the two sides, pixels) over the
    frame's longer side, whatever the posture (a kneeling person is as long as in a plank).

    Parameters
    ----------
    image : ndarray of shape (n, 33, >=2)
        Normalised image landmarks (NaN where not found).
    frame_size : (width, height) in pixels

    Returns
    -------
    ndarray of shape (n,): NaN where no person was found.
    """
    w, h = frame_size
    xy = np.asarray(image, float)[..., :2] * np.array([w, h], float)
    sides = [sum(np.linalg.norm(xy[:, a] - xy[:, b], axis=-1) for a, b in zip(chain[:-1], chain[1:], strict=True))
             for chain in _BODY_CHAIN]
    return (sides[0] + sides[1]) / 2.0 / max(w, h)


def person_size(track: PoseTrack) -> float:
    """How large the person is in the frame: :func:`body_length_share`, median over the samples with a person;
    NaN when nobody was found. It is their size in the square MediaPipe's detector looks at (the frame
    letterboxed at 224 px)."""
    found = track.detected()
    if not found.any():
        return float("nan")
    return float(np.nanmedian(body_length_share(track.image[found], track.frame_size)))


def _lost_and_small(track: PoseTrack) -> bool:
    """Whether MediaPipe's full-frame detector lost a person too small for it, or found nobody
    (:data:`ZOOM_BELOW_SHARE`, :data:`ZOOM_BELOW_FOUND`)."""
    n, found = track.n_frames, int(track.detected().sum())
    if found == 0:
        return True
    return bool(found < ZOOM_BELOW_FOUND * n and person_size(track) < ZOOM_BELOW_SHARE)


def person_switches(track: PoseTrack) -> list[tuple[float, float]]:
    """Where the pose model moved from one person to another: ``(time s, jump as share of the frame's width)``
    for each jump of the torso's centre (shoulders and hips, image x) by ``SWITCH_SHARE`` or more between
    two samples with a person, whose new place holds (within half the jump) for ``SWITCH_STAY_S``."""
    torso = [LM["left_shoulder"], LM["right_shoulder"], LM["left_hip"], LM["right_hip"]]
    xs = track.image[:, torso, 0]
    counts = np.isfinite(xs).sum(axis=1)
    x = np.where(counts > 0, np.nansum(xs, axis=1) / np.maximum(counts, 1), np.nan)
    t = np.asarray(track.t, float)
    seen = np.flatnonzero(np.isfinite(x))
    out = []
    for a, b in zip(seen[:-1], seen[1:], strict=True):
        jump = float(x[b] - x[a])
        if abs(jump) < SWITCH_SHARE:
            continue
        after = seen[(seen >= b) & (t[seen] <= t[b] + SWITCH_STAY_S)]
        if t[after[-1]] - t[b] >= 0.8 * SWITCH_STAY_S and np.all(np.abs(x[after] - x[b]) < abs(jump) / 2):
            out.append((float(t[b]), abs(jump)))
    return out


def head_to_feet_along(image: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """Each sample's head–feet direction along its set's, in typical lengths.

    In a set of these exercises the body keeps its head–feet direction in the frame (nobody turns round), so the
    shoulders → ankles direction (mid-points, pixels) of every sample lies along the set's principal axis, the way
    most samples point, about as long as a typical sample's (the median). A sample pointing the other way is a
    reading with head and feet swapped (:func:`head_to_feet_reversed`); one a fraction as long, a reading of the
    body collapsed onto itself (:func:`head_to_feet_collapsed`).

    Parameters
    ----------
    image : ndarray of shape (T, 33, >=2)
        Normalised image landmarks; NaN where no person was found.
    frame_size : (width, height) in pixels

    Returns
    -------
    ndarray of shape (T,)
        1 for a typical sample, negative for one pointing the other way; NaN where the shoulders or ankles are
        missing, or for all samples when fewer than 3 have them.
    """
    v = _head_to_feet(image, frame_size)
    way = _set_way(v)
    return np.full(len(v), np.nan) if way is None else v @ way


def _set_way(v: np.ndarray) -> np.ndarray | None:
    """The set's head–feet way: its principal axis (of the per-sample shoulders → ankles vectors ``v``, shape
    (T, 2), NaN allowed), pointing as most samples do, scaled so that a typical sample is 1 along it; None when
    fewer than 3 samples have the vector or the typical one is 0."""
    ok = np.isfinite(v).all(axis=1)
    if ok.sum() < 3:
        return None
    axis = np.linalg.svd(v[ok], full_matrices=False)[2][0]
    along = v[ok] @ axis
    typical = float(np.median(np.abs(along)))
    return axis * np.sign(np.median(along)) / typical if typical > 0 else None


def _misread(along: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(reversed, collapsed) masks of :func:`head_to_feet_along`'s values (see ``REVERSED_SHARE``,
    ``COLLAPSED_SHARE``); NaN is neither."""
    with np.errstate(invalid="ignore"):
        return along < -REVERSED_SHARE, (along >= -REVERSED_SHARE) & (along < COLLAPSED_SHARE)


def head_to_feet_reversed(image: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """Samples MediaPipe read head to feet (bool, shape (T,)): pointing at least ``REVERSED_SHARE`` of a typical
    sample's length against their set's way (:func:`head_to_feet_along`).

    MediaPipe does that to lying bodies seen 30-45° off side-on, and its tracker then keeps it, sure of every
    landmark: 7 of 95 held-out rendered sets (2026-11-25), for 1-96 samples (a correct plank read 24 cm above the
    line from mid-hold on, rolls and a bridge missing reps or finding extra ones); none of the 210 rendered
    training sets.
    """
    return _misread(head_to_feet_along(image, frame_size))[0]


def head_to_feet_collapsed(image: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """Samples MediaPipe read with the body collapsed onto itself (bool, shape (T,)): shoulders and ankles within
    ``COLLAPSED_SHARE`` of a typical sample's length of each other along their set's way, not reversed
    (:func:`head_to_feet_along`). On the held-out rendered sets, the top of bridges and rolls seen 30-45° off
    side-on, MediaPipe's shoulders among the feet (4 of 95 sets, 122 samples); 3 samples of the 210 rendered
    training sets, none inside a hold or rep."""
    return _misread(head_to_feet_along(image, frame_size))[1]


def _head_to_feet(image: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """Shoulders' mid-point minus ankles' mid-point (pixels, shape (T, 2)); NaN where one is missing."""
    w, h = frame_size
    xy = np.asarray(image, float)[..., :2] * np.array([w, h], float)
    shoulders = (xy[:, LM["left_shoulder"]] + xy[:, LM["right_shoulder"]]) / 2.0
    ankles = (xy[:, LM["left_ankle"]] + xy[:, LM["right_ankle"]]) / 2.0
    return shoulders - ankles


def _runs_of(idx: np.ndarray) -> list[np.ndarray]:
    """Consecutive runs of sorted sample indices."""
    return [r for r in np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1) if r.size]


def mend_misread(path: str | os.PathLike, settings: PoseSettings, track: PoseTrack,
                 progress: Progress | None = None) -> int:
    """Read again, on the frame turned a quarter turn, the samples MediaPipe read head to feet or collapsed
    (:func:`head_to_feet_reversed`, :func:`head_to_feet_collapsed`); changes ``track`` in place and returns how
    many samples were mended.

    A lying body turned upright is not what makes MediaPipe misread it. On the 23 reversed samples of a held-out
    45° plank, the frame turned clockwise was read the right way round every time (mirrored 20, upside down 13),
    while MediaPipe looking afresh at the unturned frame swapped them too; of a 45° bridge's collapsed readings at
    the top of the rep, turned frames gave the whole body in 7 of 13. Each such sample's frame is looked at afresh
    (static mode: a tracker would carry a first wrong reading on) turned clockwise, then anticlockwise, then
    unturned; the first reading pointing the set's way (for a collapsed one, at least ``COLLAPSED_MENDED`` of a
    typical length) replaces the old one. Once one reversed sample is mended so, the reversed ones no turn mends
    are left without a reading (a person not seen there, which every later stage takes in its stride); when none
    is, the set keeps its first reading. Collapsed samples no turn mends keep theirs. A set in which the reading
    moves from one person to another (:func:`person_switches`) is left as it is: its samples point two bodies' ways.

    ``progress`` (``(done, total)``, optional) is called as each misread sample has been looked at again, from 0
    to the number of misread samples: a second pass of the progress bar, shown only when there is one.
    """
    v = _head_to_feet(track.image, track.frame_size)
    way = _set_way(v)
    if way is None:
        return 0
    reversed_, collapsed = _misread(v @ way)
    if not (reversed_.any() or collapsed.any()) or person_switches(track):
        return 0  # (with two people read, the set's way is not one body's)
    fps = float(track.fps)
    mended_reversed = mended = looked_at = 0
    misread = int((reversed_ | collapsed).sum())
    if progress is not None:
        progress(0, misread)
    with _make_pose(settings, static=True) as pose:
        for run in _runs_of(np.flatnonzero(reversed_ | collapsed)):
            times = track.t[run]
            for t, frame in iter_frames(Path(path), sample_fps=settings.sample_fps,
                                        max_side=None if settings.region else settings.max_side,
                                        start_frame=max(0, int(np.floor(times[0] * fps)) - 1),
                                        end_frame=int(np.ceil(times[-1] * fps)) + 2, threads=1):
                k = int(np.argmin(np.abs(times - t)))
                if abs(times[k] - t) > 0.5 / fps:
                    continue
                i = int(run[k])
                looked_at += 1
                if progress is not None:
                    progress(min(looked_at, misread), misread)
                need = 0.0 if reversed_[i] else COLLAPSED_MENDED
                for turn in _TURNS:
                    img, wld = _infer_in(pose, frame, None, settings.region, settings.max_side, turn=turn)
                    if img is not None and float(_head_to_feet(img[None], track.frame_size)[0] @ way) > need:
                        track.image[i] = img
                        if track.world is not None and wld is not None:
                            track.world[i] = wld
                        mended_reversed += bool(reversed_[i])
                        reversed_[i] = False
                        mended += 1
                        break
    if progress is not None:
        progress(misread, misread)  # (a sample whose frame could not be decoded was not looked at)
    if mended_reversed:
        # fresh readings confirmed the set's way round: a reversed reading no turn mended is of nobody's body
        track.image[reversed_] = np.nan
        if track.world is not None:
            track.world[reversed_] = np.nan
    return mended


def find_person_region(path: str | os.PathLike, settings: PoseSettings, duration_s: float,
                       seen: PoseTrack | None = None) -> tuple[tuple[float, float, float, float], float] | None:
    """Look for a person too small for MediaPipe's detector on the whole frame, window by window.

    On ``_SEARCH_FRAMES`` frames spread over the clip MediaPipe looks afresh (static mode) in each of a
    ``_SEARCH_GRID`` × ``_SEARCH_GRID`` grid of overlapping windows, each ``_SEARCH_WINDOW`` of the frame's width
    and height (so a person up to a quarter of the frame is whole in one of them, twice as large to the
    detector). Per frame the window whose landmarks are most visible (mean visibility ≥ 0.5) counts; frames
    whose person lies more than a body length from the others' median are left out (something else found).
    The region also covers every place ``seen`` (the reading of the whole frame) found a person, so zooming in
    never leaves out someone it followed: with someone else in the frame too it covers both, and is not used.

    Returns
    -------
    (region, size) or None
        ``region`` (left, top, right, bottom) in shares of the frame: where the person was found on any frame,
        widened by ``_ZOOM_MARGIN`` of their body length each way; ``size``: their body length as
        :func:`person_size` measures it. None when the person was found on fewer than two frames, or when the
        region would enlarge them less than ``_ZOOM_MIN_GAIN`` times.
    """
    step = (1.0 - _SEARCH_WINDOW) / (_SEARCH_GRID - 1)
    windows = [(gx * step, gy * step, gx * step + _SEARCH_WINDOW, gy * step + _SEARCH_WINDOW)
               for gy in range(_SEARCH_GRID) for gx in range(_SEARCH_GRID)]
    boxes, lengths = [], []  # (left, top, right, bottom) of the person's landmarks, shares of the frame; body length
    size = (1, 1)
    with _make_pose(settings, static=True) as pose:
        for t in (np.arange(_SEARCH_FRAMES) + 0.5) / _SEARCH_FRAMES * duration_s:
            frame = frame_at(path, float(t))
            if frame is None:
                continue
            size = (frame.shape[1], frame.shape[0])
            best = None
            for window in windows:
                img, _ = _infer_in(pose, frame, None, window, settings.max_side)
                if img is not None and (best is None or img[:, 3].mean() > best[:, 3].mean()):
                    best = img
            if best is not None and best[:, 3].mean() >= 0.5:
                xy = np.clip(best[:, :2], 0.0, 1.0)
                boxes.append((*xy.min(axis=0), *xy.max(axis=0)))
                lengths.append(float(body_length_share(best[None], size)[0]))
    if len(boxes) < 2:
        return None
    b, length = np.array(boxes), np.array(lengths)
    w, h = size
    longer = max(w, h)
    centres = np.column_stack([(b[:, 0] + b[:, 2]) / 2 * w, (b[:, 1] + b[:, 3]) / 2 * h]) / longer
    near = np.hypot(*(centres - np.median(centres, axis=0)).T) <= np.median(length)
    b, body = b[near], float(np.median(length[near]))
    if seen is not None and seen.detected().any():
        xy = np.clip(seen.image[seen.detected()][:, :, :2], 0.0, 1.0)
        b = np.vstack([b, np.column_stack([xy.min(axis=1), xy.max(axis=1)])])
    margin = _ZOOM_MARGIN * body * longer
    region = (max(0.0, b[:, 0].min() - margin / w), max(0.0, b[:, 1].min() - margin / h),
              min(1.0, b[:, 2].max() + margin / w), min(1.0, b[:, 3].max() + margin / h))
    if longer / max((region[2] - region[0]) * w, (region[3] - region[1]) * h) < _ZOOM_MIN_GAIN:
        return None
    return tuple(round(float(v), 4) for v in region), body


def estimate_frames(
    frames: Iterable[np.ndarray],
    fps: float,
    *,
    settings: PoseSettings | None = None,
    progress: Progress | None = None,
    check_person: bool = True,
) -> PoseTrack:
    """Run MediaPipe Pose (video mode) over in-memory frames.

    Parameters
    ----------
    frames : iterable of ndarray of uint8, shape (height, width, 3)
        Upright RGB frames at ``fps``; consumed lazily (a generator works).
    fps : float
        Frame rate of ``frames``.
    settings : PoseSettings, optional
        ``sample_fps`` and ``max_side`` apply as for :func:`extract_pose` without an exercise
        (``"exercise"`` means ``DEFAULT_SAMPLE_FPS``); ``workers`` is ignored.
    progress : callable ``(done, total)``, optional
        ``total`` is 0 (unknown) for iterators without ``len``.
    check_person : bool
        Raise :class:`NoPersonError` when a person is found in fewer than 5 % of samples.

    Returns
    -------
    PoseTrack
        Samples at ``t = frame_index / fps``; ``frame_size`` is the (width, height) of the frames given.
    """
    settings = (settings or PoseSettings()).for_exercise()
    total = len(frames) if hasattr(frames, "__len__") else 0  # type: ignore[arg-type]
    imgs: list[np.ndarray] = []
    wlds: list[np.ndarray] = []
    ts: list[float] = []
    frame_size = (0, 0)
    nan = np.full((N_LANDMARKS, 4), np.nan)
    with _make_pose(settings) as pose:
        for i, frame in enumerate(frames):
            if not sample_mask(1, fps, settings.sample_fps, start_frame=i)[0]:
                continue
            if not ts:
                frame_size = (int(frame.shape[1]), int(frame.shape[0]))
            img, wld = _infer_in(pose, np.asarray(frame, dtype=np.uint8), i / fps, settings.region,
                                 settings.max_side)
            imgs.append(nan if img is None else img)
            wlds.append(nan if wld is None else wld)
            ts.append(i / fps)
            if progress is not None:
                progress(i + 1, total)
    n = len(ts)
    track = PoseTrack(
        image=np.stack(imgs) if n else np.zeros((0, N_LANDMARKS, 4)),
        world=np.stack(wlds) if n else np.zeros((0, N_LANDMARKS, 4)),
        t=np.asarray(ts, dtype=np.float64),
        frame_size=frame_size,
        fps=float(fps),
        source={
            "kind": "frames",
            "settings": {k: v for k, v in settings.to_dict().items() if k != "workers"},
            "cache_key": settings.cache_key(),
            "extractor": _EXTRACTOR_VERSION,
        },
    )
    if check_person:
        _check_person(track, "these frames")
    return track


class _TqdmProgress:
    """A ``(done, total)`` callable driving a tqdm bar; ``close()`` when finished.

    The bar appears on the first call, so input refused before any frame is read (an empty file, a
    text file named .mp4) prints its one error line and no empty bar. After the bar finished, a call that
    starts over (``done < total``) opens a new one, "… (read again)": a second pass over the clip (the part of
    the frame around a small person, moments read again); a call that only says it is finished opens none.
    """

    def __init__(self, desc: str) -> None:
        self._desc = desc
        self._bar = None
        self._passes = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if self._passes and done >= total:
                return  # finished, and no new pass begun
            from tqdm.auto import tqdm

            self._passes += 1
            desc = self._desc if self._passes == 1 else f"{self._desc} (read again)"
            self._bar = tqdm(total=total or 0, desc=desc, unit="frame", leave=False)
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()
        if total and done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def at_sample_rate(track: PoseTrack, sample_fps: float | None) -> PoseTrack:
    """The samples of ``track`` that :func:`extract_pose` would have kept at ``sample_fps``.

    For tracks recorded at a higher rate than the analysis uses (training examples rendered at 10 fps, the
    plank analysed at 4 samples/s): the same frame selection as the video stage
    (:func:`repcheck.video.sample_frame_indices`), so signals, smoothing and rolling windows see what
    ``repcheck analyze`` sees. A track already at or below the rate (or ``sample_fps`` None) is returned
    as it is.

    Parameters
    ----------
    track : PoseTrack
        ``track.fps`` is the rate its samples were taken at.
    sample_fps : float or None

    Returns
    -------
    PoseTrack
    """
    if not sample_fps or not track.fps or track.fps <= float(sample_fps) * 1.01:
        return track
    keep = sample_frame_indices(len(track.t), float(track.fps), float(sample_fps))
    return replace(track, image=track.image[keep], t=track.t[keep], fps=float(sample_fps),
                   world=track.world[keep] if track.world is not None else None)


def tqdm_progress(desc: str = "pose") -> _TqdmProgress:
    """A progress callable for :func:`extract_pose` backed by a tqdm bar (closes itself when done)."""
    return _TqdmProgress(desc)
