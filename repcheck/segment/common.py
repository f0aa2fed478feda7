"""What every segment finder returns: :class:`Segment`, and the run-finding helper they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = ["Segment", "runs"]


@dataclass(frozen=True)
class Segment:
    """One hold or rep.

    Attributes
    ----------
    index : int
        1-based position in the set.
    kind : {"hold", "rep"}
    start_s, end_s : float
        Bounds in seconds.
    side : {"left", "right"} or None
        The side worked (per-side exercises), else None.
    start_i, end_i : int
        Sample indices of the bounds (``end_i`` inclusive).
    """

    index: int
    kind: Literal["hold", "rep"]
    start_s: float
    end_s: float
    side: str | None
    start_i: int
    end_i: int

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def mask(self, n: int) -> np.ndarray:
        """Boolean mask of shape (n,) of the samples inside the segment."""
        m = np.zeros(n, bool)
        m[self.start_i : self.end_i + 1] = True
        return m



def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the True runs of a boolean mask (stop exclusive)."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(int))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))

