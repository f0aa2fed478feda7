"""repcheck: judge the form of exercise reps and holds from recorded video.

Pipeline: video → pose → features → segment → judge → report. See ``DESIGN.md``.
"""

from .errors import (
    EmptyVideoError,
    LandmarkShapeError,
    ModelFileError,
    NoPersonError,
    NotAVideoError,
    RepcheckError,
    TruncatedVideoError,
    UnknownExerciseError,
    VideoError,
)
from .exercises import EXERCISES, JUDGED_EXERCISES, ExerciseSpec, FaultSpec, get_exercise
from .landmarks import LANDMARK_NAMES, LM, PoseTrack
from .report import FaultResult, SegmentResult, SetReport

__version__ = "0.1.0"

__all__ = [
    "analyze",
    "analyze_landmarks",
    "EXERCISES",
    "JUDGED_EXERCISES",
    "ExerciseSpec",
    "FaultSpec",
    "get_exercise",
    "LANDMARK_NAMES",
    "LM",
    "PoseTrack",
    "FaultResult",
    "SegmentResult",
    "SetReport",
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


def analyze(path, exercise=None, **kwargs) -> SetReport:
    """Analyse a recorded set: see :func:`repcheck.pipeline.analyze`."""
    from .pipeline import analyze as _analyze

    return _analyze(path, exercise=exercise, **kwargs)


def analyze_landmarks(image_landmarks, fps, exercise, frame_size=(1280, 720), world_landmarks=None,
                      **kwargs) -> SetReport:
    """Analyse landmark tracks directly: see :func:`repcheck.pipeline.analyze_landmarks`."""
    from .pipeline import analyze_landmarks as _analyze_landmarks

    return _analyze_landmarks(image_landmarks, fps, exercise, frame_size=frame_size,
                              world_landmarks=world_landmarks, **kwargs)
