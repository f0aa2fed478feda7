"""repcheck.pose: a person is found in real footage, an empty scene is refused with a clear message, a
re-analysis comes from the cache without MediaPipe or decoding, the exercise sets the sample rate (an
explicit one overrides it) and keys the cache, and the parallel path (tracker threads) agrees with the
serial one and reports progress and errors in the caller's thread."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import rewrite_video

import repcheck.pose as pose_mod
from repcheck.errors import NoPersonError
from repcheck.landmarks import LM
from repcheck.pose import PoseSettings, cache_path, estimate_frames, extract_pose
from repcheck.video import iter_frames

REAL = Path(__file__).resolve().parents[2] / "shared/data/real"
REAL_PLANK = REAL / "plank_correct_001.mp4"
needs_real = pytest.mark.skipif(not REAL_PLANK.exists(), reason=f"real clips not present at {REAL}")

TORSO = [LM["left_shoulder"], LM["right_shoulder"], LM["left_hip"], LM["right_hip"]]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pose-cache")


@pytest.fixture(scope="module")
def plank_track(cache_dir):
    """Serial extraction of the 2.6 s real plank clip at the default settings (cached for the module)."""
    return extract_pose(REAL_PLANK, settings=PoseSettings(workers=1), cache_dir=cache_dir)


def _count_inference(monkeypatch) -> list[int]:
    calls = [0]
    real = pose_mod._infer

    def counting(pose, frame, t=None):
        calls[0] += 1
        return real(pose, frame, t)

    monkeypatch.setattr(pose_mod, "_infer", counting)
    return calls


@needs_real
def test_person_found_in_real_plank(plank_track):
    tr = plank_track
    assert tr.n_frames == 26  # 77 frames at 29.97 fps sampled at 10 fps
    assert tr.detected().mean() >= 0.95
    assert tr.frame_size == (1280, 720)
    assert tr.fps == pytest.approx(29.97, abs=0.01)
    assert tr.analysis_fps == pytest.approx(10, abs=0.5)
    assert tr.image.shape == tr.world.shape == (26, 33, 4)
    # side-on forearm plank: shoulders and hips inside the frame, body roughly horizontal
    xy = tr.image[:, TORSO, :2]
    assert np.nanmin(xy) > 0 and np.nanmax(xy) < 1
    assert tr.source["sha256"] and tr.source["settings"]["sample_fps"] == 10.0


def test_blank_video_raises_no_person(tmp_path):
    p = tmp_path / "blank.mp4"
    wr = cv2.VideoWriter(str(p), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (160, 120))
    for _ in range(15):
        wr.write(np.full((120, 160, 3), 90, np.uint8))
    wr.release()
    with pytest.raises(NoPersonError, match="no person found in blank.mp4: film the whole body"):
        extract_pose(p, settings=PoseSettings(workers=1), cache_dir=tmp_path / "cache")
    # a cached empty result still refuses
    with pytest.raises(NoPersonError):
        extract_pose(p, settings=PoseSettings(workers=1), cache_dir=tmp_path / "cache")


@needs_real
def test_cache_hit_runs_mediapipe_once_and_skips_decoding(tmp_path, monkeypatch):
    calls = _count_inference(monkeypatch)
    settings = PoseSettings(workers=1, sample_fps=5)
    first = extract_pose(REAL_PLANK, settings=settings, cache_dir=tmp_path)
    assert calls[0] == first.n_frames == 13

    def no_decoding(*a, **k):
        raise AssertionError("a cached re-analysis must not open the video")

    monkeypatch.setattr(pose_mod, "iter_frames", no_decoding)
    monkeypatch.setattr(pose_mod, "probe", no_decoding)
    again = extract_pose(REAL_PLANK, settings=settings, cache_dir=tmp_path)
    assert calls[0] == 13
    np.testing.assert_allclose(again.image, first.image, atol=1e-6)  # stored as float32
    np.testing.assert_array_equal(again.t, first.t)
    assert again.frame_size == first.frame_size and again.source["sha256"] == first.source["sha256"]
    # stored without pickle
    with np.load(cache_path(first.source["sha256"], settings, tmp_path), allow_pickle=False) as z:
        assert z["image"].shape == (13, 33, 4)


@needs_real
def test_other_settings_or_env_dir_are_separate_cache_entries(tmp_path, monkeypatch):
    calls = _count_inference(monkeypatch)
    monkeypatch.setenv("REPCHECK_CACHE_DIR", str(tmp_path / "env"))
    a = PoseSettings(workers=1, sample_fps=4)
    b = PoseSettings(workers=1, sample_fps=4, max_side=320)
    assert a.cache_key() != b.cache_key()
    assert PoseSettings(workers=1).cache_key() == PoseSettings(workers=4).cache_key()
    extract_pose(REAL_PLANK, settings=a)
    extract_pose(REAL_PLANK, settings=b)
    n = calls[0]
    extract_pose(REAL_PLANK, settings=a)
    extract_pose(REAL_PLANK, settings=b)
    assert calls[0] == n
    assert len(list((tmp_path / "env").glob("*.npz"))) == 2


@needs_real
def test_replaced_file_is_not_served_from_the_old_cache_entry(tmp_path):
    """The cache is keyed by content: a file overwritten with another video is analysed afresh."""
    import shutil

    settings = PoseSettings(workers=1, sample_fps=3)
    p = tmp_path / "set.mp4"
    shutil.copy(REAL_PLANK, p)
    a = extract_pose(p, settings=settings, cache_dir=tmp_path / "c")
    shutil.copy(REAL / "plank_correct_007.mp4", p)
    b = extract_pose(p, settings=settings, cache_dir=tmp_path / "c")
    assert a.source["sha256"] != b.source["sha256"]
    assert (a.n_frames, b.n_frames) == (8, 12)


@needs_real
def test_corrupt_cache_entry_is_recomputed(tmp_path, plank_track):
    settings = PoseSettings(workers=1, sample_fps=3)
    cp = cache_path(plank_track.source["sha256"], settings, tmp_path)
    cp.parent.mkdir(parents=True, exist_ok=True)
    cp.write_bytes(b"half-written")
    tr = extract_pose(REAL_PLANK, settings=settings, cache_dir=tmp_path)
    assert tr.n_frames == 8 and tr.detected().all()


@needs_real
def test_parallel_path_matches_serial(tmp_path, monkeypatch, plank_track):
    """Two tracker threads over the 2.6 s clip (forced: normally only clips >= PARALLEL_MIN_S go parallel)."""
    monkeypatch.setattr(pose_mod, "PARALLEL_MIN_S", 0.0)
    done: list[tuple[int, int]] = []
    par = extract_pose(
        REAL_PLANK, settings=PoseSettings(workers=2), use_cache=False, progress=lambda d, n: done.append((d, n))
    )
    np.testing.assert_array_equal(par.t, plank_track.t)
    assert par.detected().mean() >= 0.95
    diff = np.abs(par.image[:, TORSO, :2] - plank_track.image[:, TORSO, :2])
    # the second chunk's tracker starts 1 s early; torso points agree to well under 1 % of the frame
    assert np.nanmean(diff) < 0.01
    assert done[-1] == (26, 26)


@needs_real
def test_parallel_progress_comes_from_the_calling_thread(monkeypatch):
    """Notebook progress bars (ipywidgets, tqdm) are updated from the thread that called extract_pose."""
    import threading

    monkeypatch.setattr(pose_mod, "PARALLEL_MIN_S", 0.0)
    caller = threading.get_ident()
    seen: list[tuple[int, int, int]] = []
    st: dict = {}
    extract_pose(REAL_PLANK, settings=PoseSettings(workers=2, sample_fps=5), use_cache=False, stats=st,
                 progress=lambda d, n: seen.append((threading.get_ident(), d, n)))
    assert st["mode"] == "parallel" and st["workers"] == 2
    assert {who for who, _, _ in seen} == {caller}
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and done[-1] == 13


@needs_real
def test_a_failing_tracker_raises_in_the_caller(monkeypatch):
    """An error in one chunk's thread stops the others and reaches the caller (no hang, no lost error)."""
    monkeypatch.setattr(pose_mod, "PARALLEL_MIN_S", 0.0)
    real = pose_mod._infer
    calls = [0]

    def failing(pose, frame, t=None):
        calls[0] += 1
        if t is not None and t > 1.5:
            raise RuntimeError("tracker broke")
        return real(pose, frame, t)

    monkeypatch.setattr(pose_mod, "_infer", failing)
    with pytest.raises(RuntimeError, match="tracker broke"):
        extract_pose(REAL_PLANK, settings=PoseSettings(workers=2, sample_fps=5), use_cache=False)


