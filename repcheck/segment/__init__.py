"""The segment stage: find the holds or the repetitions of a set in its :class:`~repcheck.features.Signals`.

Holds follow the exercise's "in position" score (``spec.driver``, 0..1) with hysteresis, their bounds
refined on the hips (getting up / lowering) and, for the plank, cut where the legs bend (knees going down
to the floor ends a plank, also a deep sag whose hips are as low as lying down); reps are the
peaks of the driver signal found by :func:`scipy.signal.find_peaks` with a prominence criterion, their
bounds where the driver leaves / returns to its resting level. Each finder returns ``(segments, info)``:
``info`` holds the intermediates (driver trace, thresholds, peaks, prominences) the review widget plots.

:class:`RepCounter` is the streaming counterpart (one :meth:`RepCounter.update` per sample, hysteresis);
it agrees with :func:`find_reps` on clean input (``tests/test_segment.py``).
"""

from __future__ import annotations

from ..exercises import ExerciseSpec, get_exercise
from ..features import Signals
from .common import Segment
from .holds import HOLD_ENTER, HOLD_EXIT, find_holds
from .reps import REP_ONSET_EXTRAP, REP_REL_PROMINENCE, RepCounter, find_reps, folded_hips

__all__ = ["Segment", "find_holds", "find_reps", "find_segments", "folded_hips", "RepCounter",
           "HOLD_ENTER", "HOLD_EXIT", "REP_REL_PROMINENCE", "REP_ONSET_EXTRAP"]


def find_segments(signals: Signals, spec: ExerciseSpec | str, **kwargs) -> tuple[list[Segment], dict]:
    """Dispatch on ``spec.kind``: :func:`find_holds` for holds, :func:`find_reps` for reps."""
    spec = get_exercise(spec)
    if spec.kind == "hold":
        return find_holds(signals, spec, **kwargs)
    return find_reps(signals, spec, **kwargs)
