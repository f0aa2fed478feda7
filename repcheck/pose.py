"""MediaPipe Pose over a video → :class:`~repcheck.landmarks.PoseTrack`, cached on disk by content hash.

The extractor runs MediaPipe's BlazePose (``mp.solutions.pose``, bundled with mediapipe 0.10.21, so it
works offline) in video mode (tracking) on frames sampled at ``PoseSettings.sample_fps``, resized so the
longer side is at most ``PoseSettings.max_side`` pixels.

Speed (issue #6)
----------------
Long clips are split into ``workers`` contiguous chunks of samples, each run by its own MediaPipe
tracker in a worker process (``spawn`` context). Every chunk starts ``OVERLAP_S`` seconds early so its
tracker has locked on by the first sample it keeps; the warm-up samples are dropped when stitching.
Workers stream landmark batches back through a queue, so memory stays at the landmark arrays
(33 × 4 floats per sample) whatever the video length. Clips shorter than ``PARALLEL_MIN_S`` run in
one in-process tracker (process start-up would dominate).

Cache
-----
One ``.npz`` per (video sha256, :meth:`PoseSettings.cache_key`) in ``cache_dir`` or
``$REPCHECK_CACHE_DIR`` or ``~/.cache/repcheck/pose``, written with ``np.savez_compressed`` and read with
``allow_pickle=False``. A cache hit neither decodes the video nor runs MediaPipe.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import queue as queue_mod
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import NoPersonError
from .landmarks import N_LANDMARKS, PoseTrack
from .video import (
    _check_file,
    _resize_to,
    file_sha256,
    iter_frames,
    probe,
    sample_frame_indices,
    sample_mask,
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
]

#: A video where a person is found in fewer than this share of the analysed samples is rejected.
MIN_PERSON_FRACTION = 0.05
#: Clips shorter than this (seconds) run in-process: spawning workers and loading MediaPipe in each
#: (~1.5 s per worker measured on the 2-core dev machine) would cost more than it saves.
PARALLEL_MIN_S = 10.0
#: Seconds each parallel chunk starts early so its tracker has locked on (dropped when stitching).
OVERLAP_S = 1.0
#: Samples per batch a worker sends back.
_BATCH = 16
#: Bump when the extractor's output for the same settings changes (invalidates caches).
_EXTRACTOR_VERSION = "mp-pose-video/1"

Progress = Callable[[int, int], Any]


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class PoseSettings:
    """How poses are extracted from a video.

    Attributes
    ----------
    sample_fps : float or None
        Samples analysed per second of video (None: every frame). 10 fps keeps the verdicts and hold
        boundaries of the full-rate analysis (``tests/test_speed_equivalence.py``) at about a third of
        the MediaPipe work for 30 fps footage.
    max_side : int or None
        Frames are resized so their longer side is at most this many pixels before inference.
        MediaPipe runs its detector at 224 px and its landmark model on a 256 px crop of the person,
        so 640 px loses nothing for a whole body in frame.
    model_complexity : int
        0 (lite), 1 (full, bundled default) or 2 (heavy; must be present in the mediapipe install).
    workers : int
        Worker processes for long clips (default: ``os.cpu_count()``). Not part of the cache key.
    min_detection_confidence, min_tracking_confidence : float
        MediaPipe's thresholds (0..1).
    """

    sample_fps: float | None = 10.0
    max_side: int | None = 640
    model_complexity: int = 1
    workers: int = field(default_factory=_default_workers)
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5

    def cache_key(self) -> str:
        """A string naming every setting that changes the landmarks (``workers`` does not)."""
        sf = "all" if self.sample_fps is None else f"{float(self.sample_fps):g}"
        ms = "full" if self.max_side is None else str(int(self.max_side))
        return (
            f"{_EXTRACTOR_VERSION};fps={sf};side={ms};mc={int(self.model_complexity)};"
            f"det={float(self.min_detection_confidence):g};trk={float(self.min_tracking_confidence):g}"
        )

    def to_dict(self) -> dict:
        """JSON-friendly settings (for ``PoseTrack.source``)."""
        return asdict(self)


# --------------------------------------------------------------------------- MediaPipe calls


def _make_pose(settings: PoseSettings):
    """A MediaPipe Pose tracker in video mode (``static_image_mode=False``)."""
    import mediapipe as mp_  # imported lazily: ~1 s, and cached re-analysis never needs it

    return mp_.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=int(settings.model_complexity),
        smooth_landmarks=True,
        enable_segmentation=False,
        min_detection_confidence=float(settings.min_detection_confidence),
        min_tracking_confidence=float(settings.min_tracking_confidence),
    )


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


def _timed(it: Iterable, acc: dict, key: str):
    """Yield from ``it``, adding the seconds spent waiting for each item to ``acc[key]``."""
    it = iter(it)
    while True:
        t0 = time.perf_counter()
        try:
            item = next(it)
        except StopIteration:
            return
        acc[key] += time.perf_counter() - t0
        yield item


def _empty_landmarks(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All-NaN image and world landmarks of shape (n, 33, 4) and an all-False "person found" mask (n,)."""
    return np.full((n, N_LANDMARKS, 4), np.nan), np.full((n, N_LANDMARKS, 4), np.nan), np.zeros(n, dtype=bool)


