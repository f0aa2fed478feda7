"""A pinhole phone camera shared by the renderer and the fast landmark projection.

World frame: metres, y up, the floor is y = 0. The camera looks from ``position`` at ``target`` with a
horizontal field of view ``hfov_deg`` and an optional roll about its viewing axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = ["Camera"]


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


@dataclass(frozen=True)
class Camera:
    """Pinhole camera.

    Attributes
    ----------
    position, target : tuple of 3 float
        Metres in the world frame (y up).
    width, height : int
        Frame size in pixels (portrait when height > width).
    hfov_deg : float
        Horizontal field of view in degrees.
    roll_deg : float
        Rotation about the viewing axis in degrees (a phone propped slightly crooked).
    """

    position: tuple[float, float, float]
    target: tuple[float, float, float]
    width: int = 640
    height: int = 360
    hfov_deg: float = 60.0
    roll_deg: float = 0.0

    @cached_property
    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(right, up, forward) unit vectors of shape (3,) in world coordinates."""
        pos = np.asarray(self.position, float)
        fwd = _unit(np.asarray(self.target, float) - pos)
        world_up = np.array([0.0, 1.0, 0.0])
        if abs(fwd @ world_up) > 0.999:  # looking straight down/up
            world_up = np.array([0.0, 0.0, 1.0])
        right = _unit(np.cross(fwd, world_up))
        up = np.cross(right, fwd)
        r = np.radians(self.roll_deg)
        right, up = np.cos(r) * right + np.sin(r) * up, -np.sin(r) * right + np.cos(r) * up
        return right, up, fwd

    @property
    def focal_px(self) -> float:
        return (self.width / 2) / np.tan(np.radians(self.hfov_deg) / 2)

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Project world points to pixels.

        Parameters
        ----------
        points : ndarray of shape (..., 3)
            World coordinates in metres.

        Returns
        -------
        uv : ndarray of shape (..., 2)
            Pixel coordinates (x right, y down; pixel centres at +0.5).
        depth : ndarray of shape (...)
            Distance along the viewing axis in metres (<= 0 means behind the camera).
        """
        right, up, fwd = self.axes
        rel = np.asarray(points, float) - np.asarray(self.position, float)
        z = rel @ fwd
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.width / 2 + self.focal_px * (rel @ right) / z
            v = self.height / 2 - self.focal_px * (rel @ up) / z
        return np.stack([u, v], axis=-1), z

    def ray_directions(self, width: int | None = None, height: int | None = None) -> np.ndarray:
        """Unit ray directions through pixel centres, shape (H, W, 3) (optionally at another
        resolution with the same field of view, for supersampling)."""
        w = width or self.width
        h = height or self.height
        f = (w / 2) / np.tan(np.radians(self.hfov_deg) / 2)
        right, up, fwd = self.axes
        u = (np.arange(w) + 0.5 - w / 2) / f
        v = (np.arange(h) + 0.5 - h / 2) / f
        uu, vv = np.meshgrid(u, v)
        d = fwd + uu[..., None] * right - vv[..., None] * up
        return _unit(d)
