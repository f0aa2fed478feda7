"""Feature tables for training: the judge's own feature extraction applied to labelled examples.

The features are exactly those the analyser computes at run time (``repcheck.judge.segment_features`` for
reps, ``repcheck.judge.sample_features`` for holds, from ``repcheck.features.compute_signals``) on the
samples it would keep (``ExerciseSpec.analysis_fps``, :func:`repcheck.pose.at_sample_rate`), so a model
trained here scores what ``repcheck analyze`` measures. Both are in standard-body units relative to
body lines (camera-placement invariant by construction, see :mod:`repcheck.features`).

Rep exercises get one row per ground-truth rep, plus one row per rep found by the analyser's own
segmenter (``repcheck.segment.find_segments``) that overlaps a ground-truth rep (IoU ≥ 0.5) — the
boundaries the model will see at run time.

Holds get one row per sample inside a ground-truth hold (the per-sample / timeline model); each row knows
its hold so the trainer can score holds the way the judge does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exercises import ExerciseSpec
from .dataset import Example

__all__ = ["feature_tables", "feature_schema", "MATCH_IOU"]

#: A found segment is used as an extra training row when it overlaps a ground-truth rep this much.
MATCH_IOU = 0.5


def feature_schema() -> str:
    """The judge's ``FEATURE_SCHEMA`` (the version written into model cards)."""
    from ..judge import FEATURE_SCHEMA

    return FEATURE_SCHEMA


def _iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _segment_for(t: np.ndarray, index: int, kind: str, start_s: float, end_s: float, side: str | None):
    from ..segment import Segment

    i0 = int(np.searchsorted(t, start_s, side="left"))
    i1 = int(np.searchsorted(t, end_s, side="right")) - 1
    i0 = min(max(i0, 0), max(len(t) - 1, 0))
    i1 = min(max(i1, i0), max(len(t) - 1, 0))
    return Segment(index=index, kind=kind, start_s=float(start_s), end_s=float(end_s), side=side,
                   start_i=i0, end_i=i1)


