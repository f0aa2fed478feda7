"""Benchmark footage: the real 2.6 s plank clip looped (forwards then backwards, so the body never
jumps) into long 30 fps videos, landscape or phone-style portrait.

Encoded with H.264 (libx264, 2 s GOP, like a phone) through the ffmpeg binary shipped in the
``imageio-ffmpeg`` wheel when it is installed, else with OpenCV's MPEG-4 part 2 writer (cheaper to
decode than H.264, so decode times come out optimistic). Portrait clips are stored the way phones
store them: landscape frames plus a 90° rotation in the MP4 track header.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from repcheck.video import probe, set_mp4_rotation

REAL_DIR = Path(__file__).resolve().parents[2] / "shared/data/real"
SOURCE = REAL_DIR / "plank_correct_001.mp4"


@dataclass(frozen=True)
class VideoSpec:
    """One benchmark video: upright ``width`` × ``height`` at ``fps`` for ``seconds``."""

    name: str
    width: int
    height: int
    seconds: float
    fps: float = 30.0

    @property
    def portrait(self) -> bool:
        return self.height > self.width


SPECS: dict[str, VideoSpec] = {
    s.name: s
    for s in (
        VideoSpec("720p60s", 1280, 720, 60),
        VideoSpec("1080p60s", 1920, 1080, 60),
        VideoSpec("portrait60s", 1080, 1920, 60),
        VideoSpec("720p10m", 1280, 720, 600),
        VideoSpec("1080p10m", 1920, 1080, 600),
        VideoSpec("portrait10m", 1080, 1920, 600),
    )
}


def _source_frames() -> list[np.ndarray]:
    if not SOURCE.exists():
        raise SystemExit(f"benchmark source clip missing: {SOURCE}")
    cap = cv2.VideoCapture(str(SOURCE))
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    cap.release()
    return frames


def _upright_frame(src: np.ndarray, spec: VideoSpec) -> np.ndarray:
    """Scale the landscape source to the spec (portrait: letterboxed across the width)."""
    if not spec.portrait:
        return cv2.resize(src, (spec.width, spec.height), interpolation=cv2.INTER_LINEAR)
    h = round(src.shape[0] * spec.width / src.shape[1])
    canvas = np.full((spec.height, spec.width, 3), 40, np.uint8)
    y0 = (spec.height - h) // 2
    canvas[y0 : y0 + h] = cv2.resize(src, (spec.width, h), interpolation=cv2.INTER_LINEAR)
    return canvas


def _frames(spec: VideoSpec) -> Iterator[np.ndarray]:
    """BGR frames as stored (portrait: turned 90° counter-clockwise, to be rotated back on display)."""
    src = _source_frames()
    cycle = list(range(len(src))) + list(range(len(src) - 2, 0, -1))
    n = int(round(spec.seconds * spec.fps))
    cache: dict[int, np.ndarray] = {}
    for k in range(n):
        i = cycle[k % len(cycle)]
        f = cache.get(i)
        if f is None:
            f = _upright_frame(src[i], spec)
            if spec.portrait:
                f = cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE)
            if len(cache) < 40:  # a small working set, not the whole cycle
                cache[i] = f
        yield f


def _ffmpeg() -> str | None:
    try:
        import imageio_ffmpeg
    except ImportError:
        return shutil.which("ffmpeg")
    return imageio_ffmpeg.get_ffmpeg_exe()


def make_video(spec: VideoSpec, folder: Path) -> Path:
    """Create (once) the benchmark video for ``spec`` in ``folder`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = _ffmpeg()
    out = folder / f"{spec.name}-{'h264' if exe else 'mp4v'}.mp4"
    if out.exists():
        try:
            probe(out)
            return out
        except Exception:
            out.unlink()
    tmp = out.with_suffix(".tmp.mp4")
    sw, sh = (spec.height, spec.width) if spec.portrait else (spec.width, spec.height)
    if exe:
        cmd = [
            exe, "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{sw}x{sh}",
            "-r", f"{spec.fps:g}", "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
            "-g", str(int(2 * spec.fps)), "-pix_fmt", "yuv420p", "-an", str(tmp),
        ]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
        assert proc.stdin is not None
        for f in _frames(spec):
            proc.stdin.write(np.ascontiguousarray(f).tobytes())
        proc.stdin.close()
        if proc.wait() != 0:
            raise SystemExit(f"ffmpeg failed making {out}")
    else:
        wr = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), spec.fps, (sw, sh))
        for f in _frames(spec):
            wr.write(f)
        wr.release()
    if spec.portrait:
        set_mp4_rotation(tmp, 90)
    tmp.replace(out)
    info = probe(out)
    assert (info.width, info.height) == (spec.width, spec.height), info
    return out
