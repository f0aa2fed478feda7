"""The real correct planks (``../shared/data/real``) filmed the ways phones film: leaning, upright (portrait),
from farther away, in a dim room, at low resolution, out of focus, from the other side, with the feet cut off;
with a mirror behind the person, someone else in the frame, a glossy floor (ROUTINE.md: real footage has mirrors
and reflective floors, other people at the frame's edge) and held by hand.

Each condition is made from the real video with OpenCV and read through the real MediaPipe. Measured
2026-11-24: every condition of both clips is one hold from the clip's start to its end, judged ok for both
faults (sag 0-2 %, pike 2-6 %); 2026-11-25 the mirror, the second person (MediaPipe stayed on the person
planking), the floor's reflection and the drifting picture too. The conditions a user cannot always avoid must
not turn a correct plank into a fault or lose the hold.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from conftest import real_clip, rewrite_video

from repcheck import analyze
from repcheck.pose import PoseSettings


def _lean(frame: np.ndarray, degrees: float = 20.0) -> np.ndarray:
    h, w = frame.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 0.8)
    return cv2.warpAffine(frame, m, (w, h), borderValue=(110, 110, 110))


def _portrait(frame: np.ndarray) -> np.ndarray:
    h, w = frame.shape[:2]
    small = cv2.resize(frame, (h, int(h * h / w)))
    canvas = np.full((w, h, 3), 90, np.uint8)
    y0 = w - small.shape[0] - w // 10
    canvas[y0 : y0 + small.shape[0]] = small
    return canvas


def _far(frame: np.ndarray, scale: float = 0.4) -> np.ndarray:
    h, w = frame.shape[:2]
    small = cv2.resize(frame, (int(w * scale), int(h * scale)))
    canvas = np.full_like(frame, 120)
    y0, x0 = h - small.shape[0] - h // 20, (w - small.shape[1]) // 2
    canvas[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
    return canvas


def _dim(frame: np.ndarray) -> np.ndarray:
    noise = np.random.default_rng(0).normal(0.0, 6.0, frame.shape)
    return np.clip(frame.astype(float) * 0.3 + noise, 0, 255).astype(np.uint8)


def _mirror_behind(frame: np.ndarray) -> np.ndarray:
    """A wall mirror behind the person: their reflection (flipped, at 45 % size) in the upper part of the frame."""
    h, w = frame.shape[:2]
    small = cv2.resize(cv2.flip(frame, 1), (int(w * 0.45), int(h * 0.45)), interpolation=cv2.INTER_AREA)
    out = frame.copy()
    y0, x0 = int(0.02 * h), (w - small.shape[1]) // 2
    region = out[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]]
    region[:] = (0.75 * small + 0.25 * region).astype(np.uint8)
    return out


#: Where the body meets the floor in each real clip (share of the frame's height: MediaPipe's elbows and toes,
#: median over the clip).
FLOOR_ROW = {"plank_correct_001": 0.845, "plank_correct_007": 0.675}


def _glossy_floor(frame: np.ndarray, floor: float) -> np.ndarray:
    """A polished floor: the person's reflection (flipped about the floor row, at 60 % strength) under them."""
    h = frame.shape[0]
    row = int(floor * h)
    depth = min(int(0.35 * h), h - row, row)
    out = frame.copy()
    out[row : row + depth] = (0.6 * frame[row - depth : row][::-1] + 0.4 * out[row : row + depth]).astype(np.uint8)
    return out


