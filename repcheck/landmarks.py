"""The landmark contract: BlazePose's 33 points, the :class:`PoseTrack` every stage passes on, and the
coercer that validates landmark arrays once at the public boundary.

Arrays
------
image landmarks : float array of shape (T, 33, 4)
    x, y normalised to the frame width/height (0..1, y down), z (MediaPipe's relative depth, same scale
    as x), visibility (0..1). A frame with no person is all-NaN.
world landmarks : float array of shape (T, 33, 4)
    x, y, z in metres, origin between the hips (MediaPipe's convention, y down), visibility.
t : float array of shape (T,)
    Time stamps in seconds from the start of the video.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import LandmarkShapeError

__all__ = ["LANDMARK_NAMES", "LM", "N_LANDMARKS", "PoseTrack", "as_landmarks", "SKELETON_EDGES"]

LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(LANDMARK_NAMES)
#: name -> index, e.g. ``LM["left_hip"] == 23``
LM: dict[str, int] = {name: i for i, name in enumerate(LANDMARK_NAMES)}

#: Bones drawn on evidence frames (pairs of landmark indices), MediaPipe's body connections.
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (24, 26), (26, 28), (27, 29), (29, 31), (27, 31), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8), (15, 19), (16, 20),
)


def as_landmarks(arr: Any, name: str = "image_landmarks", *, allow_3: bool = True) -> np.ndarray:
    """Validate and coerce a landmark array to float64 of shape (T, 33, 4).

    Parameters
    ----------
    arr : array-like of shape (T, 33, 4) or (T, 33, 3)
        Landmarks; a missing trailing visibility column is filled with 1 where x is finite.
        NaN anywhere is allowed and means "not seen".
    name : str
        Argument name used in error messages.

    Raises
    ------
    LandmarkShapeError
        If the array is not numeric or not of shape (T, 33, 3|4).
    """
    try:
        a = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise LandmarkShapeError(f"{name} must be a numeric array of shape (T, 33, 4): {exc}") from None
    if a.ndim != 3 or a.shape[1] != N_LANDMARKS or a.shape[2] not in ((3, 4) if allow_3 else (4,)):
        raise LandmarkShapeError(
            f"{name} must have shape (T, 33, 4) (x, y, z, visibility); got {a.shape}"
        )
    if a.shape[2] == 3:
        vis = np.where(np.isfinite(a[..., :1]), 1.0, np.nan)
        a = np.concatenate([a, vis], axis=2)
    a = a.copy()
    a[~np.isfinite(a)] = np.nan
    return a


@dataclass(frozen=True)
class PoseTrack:
    """MediaPipe's output for one video (or a synthetic equivalent).

    Attributes
    ----------
    image : ndarray of shape (T, 33, 4)
        Normalised image landmarks (x, y, z, visibility); all-NaN rows where no person was found.
    world : ndarray of shape (T, 33, 4) or None
        World landmarks in metres (x, y, z, visibility).
    t : ndarray of shape (T,)
        Sample times in seconds.
    frame_size : tuple of int
        (width, height) in pixels of the frames as analysed (upright, after rotation).
    fps : float
        Frame rate of the source video (not the analysis rate).
    source : dict
        Provenance: video path / sha256 / extractor settings, or generator parameters.
    """

    image: np.ndarray
    t: np.ndarray
    frame_size: tuple[int, int]
    fps: float
    world: np.ndarray | None = None
    source: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.image.shape[0] != self.t.shape[0]:
            raise LandmarkShapeError(
                f"image landmarks have {self.image.shape[0]} frames but t has {self.t.shape[0]}"
            )
        if self.world is not None and self.world.shape != self.image.shape:
            raise LandmarkShapeError(
                f"world landmarks shape {self.world.shape} differs from image {self.image.shape}"
            )

    @property
    def n_frames(self) -> int:
        return int(self.t.shape[0])

    @property
    def analysis_fps(self) -> float:
        """Samples per second actually analysed (median spacing of ``t``)."""
        if self.n_frames < 2:
            return float(self.fps)
        return float(1.0 / np.median(np.diff(self.t)))

    def detected(self) -> np.ndarray:
        """Boolean mask of shape (T,): a person was found in that sample."""
        return np.isfinite(self.image[:, :, 0]).any(axis=1)

    def pixels(self) -> np.ndarray:
        """Image landmarks in pixels, shape (T, 33, 2) (x right, y down)."""
        w, h = self.frame_size
        return self.image[:, :, :2] * np.array([w, h], dtype=float)