def _fault_cols(spec: ExerciseSpec, seg_faults: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in spec.faults:
        d = seg_faults.get(f.id) or {}
        v, lab, sev = d.get("value"), d.get("label"), d.get("severity")
        out[f"value:{f.id}"] = np.nan if v is None else float(v)
        out[f"label:{f.id}"] = np.nan if lab is None else float(bool(lab))
        out[f"severity:{f.id}"] = np.nan if sev is None else float(sev)
    return out


def feature_tables(
    examples: list[Example],
    spec: ExerciseSpec,
    *,
    groups: dict[str, str] | None = None,
    samples: bool | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Segment and (holds) sample feature tables of one exercise's examples.

    Parameters
    ----------
    examples : list of Example
        Examples of ``spec``'s exercise.
    spec : ExerciseSpec
    groups : dict of example id -> group label, optional
        CV group of each example (default: its body id).
    samples : bool, optional
        Build the per-sample table (default: for holds).

    Returns
    -------
    seg : dict
        ``X`` (n, F), ``names``, ``groups`` (n,), ``source`` (n,), ``example`` (n,), ``hold`` (n,) and per
        fault ``value:<id>``, ``label:<id>``, ``severity:<id>``, ``measured:<id>``, ``judged:<id>`` (n,).
    smp : dict or None
        ``X`` (m, Fs), ``names``, ``groups``, ``source``, ``example``, ``hold`` (m,: hold key), ``t`` and per
        fault ``value:<id>`` (per-sample truth), ``label:<id>``/``severity:<id>`` (of the hold), plus
        ``fps`` per row (the judge's rolling window depends on it).
    """
    from ..features import compute_signals
    from ..judge import sample_feature_names, sample_features, segment_feature_names, segment_features
    from ..pose import at_sample_rate
    from ..segment import find_segments

    samples = spec.kind == "hold" if samples is None else samples
    seg_names = segment_feature_names(spec)
    smp_names = sample_feature_names(spec)
    seg_rows: list[np.ndarray] = []
    seg_meta: list[dict[str, Any]] = []
    smp_X: list[np.ndarray] = []
    smp_meta: dict[str, list[np.ndarray]] = {}

    def add_smp(key: str, arr: np.ndarray) -> None:
        smp_meta.setdefault(key, []).append(arr)

    for ex in examples:
        # signals at the rate the analyser samples this exercise (rendered examples are 10 fps, the plank
        # is analysed at 4 samples/s: smoothing and rolling windows must see what they will see at run time)
        track = at_sample_rate(ex.track, spec.analysis_fps)
        kept = np.searchsorted(np.asarray(ex.track.t), np.asarray(track.t))  # sample indices into ex.track
        sig = compute_signals(track, spec)
        t = sig.t
        group = (groups or {}).get(ex.id, ex.group("body"))
        gt = [(k, s) for k, s in enumerate(ex.segments)]
        found: list[Any] = []
        if spec.kind == "reps" and ex.source == "synthetic":
            try:
                found, _ = find_segments(sig, spec)
            except Exception:  # noqa: BLE001 - a segmenter failure only costs extra rows
                found = []
        for k, s in gt:
            seg = _segment_for(t, k + 1, s.kind, s.start_s, s.end_s, s.side)
            cols = _fault_cols(spec, s.faults)
            base = {"example": ex.id, "hold": f"{ex.id}#{k}", "groups": group, "source": ex.source, **cols}
            if t.size:
                seg_rows.append(segment_features(sig, seg, spec))
                seg_meta.append({**base, **_measured(sig, seg, spec)})
            for f in found:
                if _iou((f.start_s, f.end_s), (s.start_s, s.end_s)) >= MATCH_IOU:
                    seg_rows.append(segment_features(sig, f, spec))
                    seg_meta.append({**base, **_measured(sig, f, spec)})
            if samples and t.size:
                sl = slice(seg.start_i, seg.end_i + 1)
                Xs = sample_features(sig, spec)[sl]
                n = Xs.shape[0]
                smp_X.append(Xs)
                add_smp("example", np.full(n, ex.id, dtype=object))
                add_smp("hold", np.full(n, base["hold"], dtype=object))
                add_smp("groups", np.full(n, group, dtype=object))
                add_smp("source", np.full(n, ex.source, dtype=object))
                add_smp("t", t[sl])
                add_smp("fps", np.full(n, sig.fps))
                for f in spec.faults:
                    vals = ex.sample_values.get(f.id)
                    if vals is None and f.measure in ex.sample_values:
                        vals = ex.sample_values[f.measure]
                    add_smp(f"value:{f.id}", np.asarray(vals, float)[kept][sl] if vals is not None
                            else np.full(n, np.nan))
                    add_smp(f"measured:{f.id}", np.asarray(sig.values[f.measure], float)[sl])
                    for c in ("label", "severity"):
                        add_smp(f"{c}:{f.id}", np.full(n, cols[f"{c}:{f.id}"]))
    seg = _table(np.asarray(seg_rows, float).reshape(-1, len(seg_names)), seg_names, seg_meta)
    smp = None
    if samples:
        Xs = np.concatenate(smp_X) if smp_X else np.zeros((0, len(smp_names)))
        smp = {"X": Xs, "names": smp_names}
        for k, parts in smp_meta.items():
            smp[k] = np.concatenate(parts)
    return seg, smp


def _measured(sig: Any, seg: Any, spec: ExerciseSpec) -> dict[str, float]:
    """The fault's own measure over the segment: holds its worst decile in the fault's direction, reps the
    top of the rep (90th percentile) — the value a trainer's label is about; and whether the judge would
    judge the fault there at all (``judged:<fault>`` 1.0, or 0.0 where it answers ``unsure``: landmarks
    not visible, a camera placement that cannot show the fault)."""
    from ..judge import unsure_reason

    out = {}
    sl = slice(seg.start_i, seg.end_i + 1)
    for f in spec.faults:
        x = np.asarray(sig.values[f.measure][sl], float)
        x = x[np.isfinite(x)]
        q = (90 if f.direction > 0 else 10) if spec.kind == "hold" else 90
        out[f"measured:{f.id}"] = float(np.percentile(x, q)) if x.size else np.nan
        out[f"judged:{f.id}"] = float(unsure_reason(sig, seg, spec, f) is None)
    return out


def _table(X: np.ndarray, names: list[str], meta: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"X": X, "names": list(names)}
    keys = list(meta[0]) if meta else ["example", "hold", "groups", "source"]
    for k in keys:
        vals = [m.get(k) for m in meta]
        if k in ("example", "hold", "groups", "source"):
            out[k] = np.asarray(vals, dtype=object)
        else:
            out[k] = np.asarray(vals, dtype=float)
    return out
