"""repcheck.video: what a user gets for good and bad files — upright frames, the right sampling, and a
specific one-line error naming the file for each kind of unusable input."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import variable_rate

from repcheck.errors import EmptyVideoError, NotAVideoError, TruncatedVideoError, VideoError
from repcheck.video import VideoInfo, frame_at, iter_frames, probe, sample_frame_indices, set_mp4_rotation

REAL = Path(__file__).resolve().parents[2] / "shared/data/real"
REAL_PLANK = REAL / "plank_correct_001.mp4"


def _frame(i: int, w: int, h: int) -> np.ndarray:
    """BGR frame whose grey level encodes ``i`` (big flat areas survive lossy coding) and a red band
    marking the top edge."""
    f = np.full((h, w, 3), (i * 8) % 200 + 20, np.uint8)
    f[: h // 6, :, :] = (0, 0, 255)
    return f


def write_clip(path: Path, n: int, fps: float, w: int = 160, h: int = 96, stored=None) -> Path:
    """Write an mp4 of ``n`` frames (``stored`` maps each upright BGR frame to what is stored)."""
    first = _frame(0, w, h) if stored is None else stored(_frame(0, w, h))
    sh, sw = first.shape[:2]
    wr = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (sw, sh))
    assert wr.isOpened()
    for i in range(n):
        f = _frame(i, w, h)
        wr.write(f if stored is None else stored(f))
    wr.release()
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """3 s at 30 fps, 160×96."""
    return write_clip(tmp_path_factory.mktemp("video") / "clip.mp4", 90, 30.0)


def _one_line(exc: pytest.ExceptionInfo, name: str) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    assert name in msg
    return msg


# ----------------------------------------------------------------------------- probe: bad inputs


def test_missing_file_says_no_such_file(tmp_path):
    with pytest.raises(VideoError, match="no such file") as exc:
        probe(tmp_path / "missing.mp4")
    _one_line(exc, "missing.mp4")


def test_zero_byte_file_is_empty(tmp_path):
    p = tmp_path / "empty.mp4"
    p.write_bytes(b"")
    with pytest.raises(EmptyVideoError, match="empty") as exc:
        probe(p)
    _one_line(exc, "empty.mp4")


def test_text_renamed_mp4_is_not_a_video(tmp_path):
    p = tmp_path / "notes.mp4"
    p.write_text("squat 3x10\nplank 60s\n" * 50)
    with pytest.raises(NotAVideoError, match="not a video") as exc:
        probe(p)
    _one_line(exc, "notes.mp4")


@pytest.mark.parametrize("name", ["photo.png", "photo_renamed.mp4"])
def test_png_is_an_image_not_a_video(tmp_path, name):
    png = tmp_path / "photo.png"
    assert cv2.imwrite(str(png), np.zeros((40, 60, 3), np.uint8))
    p = tmp_path / name
    if p != png:
        shutil.copy(png, p)
    with pytest.raises(NotAVideoError, match="image, not a video") as exc:
        probe(p)
    _one_line(exc, name)


def test_jpeg_is_an_image_not_a_video(tmp_path):
    p = tmp_path / "photo.jpg"
    assert cv2.imwrite(str(p), np.zeros((40, 60, 3), np.uint8))
    with pytest.raises(NotAVideoError, match="image"):
        probe(p)


@pytest.mark.parametrize("keep", [0.5, 0.97])
def test_truncated_generated_mp4(tmp_path, clip, keep):
    data = clip.read_bytes()
    p = tmp_path / "cut.mp4"
    p.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(TruncatedVideoError, match="cut off") as exc:
        probe(p)
    _one_line(exc, "cut.mp4")


@pytest.mark.skipif(not REAL_PLANK.exists(), reason=f"real clips not present at {REAL}")
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_real_phone_style_mp4(tmp_path, keep):
    """Real clip with its index (moov) first: the cut is only seen by decoding near the end."""
    data = REAL_PLANK.read_bytes()
    p = tmp_path / "cut_real.mp4"
    p.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(TruncatedVideoError, match="cut off"):
        probe(p)


def test_folder_is_not_a_video(tmp_path):
    with pytest.raises(VideoError, match="folder"):
        probe(tmp_path)


# ----------------------------------------------------------------------------- probe: good inputs


def test_probe_generated_clip(clip):
    info = probe(clip)
    assert isinstance(info, VideoInfo)
    assert info.fps == pytest.approx(30.0)
    assert info.frames == 90
    assert info.duration_s == pytest.approx(3.0)
    assert (info.width, info.height) == (160, 96)
    assert info.rotation == 0
    assert info.sha256 == hashlib.sha256(clip.read_bytes()).hexdigest()
    d = info.to_dict()
    assert list(d) == ["path", "sha256", "fps", "frames", "duration_s", "width", "height"]
    assert d["frames"] == 90 and d["width"] == 160


@pytest.mark.skipif(not REAL_PLANK.exists(), reason=f"real clips not present at {REAL}")
def test_probe_real_clip():
    info = probe(REAL_PLANK)
    assert (info.width, info.height) == (1280, 720)
    assert info.fps == pytest.approx(29.97, abs=0.01)
    assert info.frames == 77
    assert info.codec == "h264"


@pytest.mark.parametrize(
    "rotation, store",
    [
        (90, cv2.ROTATE_90_COUNTERCLOCKWISE),  # a phone held upright stores sideways frames + 90°
        (180, cv2.ROTATE_180),
        (270, cv2.ROTATE_90_CLOCKWISE),
    ],
)
def test_rotation_metadata_gives_upright_frames(tmp_path, rotation, store):
    p = write_clip(tmp_path / "phone.mp4", 10, 10.0, w=96, h=160, stored=lambda f: cv2.rotate(f, store))
    set_mp4_rotation(p, rotation)
    info = probe(p)
    assert info.rotation == rotation
    assert (info.width, info.height) == (96, 160)  # upright portrait
    _, frame = next(iter_frames(p, sample_fps=None, max_side=None))
    assert frame.shape == (160, 96, 3)
    top, bottom = frame[:15, :, 0].mean(), frame[-15:, :, 0].mean()  # RGB: red channel first
    assert top > 200 and bottom < 100, "the red band must be at the top of the upright frame"


def test_stream_recording_without_frame_count(tmp_path, clip):
    """Browser recordings (MediaRecorder webm) have no duration/frame count in the container."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg", reason="needs the ffmpeg of imageio-ffmpeg")
    import subprocess

    out = tmp_path / "live.webm"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(clip), "-c:v", "libvpx",
         "-deadline", "realtime", "-live", "1", "-f", "webm", str(out)],
        check=True,
    )
    assert cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FRAME_COUNT) <= 0  # what makes this case special
    info = probe(out)
    assert info.frames == 90 and info.duration_s == pytest.approx(3.0)
    assert sum(1 for _ in iter_frames(out, sample_fps=10, max_side=None)) == 30