class _PersonBeside:
    """Someone else at the frame's edge: the plank shrunk into the left 72 % of the frame and, beside it, the
    person of the real Russian-twist clip sitting and twisting, as large as the one planking."""

    def __init__(self) -> None:
        self._frames: list[np.ndarray] | None = None
        self._i = 0

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if self._frames is None:
            cap = cv2.VideoCapture(str(real_clip("russiantwist_correct_001.mp4")))
            self._frames = []
            ok, f = cap.read()
            while ok:
                fh, fw = f.shape[:2]
                self._frames.append(f[int(0.15 * fh) : int(0.8 * fh), int(0.28 * fw) : int(0.66 * fw)])
                ok, f = cap.read()
            cap.release()
        h, w = frame.shape[:2]
        out = np.full_like(frame, 120)
        plank = cv2.resize(frame, (int(w * 0.72), int(h * 0.72)), interpolation=cv2.INTER_AREA)
        out[h - plank.shape[0] :, : plank.shape[1]] = plank
        other = self._frames[self._i % len(self._frames)]
        self._i += 1
        cw = w - plank.shape[1]
        other = cv2.resize(other, (cw, int(other.shape[0] * cw / other.shape[1])))[:h]
        out[h - other.shape[0] :, plank.shape[1] :] = other
        return out


class _Handheld:
    """A friend holding the phone: the picture drifts (up to 4 % of the frame across, 3 % up and down, turning
    3°, zooming 5 %, over a few seconds) and shakes a little (0.4 % from frame to frame)."""

    def __init__(self) -> None:
        self._rng = np.random.default_rng(0)
        self._i = 0

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        t = self._i / 30.0
        self._i += 1
        shake = 0.004 * self._rng.standard_normal(2)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 3.0 * np.sin(2 * np.pi * 0.17 * t + 2),
                                    1.0 + 0.05 * np.sin(2 * np.pi * 0.11 * t))
        m[:, 2] += (w * (0.04 * np.sin(2 * np.pi * 0.3 * t) + shake[0]),
                    h * (0.03 * np.sin(2 * np.pi * 0.23 * t + 1) + shake[1]))
        return cv2.warpAffine(frame, m, (w, h), borderMode=cv2.BORDER_REFLECT)


CONDITIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "leaning 20°": _lean,
    "portrait": _portrait,
    "far away": _far,
    "dim": _dim,
    "320x180": lambda f: cv2.resize(f, (320, 180), interpolation=cv2.INTER_AREA),
    "out of focus": lambda f: cv2.GaussianBlur(f, (0, 0), 4),
    "other side": lambda f: cv2.flip(f, 1),
    "feet cut off": lambda f: f[:, int(0.22 * f.shape[1]) :],
    "a mirror behind": _mirror_behind,
}
#: Conditions made afresh for each clip: they follow the frames (a moving second person, a drifting picture) or
#: the clip's floor.
CLIP_CONDITIONS: dict[str, Callable[[str], Callable[[np.ndarray], np.ndarray]]] = {
    "someone else beside": lambda clip: _PersonBeside(),
    "a glossy floor": lambda clip: lambda f: _glossy_floor(f, FLOOR_ROW[clip]),
    "held by a friend": lambda clip: _Handheld(),
}


@pytest.mark.slow
@pytest.mark.parametrize("clip", ["plank_correct_001", "plank_correct_007"])
@pytest.mark.parametrize("condition", list(CONDITIONS) + list(CLIP_CONDITIONS))
def test_a_correct_real_plank_stays_one_correct_hold(tmp_path, clip, condition):
    src = real_clip(f"{clip}.mp4")
    change = CONDITIONS[condition] if condition in CONDITIONS else CLIP_CONDITIONS[condition](clip)
    path = rewrite_video(src, tmp_path / f"{clip}.mp4", change)
    report = analyze(path, exercise="plank", cache_dir=tmp_path / "cache", settings=PoseSettings(workers=1))
    holds = [(round(s.start_s, 2), round(s.end_s, 2)) for s in report.segments]
    assert len(holds) == 1, holds
    (hold,) = report.segments
    assert hold.start_s <= 0.3 and hold.end_s >= report.video["duration_s"] - 0.5, holds
    assert [hold.fault(f).verdict for f in ("hips_sag", "hips_pike")] == ["ok", "ok"]
