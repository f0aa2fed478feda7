"""The report stage: :class:`SetReport` and its JSON (``schema: "repcheck.report/1"``), table and text.

The JSON layout is a contract (``DESIGN.md``): extend it, never rename fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .landmarks import PoseTrack

__all__ = ["FaultResult", "SegmentResult", "SetReport", "REPORT_SCHEMA", "Verdict"]

REPORT_SCHEMA = "repcheck.report/1"
Verdict = Literal["ok", "fault", "unsure"]


def _jsonable(value: Any) -> Any:
    """Turn numpy scalars/arrays (NaN -> None) into plain JSON values, recursively."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if not np.isfinite(f) else round(f, 4)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


#: Words of a measure's unit that flip for a negative value (:func:`in_words`).
_OPPOSITE_SIDES = ((" above ", " below "), (" past ", " short of "))


def in_words(value: float, unit: str) -> str:
    """A signed measurement in words: a negative value of a unit measured above / past a line reads as that
    much below / short of it (``-9.7, "cm above the shoulder–ankle line"`` → ``"9.7 cm below the
    shoulder–ankle line"``); other units keep their sign."""
    for side, other in _OPPOSITE_SIDES:
        if value < 0 and side in f" {unit} ":
            value, unit = -value, f" {unit} ".replace(side, other, 1).strip()
            break
    return f"{value:.1f} {unit}".strip()


@dataclass(frozen=True)
class FaultResult:
    """The judgement of one fault on one segment.

    Attributes
    ----------
    id : str
        Fault id (``hips_sag``).
    probability : float or None
        Calibrated probability that the fault is present (None when ``unsure`` for lack of data).
    verdict : {"ok", "fault", "unsure"}
    intervals : list of (start_s, end_s)
        When the fault was present (holds: stretches of the timeline above threshold; reps: the rep).
    evidence : dict
        The measured value: ``measure``, ``value``, ``unit``, ``boundary``, ``worst_s`` (time of the worst
        moment), and ``reason`` when unsure.
    cue : str
        What to do about it, in the trainer's words.
    """

    id: str
    probability: float | None
    verdict: Verdict
    intervals: list[tuple[float, float]] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    cue: str = ""

    def measured(self) -> str | None:
        """The measured value in words (:func:`in_words`), e.g. ``"9.7 cm below the shoulder–ankle line"``;
        None without a value."""
        value = self.evidence.get("value")
        if value is None or not np.isfinite(float(value)):
            return None
        return in_words(float(value), str(self.evidence.get("unit") or ""))

    def limit(self) -> str | None:
        """The fault's boundary in short words, e.g. ``"3.0 cm below"`` (``in_words`` up to the line's name);
        None without one."""
        boundary = self.evidence.get("boundary")
        if boundary is None:
            return None
        return in_words(float(boundary), str(self.evidence.get("unit") or "")).split(" the ")[0]

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "id": self.id,
                "probability": self.probability,
                "verdict": self.verdict,
                "intervals": [list(iv) for iv in self.intervals],
                "evidence": self.evidence,
                "cue": self.cue,
            }
        )


@dataclass(frozen=True)
class SegmentResult:
    """One rep or hold with its fault judgements.

    Attributes
    ----------
    index : int
        1-based position in the set.
    kind : {"hold", "rep"}
    start_s, end_s : float
        Segment bounds in seconds from the start of the video.
    side : {"left", "right"} or None
        Side worked, for per-side exercises.
    faults : list of FaultResult
    """

    index: int
    kind: Literal["hold", "rep"]
    start_s: float
    end_s: float
    side: str | None = None
    faults: list[FaultResult] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def fault(self, fault_id: str) -> FaultResult:
        for f in self.faults:
            if f.id == fault_id:
                return f
        raise KeyError(f"segment {self.index} has no fault {fault_id!r}")

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "index": self.index,
                "kind": self.kind,
                "start_s": self.start_s,
                "end_s": self.end_s,
                "duration_s": self.duration_s,
                "side": self.side,
                "faults": [f.to_dict() for f in self.faults],
            }
        )