# ----------------------------------------------------------------------------- iter_frames


def test_sampling_keeps_the_right_frames(clip):
    out = list(iter_frames(clip, sample_fps=10, max_side=None))
    assert len(out) == 30
    t = np.array([x[0] for x in out])
    np.testing.assert_allclose(t, np.arange(30) / 10, atol=1e-9)
    assert out[0][1].dtype == np.uint8 and out[0][1].shape == (96, 160, 3)
    # the kept frames are frames 0, 3, 6, ... (grey level encodes the index)
    greys = [int(np.median(f[40:, :, 1])) for _, f in out[:5]]
    assert greys == pytest.approx([((3 * k) * 8) % 200 + 20 for k in range(5)], abs=4)


def test_full_rate_keeps_every_frame(clip):
    assert sum(1 for _ in iter_frames(clip, sample_fps=None, max_side=None)) == 90
    assert sum(1 for _ in iter_frames(clip, sample_fps=60, max_side=None)) == 90


def test_non_integer_ratio_sampling_matches_index_helper(clip):
    t = [x[0] for x in iter_frames(clip, sample_fps=7, max_side=None)]
    idx = sample_frame_indices(90, 30.0, 7)
    assert len(t) == len(idx) == 21
    np.testing.assert_allclose(t, idx / 30.0)