@needs_real
def test_exercise_sets_the_sample_rate_and_an_explicit_rate_overrides_it(tmp_path, monkeypatch):
    calls = _count_inference(monkeypatch)
    plank = extract_pose(REAL_PLANK, settings=PoseSettings(workers=1), cache_dir=tmp_path, exercise="plank")
    assert plank.n_frames == 11  # 77 frames at 29.97 fps, plank's analysis_fps = 4
    assert plank.source["settings"]["sample_fps"] == 4.0
    bridge = extract_pose(REAL_PLANK, settings=PoseSettings(workers=1), cache_dir=tmp_path, exercise="glute_bridge")
    assert bridge.n_frames == 26  # rep exercises: 10 fps
    override = extract_pose(REAL_PLANK, settings=PoseSettings(workers=1, sample_fps=5), cache_dir=tmp_path,
                            exercise="plank")
    assert override.n_frames == 13
    assert calls[0] == 11 + 26 + 13  # three rates, three cache entries
    again = extract_pose(REAL_PLANK, settings=PoseSettings(workers=1), cache_dir=tmp_path, exercise="plank")
    assert calls[0] == 11 + 26 + 13 and again.n_frames == 11
    assert PoseSettings(sample_fps=None).for_exercise("plank").sample_fps is None  # None: every frame