@dataclass(frozen=True)
class SetReport:
    """Everything repcheck found in one recorded set.

    Attributes
    ----------
    exercise : str
        Exercise id.
    video : dict
        ``path``, ``sha256``, ``fps``, ``frames``, ``duration_s``, ``width``, ``height`` (None fields for
        landmark-only input).
    segments : list of SegmentResult
    timeline : dict of str -> ndarray of shape (S,)
        ``t`` (seconds) and one per-sample fault probability per fault id.
    warnings : list of str
    track : PoseTrack or None
        The landmarks the report was computed from (not serialised; used to draw evidence frames).
    signals : dict of str -> ndarray of shape (T,)
        Per-sample measured signals aligned with ``track.t`` (not serialised; plotted by the widgets).
    """

    exercise: str
    video: dict[str, Any]
    segments: list[SegmentResult]
    timeline: dict[str, np.ndarray]
    warnings: list[str] = field(default_factory=list)
    track: PoseTrack | None = field(default=None, repr=False, compare=False)
    signals: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """The JSON report (``schema: "repcheck.report/1"``) as plain Python values."""
        return {
            "schema": REPORT_SCHEMA,
            "video": _jsonable(self.video),
            "exercise": self.exercise,
            "segments": [s.to_dict() for s in self.segments],
            "timeline": _jsonable(self.timeline),
            "warnings": list(self.warnings),
        }

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 1) -> str:
        """Serialise to JSON; also write it to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def to_dataframe(self):
        """One row per segment × fault: index, kind, start_s, end_s, duration_s, side, fault, verdict,
        probability, measure, value, unit, cue (a pandas DataFrame)."""
        import pandas as pd

        rows = []
        for seg in self.segments:
            base = {
                "index": seg.index,
                "kind": seg.kind,
                "start_s": round(seg.start_s, 2),
                "end_s": round(seg.end_s, 2),
                "duration_s": round(seg.duration_s, 2),
                "side": seg.side,
            }
            if not seg.faults:
                rows.append(base)
            for f in seg.faults:
                rows.append(
                    {
                        **base,
                        "fault": f.id,
                        "verdict": f.verdict,
                        "probability": f.probability,
                        "measure": f.evidence.get("measure"),
                        "value": f.evidence.get("value"),
                        "unit": f.evidence.get("unit"),
                        "cue": f.cue,
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Readable text: one line per rep/hold with its verdicts, then warnings."""
        v = self.video
        n, kind = len(self.segments), "hold" if self._is_hold else "rep"
        head = f"{self.exercise}: {n} {kind}{'' if n == 1 else 's'}"
        if v.get("duration_s") is not None:
            head += f" in {v['duration_s']:.1f} s of video"
        lines = [head]
        for seg in self.segments:
            side = f" {seg.side:<5}" if seg.side else ""
            parts = []
            for f in seg.faults:
                p = "" if f.probability is None else f" {f.probability:.0%}"
                parts.append(f"{f.id}={f.verdict.upper() if f.verdict == 'fault' else f.verdict}{p}")
            lines.append(
                f"  {seg.kind} {seg.index:>2}{side}  {seg.start_s:6.1f}–{seg.end_s:6.1f} s "
                f"({seg.duration_s:4.1f} s)  " + "  ".join(parts)
            )
            for f in seg.faults:
                if f.verdict == "fault":
                    measured, limit = f.measured(), f.limit()
                    evidence = "" if measured is None else measured + ("" if limit is None else f" (limit: {limit})")
                    lines.append(f"      → {evidence + ': ' if evidence else ''}{f.cue}")
        if not self.segments:
            lines.append(f"  no {kind} found")
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        return "\n".join(lines)

    @property
    def _is_hold(self) -> bool:
        """Whether the set's segments are holds (from its segments, else from its exercise's kind)."""
        if self.segments:
            return self.segments[0].kind == "hold"
        from .exercises import EXERCISES

        spec = EXERCISES.get(self.exercise)
        return spec is not None and spec.kind == "hold"