def _serial(
    path: str,
    settings: PoseSettings,
    keep_idx: np.ndarray,
    fps: float,
    progress: Progress | None,
    stats: dict,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(keep_idx)
    image, world, got = _empty_landmarks(n)
    with _make_pose(settings) as pose:
        frames = iter_frames(path, sample_fps=settings.sample_fps, max_side=settings.max_side)
        for done, (t, frame) in enumerate(_timed(frames, stats, "decode_s")):
            j = int(np.searchsorted(keep_idx, round(t * fps)))
            if j >= n:
                break
            t0 = time.perf_counter()
            img, wld = _infer(pose, frame, t)
            stats["pose_s"] += time.perf_counter() - t0
            got[j] = True
            if img is not None:
                image[j] = img
            if wld is not None:
                world[j] = wld
            if progress is not None:
                progress(done + 1, n)
    return image, world, got


_WORKER_QUEUE = None


def _init_worker(q) -> None:
    global _WORKER_QUEUE
    _WORKER_QUEUE = q


def _pose_chunk(
    chunk: int, path: str, settings: PoseSettings, warm_start: int, keep_start: int, end: int, fps: float
) -> dict:
    """Worker: track frames ``[warm_start, end)``, send samples from ``keep_start`` on to the queue.

    Returns its stage times ``{"decode_s", "pose_s", "samples", "warmup"}``.
    """
    q = _WORKER_QUEUE
    sent = 0
    st = {"decode_s": 0.0, "pose_s": 0.0, "samples": 0, "warmup": 0}
    idx_b: list[int] = []
    img_b: list[np.ndarray] = []
    wld_b: list[np.ndarray] = []
    nan = np.full((N_LANDMARKS, 4), np.nan)

    def flush() -> None:
        nonlocal sent
        if idx_b:
            q.put(("data", chunk, np.array(idx_b, np.int64), np.stack(img_b), np.stack(wld_b)))
            sent += len(idx_b)
            idx_b.clear()
            img_b.clear()
            wld_b.clear()

    t_start = time.perf_counter()
    with _make_pose(settings) as pose:
        st["startup_s"] = time.perf_counter() - t_start
        frames = iter_frames(
            path, sample_fps=settings.sample_fps, max_side=settings.max_side, start_frame=warm_start, end_frame=end
        )
        for t, frame in _timed(frames, st, "decode_s"):
            t0 = time.perf_counter()
            img, wld = _infer(pose, frame, t)
            st["pose_s"] += time.perf_counter() - t0
            i = round(t * fps)
            if i < keep_start:
                st["warmup"] += 1
                continue
            idx_b.append(i)
            img_b.append(nan if img is None else img)
            wld_b.append(nan if wld is None else wld)
            if len(idx_b) >= _BATCH:
                flush()
    flush()
    st["samples"] = sent
    q.put(("done", chunk, sent))
    return st


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start spawned workers without re-importing the caller's ``__main__``.

    ``spawn`` normally re-runs the main script in every worker: a script without an
    ``if __name__ == "__main__":`` guard would start workers recursively, and code piped through stdin
    cannot be re-run at all. The workers only need :mod:`repcheck.pose`, so the main module's
    ``__file__``/``__spec__`` are hidden while they are launched (all at the first ``submit``).
    """
    main = sys.modules.get("__main__")
    saved = {a: getattr(main, a) for a in ("__file__", "__spec__") if main is not None and hasattr(main, a)}
    try:
        if main is not None:
            main.__spec__ = None
            if "__file__" in saved:
                del main.__file__
        yield
    finally:
        for a, v in saved.items():
            setattr(main, a, v)


def _parallel(
    path: str,
    settings: PoseSettings,
    keep_idx: np.ndarray,
    fps: float,
    workers: int,
    progress: Progress | None,
    stats: dict,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(keep_idx)
    image, world, got = _empty_landmarks(n)
    bounds = np.linspace(0, n, workers + 1).round().astype(int)
    overlap = int(round(OVERLAP_S * fps))
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    done = 0
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(q,)
    ) as ex:
        futs = []
        with _main_module_hidden():
            for c in range(workers):
                a, b = bounds[c], bounds[c + 1]
                if b <= a:
                    continue
                keep_start = int(keep_idx[a])
                end = int(keep_idx[b - 1]) + 1
                warm = max(0, keep_start - overlap)
                futs.append(ex.submit(_pose_chunk, c, path, settings, warm, keep_start, end, fps))
        finished = 0
        while finished < len(futs):
            try:
                msg = q.get(timeout=0.5)
            except queue_mod.Empty:
                msg = None
            if msg is None:
                for f in futs:
                    if f.done() and f.exception() is not None:
                        f.result()  # re-raises the worker's error
                continue
            if msg[0] == "done":
                finished += 1
                continue
            _, _, idx, img, wld = msg
            j = np.searchsorted(keep_idx, idx)
            ok = (j < n) & (keep_idx[np.minimum(j, n - 1)] == idx)
            image[j[ok]] = img[ok]
            world[j[ok]] = wld[ok]
            got[j[ok]] = True
            done += int(ok.sum())
            if progress is not None:
                progress(done, n)
        for f in futs:
            st = f.result()
            for k in ("decode_s", "pose_s", "startup_s"):
                stats[k] = stats.get(k, 0.0) + st.get(k, 0.0)
            stats["warmup_samples"] = stats.get("warmup_samples", 0) + st["warmup"]
    q.close()
    return image, world, got


def extract_pose(
    path: str | os.PathLike,
    *,
    settings: PoseSettings | None = None,
    cache_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
    stats: dict | None = None,
) -> PoseTrack:
    """Run MediaPipe Pose over a video (or load the cached result).

    Parameters
    ----------
    path : str or path-like
        The video file.
    settings : PoseSettings, optional
        Extraction settings (default ``PoseSettings()``).
    cache_dir : str or path-like, optional
        Cache folder (default ``$REPCHECK_CACHE_DIR`` or ``~/.cache/repcheck/pose``).
    progress : callable ``(done, total)``, optional
        Called as samples are analysed (see :func:`tqdm_progress`).
    use_cache : bool
        Read and write the cache (False: always recompute, write nothing).
    stats : dict, optional
        Filled with how the work went: ``mode`` ("cache", "serial" or "parallel"), ``workers``,
        ``samples``, and seconds spent decoding (``decode_s``) and in MediaPipe (``pose_s``), summed over
        workers (the benchmark reports them).

    Returns
    -------
    PoseTrack
        ``image``/``world`` of shape (T, 33, 4) (all-NaN rows where no person was found), ``t`` (T,) in
        seconds, ``frame_size`` the upright (width, height) of the source, ``fps`` of the source,
        ``source`` = {path, sha256, settings, cache_key, extractor}.

    Raises
    ------
    VideoError, EmptyVideoError, NotAVideoError, TruncatedVideoError
        As :func:`repcheck.video.probe`.
    NoPersonError
        A person was found in fewer than 5 % of the analysed samples.
    """
    settings = settings or PoseSettings()
    stats = stats if stats is not None else {}
    stats.update(decode_s=0.0, pose_s=0.0)
    p = _check_file(path)
    name = Path(path).name
    cpath = None
    if use_cache:
        cpath = cache_path(_content_sha256(p, cache_dir), settings, cache_dir)
        if cpath.exists():
            track = _load_track(cpath)
            if track is not None:
                stats.update(mode="cache", workers=0, samples=track.n_frames)
                track.source["path"] = str(p)
                if progress is not None:
                    progress(track.n_frames, track.n_frames)
                _check_person(track, name)
                return track
    info = probe(p)
    keep_idx = sample_frame_indices(info.frames, info.fps, settings.sample_fps)
    workers = max(1, int(settings.workers))
    if workers > 1 and info.duration_s >= PARALLEL_MIN_S and len(keep_idx) >= 4 * workers:
        stats.update(mode="parallel", workers=workers)
        image, world, got = _parallel(str(p), settings, keep_idx, info.fps, workers, progress, stats)
    else:
        stats.update(mode="serial", workers=1)
        image, world, got = _serial(str(p), settings, keep_idx, info.fps, progress, stats)
    stats["samples"] = int(got.sum())
    if progress is not None:
        progress(int(got.sum()), int(got.sum()))  # finish the bar even if the last frames were missing
    # The container may announce a frame or two more than decode: keep the samples actually decoded.
    t = keep_idx[got] / info.fps
    track = PoseTrack(
        image=image[got],
        world=world[got],
        t=t.astype(np.float64),
        frame_size=(info.width, info.height),
        fps=info.fps,
        source={
            "path": str(p),
            "sha256": info.sha256,
            "settings": {k: v for k, v in settings.to_dict().items() if k != "workers"},
            "cache_key": settings.cache_key(),
            "extractor": _EXTRACTOR_VERSION,
        },
    )
    if cpath is not None:
        _save_track(cpath, track)
    _check_person(track, name)
    return track


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
        ``sample_fps`` and ``max_side`` apply as for :func:`extract_pose` (``workers`` is ignored).
    progress : callable ``(done, total)``, optional
        ``total`` is 0 (unknown) for iterators without ``len``.
    check_person : bool
        Raise :class:`NoPersonError` when a person is found in fewer than 5 % of samples.

    Returns
    -------
    PoseTrack
        Samples at ``t = frame_index / fps``; ``frame_size`` is the (width, height) of the frames given.
    """
    settings = settings or PoseSettings()
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
            rgb = np.ascontiguousarray(_resize_to(np.asarray(frame, dtype=np.uint8), settings.max_side))
            img, wld = _infer(pose, rgb, i / fps)
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
    """A ``(done, total)`` callable driving a tqdm bar; ``close()`` when finished."""

    def __init__(self, desc: str) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=0, desc=desc, unit="frame", leave=False)

    def __call__(self, done: int, total: int) -> None:
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()
        if total and done >= total:
            self.close()

    def close(self) -> None:
        self._bar.close()


def tqdm_progress(desc: str = "pose") -> Callable[[int, int], None]:
    """A progress callable for :func:`extract_pose` backed by a tqdm bar (closes itself when done)."""
    return _TqdmProgress(desc)