def test_range_start_matches_the_same_frames_as_a_full_stream(clip):
    full = {round(t * 30): f for t, f in iter_frames(clip, sample_fps=10, max_side=None)}
    part = list(iter_frames(clip, sample_fps=10, max_side=None, start_frame=31, end_frame=61))
    idx = [round(t * 30) for t, _ in part]
    assert idx == [33, 36, 39, 42, 45, 48, 51, 54, 57, 60]
    for i, f in zip(idx, (f for _, f in part), strict=True):
        # seeking lands on the very frame a sequential read gives (grey level encodes the index)
        assert abs(int(np.median(f[40:, :, 1])) - int(np.median(full[i][40:, :, 1]))) <= 3


def test_a_variable_rate_recording_keeps_each_frame_at_its_own_time(tmp_path, clip):
    """The first second recorded at 10 fps, the next two at 30: OpenCV reports the average rate (23.3 fps),
    and ``index / fps`` put frame 40 (shown at 2.0 s) at 1.71 s."""
    vfr = variable_rate(clip, tmp_path / "vfr.mp4", r"gte(n\,30)+not(mod(n\,3))")
    fps = probe(vfr).fps
    assert fps == pytest.approx(70 / 3, rel=0.05)  # (the average: what makes this case special)
    every = list(iter_frames(vfr, sample_fps=None, max_side=None))
    shown = np.r_[np.arange(0, 30, 3), np.arange(30, 90)]  # the source frames kept
    np.testing.assert_allclose([t for t, _ in every], shown / 30, atol=1e-3)
    greys = [int(np.median(f[40:, :, 1])) for _, f in every[:12]]
    assert greys == pytest.approx([(i * 8) % 200 + 20 for i in shown[:12]], abs=4)
    # 10 samples/s: one every 0.1 s through both rates
    sampled = [t for t, _ in iter_frames(vfr, sample_fps=10, max_side=None)]
    np.testing.assert_allclose(sampled, np.arange(30) / 10, atol=1e-3)
    # a stream started at 2 s (as a pose worker starts its chunk) reads the frames shown from 2 s on
    part = [t for t, _ in iter_frames(vfr, sample_fps=10, max_side=None, start_frame=round(2.0 * fps))]
    assert 2.0 <= part[0] < 2.1
    np.testing.assert_allclose(part[1:], sampled[21:], atol=1e-3)
    # the frame a report's moment shows (the evidence still under the skeleton) is the one shown then
    for t, i in [(0.6, 18), (1.5, 45), (2.0, 60), (2.9, 87)]:
        assert int(np.median(frame_at(vfr, t)[40:, :, 1])) == pytest.approx((i * 8) % 200 + 20, abs=4), t
    assert frame_at(vfr, 3.5) is None


def test_one_decoder_thread_gives_the_same_frames(clip):
    """The pose stage decodes each chunk with one FFmpeg thread (cheaper per frame): same frames."""
    default = list(iter_frames(clip, sample_fps=10, max_side=None, start_frame=31))
    single = list(iter_frames(clip, sample_fps=10, max_side=None, start_frame=31, threads=1))
    assert [t for t, _ in single] == [t for t, _ in default]
    for (_, a), (_, b) in zip(single, default, strict=True):
        np.testing.assert_array_equal(a, b)


def test_max_side_resizes_keeping_aspect(clip):
    _, f = next(iter_frames(clip, sample_fps=None, max_side=80))
    assert f.shape == (48, 80, 3)
    _, g = next(iter_frames(clip, sample_fps=None, max_side=1000))
    assert g.shape == (96, 160, 3)


def test_iter_frames_bad_input_raises_the_probe_errors(tmp_path):
    with pytest.raises(VideoError, match="no such file"):
        next(iter_frames(tmp_path / "nope.mp4", sample_fps=10, max_side=None))
    p = tmp_path / "t.mp4"
    p.write_text("not a video")
    with pytest.raises(NotAVideoError):
        next(iter_frames(p, sample_fps=10, max_side=None))
