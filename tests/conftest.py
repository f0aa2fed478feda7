"""Shared test fixtures and helpers.

- ``REPCHECK_CACHE_DIR`` points at a session temporary folder (autouse), so tests never read or write
  the user's pose cache, and MediaPipe runs at most once per video within a test session.
- :data:`REAL_DIR` / :func:`real_clip` locate the real clips in ``../shared/data/real`` beside the
  checkout and skip with a reason when they are absent.
- :func:`rendered_examples` loads the stored rendered training examples of an exercise
  (``training_data/synthetic``: what MediaPipe returned for rendered videos) or skips when they are absent.
- :func:`synth_track` builds (and memoises per session) a fast-path synthetic landmark track with its
  ground truth (``repcheck.synth`` motion + ``project_track``), no video, no MediaPipe: milliseconds.
- The ``rendered_clip`` fixture renders a small synthetic clip (``repcheck.synth.clip.render_clip``)
  into a session folder, runs the real MediaPipe on it (``repcheck.pose.extract_pose``) and memoises
  ``(mp4 path, ground truth dict, PoseTrack)`` per argument set — use it for end-to-end tests, and keep
  clips short (the defaults: 480×270, 10 fps).
- :func:`variable_rate` re-encodes a clip as a phone at a dropping frame rate writes it (ffmpeg ``select``,
  each kept frame at its own time).
- :func:`rewrite_video` writes a clip again with every frame changed (made over as a condition, shrunk, moved).
- :func:`render_heldout` renders one held-out clip again from its build plan (a case found there, as a test).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest


def rewrite_video(src: Path, out: Path, change: Callable[[np.ndarray], np.ndarray] = lambda frame: frame, *,
                  seconds: float | None = None) -> Path:
    """``src`` written again to ``out`` (MPEG-4, its frame rate) with ``change`` applied to every BGR frame; the
    output's size is the changed frames'. ``seconds``: only the frames of the first so many seconds."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    keep = None if seconds is None else int(round(seconds * fps))
    writer, written = None, 0
    ok, frame = cap.read()
    while ok and (keep is None or written < keep):
        frame = np.ascontiguousarray(change(frame))
        if writer is None:
            writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                                     (frame.shape[1], frame.shape[0]))
        writer.write(frame)
        written += 1
        ok, frame = cap.read()
    cap.release()
    writer.release()
    return out


#: Real public clips beside the checkout (never copied into the repo).
REAL_DIR = Path(__file__).resolve().parents[2] / "shared/data/real"


#: The held-out set's build plans (``training_data/README.md``): plan seed → its ``--scale``; every plan uses
#: ``--body-seed 9000 --reps 3`` and the views below.
HELDOUT_SCALE = {7: 0.35, 8: 0.35, 9: 1.0, 10: 0.5}
HELDOUT_VIEWS = ("side", "other_side", "oblique", "oblique45")


def render_heldout(clip_id: str, out: Path) -> tuple[Path, dict]:
    """Render the held-out clip ``clip_id`` (``benchmarks/heldout/h-<clip_id>.mp4``, e.g.
    ``"plank-0900001"``) again from its build plan into ``out``: (video path, ground truth). The clip's seed
    names its plan (0900001 → plan seed 9). A clip a test renders so is no longer blind."""
    from repcheck.training.build import plan_jobs, run_job

    seed = int(clip_id.rsplit("-", 1)[1]) // 100000
    jobs = plan_jobs(seed=seed, body_seed=9000, scale=HELDOUT_SCALE[seed], views=HELDOUT_VIEWS, view_p=None, reps=3)
    (job,) = [j for j in jobs if j.id == clip_id]
    assert run_job(job, out, mode="video")["error"] is None
    return out / f"{clip_id}.mp4", json.loads((out / f"{clip_id}.json").read_text())


@pytest.fixture(scope="module")
def heldout_clip(request, tmp_path_factory) -> tuple[Path, dict]:
    """The held-out clip the test module names in ``HELDOUT_CLIP`` (e.g. ``"plank-0900001"``), rendered again from
    its build plan once per module (:func:`render_heldout`): (video path, ground truth)."""
    clip = request.module.HELDOUT_CLIP
    return render_heldout(clip, tmp_path_factory.mktemp(clip))


def real_clip(name: str) -> Path:
    """Path of a real clip in :data:`REAL_DIR`; skips the calling test when it is absent."""
    p = REAL_DIR / name
    if not p.exists():
        pytest.skip(f"real clip {name} not found in {REAL_DIR}")
    return p


@pytest.fixture(scope="session", autouse=True)
def repcheck_cache_dir(tmp_path_factory) -> Path:
    """A session-wide ``REPCHECK_CACHE_DIR`` (pose cache) under pytest's temporary folder."""
    d = tmp_path_factory.mktemp("repcheck-cache")
    old = os.environ.get("REPCHECK_CACHE_DIR")
    os.environ["REPCHECK_CACHE_DIR"] = str(d)
    yield d
    if old is None:
        os.environ.pop("REPCHECK_CACHE_DIR", None)
    else:
        os.environ["REPCHECK_CACHE_DIR"] = old