@needs_real
def test_estimate_frames_on_in_memory_frames(plank_track):
    frames = [f for _, f in iter_frames(REAL_PLANK, sample_fps=None, max_side=640)]
    tr = estimate_frames(frames, 29.97002997002997, settings=PoseSettings())
    np.testing.assert_allclose(tr.t, plank_track.t)
    assert tr.frame_size == (640, 360)
    assert tr.detected().mean() >= 0.95
    # same tracker, same frames -> the same landmarks as the file path
    assert np.nanmean(np.abs(tr.image[:, TORSO, :2] - plank_track.image[:, TORSO, :2])) < 0.005


def test_estimate_frames_without_person_raises():
    frames = (np.full((120, 160, 3), 30, np.uint8) for _ in range(10))
    with pytest.raises(NoPersonError, match="no person found"):
        estimate_frames(frames, 10.0)


# ----------------------------------------------------------------------------- region of the frame
def test_a_region_must_lie_inside_the_frame():
    with pytest.raises(ValueError, match="left < right"):
        PoseSettings(region=(0.6, 0.0, 0.4, 1.0))
    with pytest.raises(ValueError, match="shares of the frame"):
        PoseSettings(region=(0.0, 0.0, 1.2, 1.0))
    assert PoseSettings(region=(0, 0, 0.7, 1)).cache_key() != PoseSettings().cache_key()


