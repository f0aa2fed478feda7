"""Exceptions the public API raises. Every one carries a one-line, user-facing message.

The CLI turns any :class:`RepcheckError` into ``exit 2`` and its message on stderr; the widgets show the
message in the app. Nothing else should escape the public API for bad *input*.
"""

from __future__ import annotations

__all__ = [
    "RepcheckError",
    "VideoError",
    "EmptyVideoError",
    "NotAVideoError",
    "TruncatedVideoError",
    "NoPersonError",
    "UnknownExerciseError",
    "LandmarkShapeError",
    "ModelFileError",
]


class RepcheckError(Exception):
    """Base class: a problem with the user's input or files, explained in one line."""


class VideoError(RepcheckError):
    """The file cannot be used as a video."""


class EmptyVideoError(VideoError):
    """The file is empty (zero bytes) or holds no frames."""


class NotAVideoError(VideoError):
    """The file is not a video container OpenCV can decode (text, an image, ...)."""


class TruncatedVideoError(VideoError):
    """The container announces more frames than can be decoded (cut-off upload or copy)."""


class NoPersonError(RepcheckError):
    """MediaPipe found no person in (almost) any analysed frame."""


class UnknownExerciseError(RepcheckError, KeyError):
    """The exercise id is not in the registry (``repcheck.EXERCISES``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class LandmarkShapeError(RepcheckError, ValueError):
    """Landmark arrays passed to the API have the wrong shape or dtype."""


class ModelFileError(RepcheckError):
    """A model file is missing, tampered with, or was saved for another feature schema."""