@lru_cache(maxsize=64)
def rendered_examples(exercise: str, *, mediapipe_only: bool = False, ids: tuple[str, ...] | None = None,
                      at_least: int = 10) -> list:
    """The stored rendered examples of ``exercise`` (``training_data/synthetic``), only ``ids`` when given and
    only real MediaPipe tracks with ``mediapipe_only``; skips the calling test with fewer than ``at_least``
    (default 10, or all of ``ids``)."""
    from repcheck.training.dataset import default_training_dir, load_examples
    from repcheck.training.train import is_mediapipe

    root = default_training_dir() / "synthetic"
    exs = load_examples(root, exercise=exercise) if root.exists() else []
    exs = [e for e in exs if (ids is None or e.id in ids) and (not mediapipe_only or is_mediapipe(e))]
    need = len(ids) if ids is not None else at_least
    if len(exs) < need:
        pytest.skip(f"rendered {exercise} examples {ids or ''} not in {root}")
    return exs


def variable_rate(src: Path, out: Path, select: str) -> Path:
    """Re-encode ``src`` keeping only the frames an ffmpeg ``select`` expression picks, each at its own time
    (``-fps_mode vfr``): what a phone writes when its frame rate drops (dim light, a busy phone)."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg", reason="needs the ffmpeg of imageio-ffmpeg")
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(src), "-vf", f"select='{select}'",
         "-fps_mode", "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(out)],
        check=True,
    )
    return out


def analyse_rendered_plank(path: Path, tmp_path: Path, within_s: float, *, truth: dict | None = None,
                           workers: int = 1):
    """Analyse a rendered plank clip as a user would and check it is one hold within ``within_s`` of its true
    bounds (``truth``, default the clip's ``CLIP.json``); returns ``(hold, truth_segment)`` for the verdict
    checks. ``workers``: pose trackers (2 splits the clip into parts, each seeking to its own)."""
    from repcheck import analyze
    from repcheck.pose import PoseSettings

    truth = truth if truth is not None else json.loads(Path(path).with_suffix(".json").read_text())
    (gt,) = truth["segments"]
    report = analyze(path, exercise="plank", cache_dir=tmp_path / "cache", settings=PoseSettings(workers=workers))
    found = [(round(s.start_s, 2), round(s.end_s, 2)) for s in report.segments]
    assert len(report.segments) == 1, (found, (gt["start_s"], gt["end_s"]))
    (hold,) = report.segments
    assert hold.start_s == pytest.approx(gt["start_s"], abs=within_s), (found, gt["start_s"])
    assert hold.end_s == pytest.approx(gt["end_s"], abs=within_s), (found, gt["end_s"])
    return hold, gt


def render_plank_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, fault: str, severity: float, seed: int,
                         view: str, **variant: str) -> Path:
    """Render a 10 s plank hold (480×270, 10 fps) of a ``make_motion`` variant (``arms="straight"``, ...) into
    ``tmp_path``, as the dev-set scripts in ``benchmarks/`` render them."""
    import functools

    import repcheck.synth.motions as motions
    from repcheck.synth.clip import render_clip

    monkeypatch.setattr(motions, "make_motion", functools.partial(motions.make_motion, **variant))
    return render_clip("plank", fault=fault, severity=severity, seconds=10.0, seed=seed, view=view, size=(480, 270),
                       fps=10, out=tmp_path / f"plank_{seed}.mp4")


def synth_track(exercise: str, fault: str | None = None, severity: float = 0.0, *, seed: int = 0,
                fps: float = 10.0, view: str = "side", noise: bool = True, reps: int | None = None,
                seconds: float | None = None):
    """A fast-path synthetic set: ``(PoseTrack, Motion)``, memoised per argument set.

    Parameters
    ----------
    exercise, fault, severity
        The motion (``fault=None``: correct form).
    seed : int
        Seeds the motion, camera and noise.
    fps : float
        Sample rate of the track.
    view : str
        Camera placement name (``repcheck.synth.scene.CAMERA_VIEWS``).
    noise : bool
        Add the default ``MediaPipeNoise`` (jitter, bias, swaps, drop-outs).
    """
    from repcheck.synth.landmark_tracks import MediaPipeNoise, camera_for, project_track
    from repcheck.synth.motions import make_motion

    rng = np.random.default_rng(seed)
    faults = {fault: severity} if fault else None
    motion = make_motion(exercise, faults=faults, reps=reps, seconds=seconds, rng=rng)
    cam = camera_for(motion, rng, view=view)
    track = project_track(motion, cam, fps, rng=rng, noise=MediaPipeNoise() if noise else None)
    return track, motion


@pytest.fixture(scope="session")
def rendered_clip(tmp_path_factory):
    """Factory ``get(exercise, fault=None, severity=0.0, *, seed=0, view="side", reps=None,
    seconds=None, fps=10, size=(480, 270)) -> (path, truth, track)``, memoised for the session."""
    root = tmp_path_factory.mktemp("rendered")
    memo: dict = {}

    def get(exercise: str, fault: str | None = None, severity: float = 0.0, *, seed: int = 0,
            view: str = "side", reps: int | None = None, seconds: float | None = None, fps: float = 10,
            size: tuple[int, int] = (480, 270)):
        key = (exercise, fault, severity, seed, view, reps, seconds, fps, size)
        if key not in memo:
            from repcheck.pose import PoseSettings, extract_pose
            from repcheck.synth.clip import render_clip

            name = f"{exercise}_{fault or 'ok'}_{severity}_{seed}_{view}_{reps}_{seconds}_{fps}.mp4"
            path = render_clip(exercise, fault=fault, severity=severity, reps=reps, seconds=seconds,
                               seed=seed, view=view, size=size, fps=fps, out=root / name)
            truth = json.loads(Path(path).with_suffix(".json").read_text())
            track = extract_pose(path, settings=PoseSettings(sample_fps=None, workers=1))
            memo[key] = (Path(path), truth, track)
        return memo[key]

    return get