@needs_real
def test_landmarks_read_in_a_region_come_back_in_whole_frame_coordinates(tmp_path, plank_track):
    """The real plank on a canvas 1.6× as wide (grey on the left), read in the region where the clip sits: the
    torso lands where the clip's own landmarks put it, moved and scaled to the canvas."""
    def widen(frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        canvas = np.full((h, int(1.6 * w), 3), 110, np.uint8)
        canvas[:, canvas.shape[1] - w :] = frame
        return canvas

    out = rewrite_video(REAL_PLANK, tmp_path / "wide.mp4", widen)
    left = 0.6 / 1.6
    wide = extract_pose(out, settings=PoseSettings(workers=1, region=(left, 0.0, 1.0, 1.0)), cache_dir=tmp_path)
    assert wide.frame_size[0] == pytest.approx(1.6 * plank_track.frame_size[0], abs=2)
    n = min(len(wide.t), len(plank_track.t))
    want_x = left + plank_track.image[:n, TORSO, 0] * (1 - left)
    np.testing.assert_allclose(wide.image[:n, TORSO, 0], want_x, atol=0.01)
    np.testing.assert_allclose(wide.image[:n, TORSO, 1], plank_track.image[:n, TORSO, 1], atol=0.02)


# ----------------------------------------------------------------------------- a person far from the phone
def _shrunk_into_a_corner(src: Path, out: Path, scale: float) -> tuple[float, float]:
    """``src`` shrunk by ``scale`` into the lower left of a grey frame of its own size; returns the clip's left
    and top in shares of the frame."""
    place = []

    def shrink(frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        small = cv2.resize(frame, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        x0, y0 = w // 20, h - small.shape[0] - h // 20
        canvas = np.full_like(frame, 120)
        canvas[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
        place[:] = [x0 / w, y0 / h]
        return canvas

    rewrite_video(src, out, shrink)
    return place[0], place[1]


@needs_real
def test_a_person_far_from_the_phone_is_read_zoomed_in(tmp_path, plank_track):
    """The real plank shrunk to 30 % (its body 15 % of the frame long, as from about 8 m) in the frame's lower
    left: MediaPipe looks for the person window by window, reads the region around them, and the torso lands
    where the clip's own landmarks put it, shrunk and moved. A person filling half the frame is read whole."""
    assert pose_mod.person_size(plank_track) == pytest.approx(0.5, abs=0.05)
    assert "zoomed" not in plank_track.source
    scale = 0.3
    left, top = _shrunk_into_a_corner(REAL_PLANK, tmp_path / "far.mp4", scale)
    far = extract_pose(tmp_path / "far.mp4", settings=PoseSettings(workers=1), cache_dir=tmp_path)
    assert far.detected().mean() >= 0.95
    assert pose_mod.person_size(far) == pytest.approx(scale * pose_mod.person_size(plank_track), abs=0.02)
    region = far.source["zoomed"]["region"]
    assert region[0] < left + 0.1 and region[2] < 0.6 and region[1] > 0.3  # around the person, not the frame
    n = min(len(far.t), len(plank_track.t))
    for axis, start in ((0, left), (1, top)):
        np.testing.assert_allclose(far.image[:n, TORSO, axis], start + scale * plank_track.image[:n, TORSO, axis],
                                   atol=0.01)
    # the zoomed-in reading is what the cache keeps
    again = extract_pose(tmp_path / "far.mp4", settings=PoseSettings(workers=1), cache_dir=tmp_path)
    assert again.source["zoomed"] == far.source["zoomed"]


@needs_real
def test_samples_read_head_to_feet_or_collapsed_are_read_again_on_the_frame_turned(plank_track):
    """MediaPipe sometimes reads a lying body the wrong way round, or with its shoulders among its feet, sure of every
    landmark (see ``test_plank_read_head_to_feet.py``). Four samples of the real plank turned end for end about the
    hips and three with the shoulders moved onto the ankles, as such readings are, are the ones found; read again
    on the frame turned a quarter turn, they land where the clip's own reading put them, image and world
    landmarks (turned back)."""
    from dataclasses import replace

    image = plank_track.image
    misread = replace(plank_track, image=image.copy(), world=plank_track.world.copy())
    turned, collapsed = np.arange(10, 14), np.arange(16, 19)
    hips = (image[turned, LM["left_hip"], :2] + image[turned, LM["right_hip"], :2]) / 2
    misread.image[turned, :, :2] = 2 * hips[:, None, :] - image[turned, :, :2]
    for side in ("left", "right"):
        misread.image[collapsed, LM[f"{side}_shoulder"], :2] = image[collapsed, LM[f"{side}_ankle"], :2]
    size = plank_track.frame_size
    assert not (pose_mod.head_to_feet_reversed(image, size) | pose_mod.head_to_feet_collapsed(image, size)).any()
    assert np.flatnonzero(pose_mod.head_to_feet_reversed(misread.image, size)).tolist() == turned.tolist()
    assert np.flatnonzero(pose_mod.head_to_feet_collapsed(misread.image, size)).tolist() == collapsed.tolist()

    calls = []
    assert pose_mod.mend_misread(REAL_PLANK, PoseSettings(workers=1).for_exercise(None), misread,
                                 progress=lambda done, total: calls.append((done, total))) == 7
    # the progress bar's second pass: from none of the 7 misread moments looked at again to all of them
    assert calls[0] == (0, 7) and calls[-1] == (7, 7) and {t for _, t in calls} == {7}
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    idx = np.concatenate([turned, collapsed])
    body = [LM[f"{s}_{j}"] for s in ("left", "right") for j in ("shoulder", "elbow", "hip", "knee", "ankle")]
    np.testing.assert_allclose(misread.image[idx][:, body, :2], image[idx][:, body, :2], atol=0.04)
    np.testing.assert_allclose(misread.world[idx][:, TORSO, :3], plank_track.world[idx][:, TORSO, :3], atol=0.05)


def test_the_tqdm_bar_starts_again_for_a_second_pass(capsys):
    """The CLI's bar finishes with the video's last sample; a second pass (moments read again, the part of the
    frame around a small person) gets a bar of its own, named as such, instead of writing to a closed one."""
    bar = pose_mod.tqdm_progress("pose clip.mp4")
    for done in range(6):
        bar(done, 5)
    bar(5, 5)  # the video stage's "finished" after its last sample: no new bar
    for done in range(4):
        bar(done, 3)
    bar(3, 3)
    bar.close()
    err = capsys.readouterr().err
    assert "pose clip.mp4" in err and "3/3" in err
    assert err.count("pose clip.mp4 (read again)") >= 1 and "(read again):   0%|          | 0/5" not in err
