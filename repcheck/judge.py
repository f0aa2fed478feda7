"""The judge stage: per-segment (and, for holds, per-sample) feature vectors → fault probabilities →
verdicts with evidence.

Feature extraction is reusable and versioned (:data:`FEATURE_SCHEMA`): :func:`segment_features` gives one
vector per rep/hold, :func:`sample_features` one vector per sample (holds are judged sample by sample so a
hold can say *when* the form broke). Fault models are scikit-learn pipelines, one per (exercise, fault),
stored with ``skops`` in ``repcheck/models/<exercise>.<fault>.skops`` beside a model card
``<exercise>.<fault>.json`` (feature schema, feature names, threshold, file sha256, training data hash,
metrics, date). :func:`load_model` refuses a file whose card is missing or does not match, whose hash
differs, or which holds types outside the exact allow-list of :mod:`repcheck.modelfile`
(:class:`~repcheck.errors.ModelFileError`).

When no model file exists for a fault, the judge falls back to :class:`RuleModel`: a logistic curve on
the fault's physical measure around its ``FaultSpec.boundary`` (documented, and named in the evidence).

Bootstrap training on synthetic landmark tracks: ``python -m repcheck.judge --bootstrap`` (see
:func:`bootstrap_models`); the training pipeline (``repcheck train``) supersedes it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelFileError
from .exercises import ExerciseSpec, FaultSpec, get_exercise
from .features import FAULT_LANDMARKS, Signals
from .report import FaultResult, SegmentResult
from .segment import Segment, folded_hips

__all__ = [
    "FEATURE_SCHEMA",
    "CARD_SCHEMA",
    "MODELS_DIR",
    "FaultModel",
    "RuleModel",
    "segment_feature_names",
    "segment_features",
    "sample_feature_names",
    "sample_features",
    "load_model",
    "load_models",
    "save_model",
    "make_classifier",
    "judge_segments",
    "MIN_VISIBLE_SHARE",
    "HEAD_ON_DEG",
]

#: Version of the feature layout and meaning; a model card with another value is refused. 2 (2026-11-25):
#: ``hip_rise_cm`` is the hip's own height from its sat-back level, no longer read against the knees and feet.
#: 3 (2026-11-25): filmed from in front, ``hip_rise_cm`` reads the lower hip point (``features._lift_hip_y``).
FEATURE_SCHEMA = "repcheck.features/3"
CARD_SCHEMA = "repcheck.model-card/1"
MODELS_DIR = Path(__file__).resolve().parent / "models"

#: A fault is judged only when its landmarks are visible (vis ≥ ``VISIBLE``) in this share of the segment.
MIN_VISIBLE_SHARE = 0.5
VISIBLE = 0.5
#: Median view angle (0 = side-on, 90 = head-on) above which side-view faults cannot be judged. From the
#: geometry: at 55° the body's depth profile shrinks to < 60 % and a 45° oblique (allowed) stays below.
HEAD_ON_DEG = 60.0
#: Share of the key landmarks that must be inside the frame (median over the segment).
MIN_IN_FRAME = 0.75
#: Holds: a fault counts when the per-sample probability stays above threshold this long (s).
HOLD_MIN_FAULT_S = 1.0
#: Rule fallback: logistic softness in the measure's unit (a third of the sag/pike band around the limit).
RULE_SOFTNESS = {"cm": 1.5, "deg": 2.5}

#: Extra signals that help a fault beyond its own measure (used as features).
_EXTRA_MEASURES: dict[str, tuple[str, ...]] = {
    "plank": (),
    "upper_back_roll": ("thorax_extension",),
    "lumbar_locked_rotation": (),
    "glute_bridge": ("hip_height",),
}
_STATS = ("p10", "median", "p90", "min", "max", "start", "rise")
_QUALITY = ("vis_needed", "view_deg", "in_frame", "finite_share", "duration_s")


def _measures(spec: ExerciseSpec) -> list[str]:
    out: list[str] = []
    for f in spec.faults:
        if f.measure not in out:
            out.append(f.measure)
    for m in _EXTRA_MEASURES.get(spec.id, ()):
        if m not in out:
            out.append(m)
    return out


def _needed_groups(spec: ExerciseSpec) -> tuple[str, ...]:
    groups: list[str] = []
    for f in spec.faults:
        for g in FAULT_LANDMARKS.get(f.measure, ("hips",)):
            if g not in groups:
                groups.append(g)
    return tuple(groups)


def _vis_needed(signals: Signals, groups: tuple[str, ...]) -> np.ndarray:
    return np.min(np.stack([signals.quality[f"vis_{g}"] for g in groups]), axis=0)


# ------------------------------------------------------------------------------------- features
def segment_feature_names(spec: ExerciseSpec | str) -> list[str]:
    """Names of :func:`segment_features`' vector for an exercise (``<measure>__<stat>`` + quality)."""
    spec = get_exercise(spec)
    return [f"{m}__{s}" for m in _measures(spec) for s in _STATS] + [f"q__{q}" for q in _QUALITY]


def segment_features(signals: Signals, segment: Segment, spec: ExerciseSpec | str) -> np.ndarray:
    """Robust statistics of the exercise's measures over one segment.

    Parameters
    ----------
    signals : Signals
    segment : Segment
    spec : ExerciseSpec or str

    Returns
    -------
    ndarray of shape (F,)
        In the order of :func:`segment_feature_names`; NaN where a measure has no finite sample.
        ``start`` is the value at the segment start, ``rise`` = max − start. Samples the exercise's position
        rules out (:func:`repcheck.segment.folded_hips`: a bridge's hips read folded past lying) count as
        missing.
    """
    spec = get_exercise(spec)
    sl = slice(segment.start_i, segment.end_i + 1)
    misread = folded_hips(signals, spec)[sl]
    out: list[float] = []
    finite_shares = []
    for m in _measures(spec):
        x = np.where(misread, np.nan, np.asarray(signals.values[m][sl], float))
        ok = np.isfinite(x)
        finite_shares.append(ok.mean() if x.size else 0.0)
        if not ok.any():
            out += [np.nan] * len(_STATS)
            continue
        xf = x[ok]
        p10, med, p90 = np.percentile(xf, [10, 50, 90])
        head = xf[: max(1, xf.size // 10)]
        start = float(np.median(head))
        out += [p10, med, p90, xf.min(), xf.max(), start, xf.max() - start]
    vis = _vis_needed(signals, _needed_groups(spec))[sl]
    view = signals.quality["view_deg"][sl]
    out += [
        float(np.mean(vis >= VISIBLE)) if vis.size else 0.0,
        float(np.nanmedian(view)) if np.isfinite(view).any() else np.nan,
        float(np.mean(signals.quality["in_frame"][sl])) if vis.size else 0.0,
        float(min(finite_shares)) if finite_shares else 0.0,
        segment.duration_s,
    ]
    return np.asarray(out, float)


#: Rolling window (s) of the per-sample features.
SAMPLE_WINDOW_S = 1.0


def sample_feature_names(spec: ExerciseSpec | str) -> list[str]:
    """Names of :func:`sample_features`' columns."""
    spec = get_exercise(spec)
    return [f"{m}__{s}" for m in _measures(spec) for s in ("value", "win_median", "win_min", "win_max")] + [
        "q__vis_needed", "q__view_deg", "q__in_frame"
    ]


def sample_features(signals: Signals, spec: ExerciseSpec | str) -> np.ndarray:
    """Per-sample features: each measure's value and its rolling median/min/max over ``SAMPLE_WINDOW_S``.

    Returns
    -------
    ndarray of shape (T, F)
        In the order of :func:`sample_feature_names`; NaN where not measurable.
    """
    spec = get_exercise(spec)
    n = signals.n
    half = max(1, int(round(SAMPLE_WINDOW_S * signals.fps / 2)))
    cols: list[np.ndarray] = []
    for m in _measures(spec):
        x = np.asarray(signals.values[m], float)
        if n:
            pad = np.pad(x, half, mode="constant", constant_values=np.nan)
            win = np.lib.stride_tricks.sliding_window_view(pad, 2 * half + 1)
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    med = np.nanmedian(win, axis=1)
                    mn = np.nanmin(win, axis=1)
                    mx = np.nanmax(win, axis=1)
        else:
            med = mn = mx = np.zeros(0)
        cols += [x, med, mn, mx]
    cols += [
        _vis_needed(signals, _needed_groups(spec)),
        np.asarray(signals.quality["view_deg"], float),
        np.asarray(signals.quality["in_frame"], float),
    ]
    return np.stack(cols, axis=1) if n else np.zeros((0, len(cols)))


# ---------------------------------------------------------------------------------------- models
class RuleModel:
    """Fallback fault model: a logistic curve on the fault's measure around its boundary.

    Parameters
    ----------
    fault : FaultSpec
    feature_names : list of str
        Columns of the feature matrix it will be given.
    kind : {"segment", "sample"}
        Segment (rep) features use the measure's maximum over the rep (the top of the rep: hips
        highest, furthest past the line, furthest moved); sample features the rolling median.
    """

    def __init__(self, fault: FaultSpec, feature_names: list[str], kind: str = "segment") -> None:
        self.fault = fault
        self.feature_names = feature_names
        self.kind = kind

    def _column(self) -> int:
        f = self.fault
        stat = "max" if self.kind == "segment" else "win_median"
        return self.feature_names.index(f"{f.measure}__{stat}")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of the fault, shape (n, 2) like scikit-learn (column 1 = fault)."""
        x = np.asarray(X, float)[:, self._column()]
        soft = RULE_SOFTNESS[self.fault.unit_kind]
        with np.errstate(over="ignore", invalid="ignore"):
            p = 1.0 / (1.0 + np.exp(-self.fault.direction * (x - self.fault.boundary) / soft))
        return np.stack([1 - p, p], axis=1)


@dataclass(frozen=True)
class FaultModel:
    """A loaded (or rule) model for one (exercise, fault).

    Attributes
    ----------
    exercise, fault : str
    kind : {"segment", "sample"}
        Which features it takes: :func:`segment_features` rows or :func:`sample_features` rows.
    estimator : object
        Has ``predict_proba(X) -> (n, 2)``.
    threshold : float
        Probability at and above which the verdict is ``fault``.
    card : dict
        The model card (``{"model": "rule"}`` for the fallback).
    """

    exercise: str
    fault: str
    kind: str
    estimator: Any
    threshold: float = 0.5
    card: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.card.get("name", "rule" if isinstance(self.estimator, RuleModel) else "model"))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Fault probability per row, shape (n,); NaN for rows the model cannot score."""
        X = np.asarray(X, float)
        if X.shape[0] == 0:
            return np.zeros(0)
        p = np.asarray(self.estimator.predict_proba(X), float)[:, 1]
        return p


def _kind_for(spec: ExerciseSpec) -> str:
    return "sample" if spec.kind == "hold" else "segment"


def _feature_names(spec: ExerciseSpec, kind: str) -> list[str]:
    return sample_feature_names(spec) if kind == "sample" else segment_feature_names(spec)


def _paths(exercise: str, fault: str, models_dir: Path) -> tuple[Path, Path]:
    return models_dir / f"{exercise}.{fault}.skops", models_dir / f"{exercise}.{fault}.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rule_model(spec: ExerciseSpec, fault_id: str) -> FaultModel:
    """The :class:`RuleModel` fallback for one fault, wrapped as a :class:`FaultModel`."""
    kind = _kind_for(spec)
    f = spec.fault(fault_id)
    return FaultModel(spec.id, f.id, kind, RuleModel(f, _feature_names(spec, kind), kind), 0.5,
                      {"name": "rule", "model": "rule", "feature_schema": FEATURE_SCHEMA})


def load_model(exercise: str | ExerciseSpec, fault_id: str, models_dir: str | Path | None = None,
               *, fallback: bool = True) -> FaultModel:
    """Load one fault model and check its card.

    Parameters
    ----------
    exercise : str or ExerciseSpec
    fault_id : str
    models_dir : path, optional
        Default ``$REPCHECK_MODELS_DIR`` if set (where ``repcheck train`` writes), else :data:`MODELS_DIR`
        (the shipped models).
    fallback : bool
        When neither file exists, return the :class:`RuleModel` fallback instead of raising.

    Raises
    ------
    ModelFileError
        Card or model file missing (only one of them present, or ``fallback=False``), card for another
        exercise/fault/feature schema, file hash differs from the card, or untrusted types inside.
    """
    spec = get_exercise(exercise)
    spec.fault(fault_id)
    from .modelfile import default_models_dir

    d = Path(models_dir) if models_dir is not None else default_models_dir()
    mpath, cpath = _paths(spec.id, fault_id, d)
    if not mpath.exists() and not cpath.exists():
        if fallback:
            return rule_model(spec, fault_id)
        raise ModelFileError(f"no model for {spec.id}/{fault_id} in {d}")
    if not cpath.exists():
        raise ModelFileError(f"model file {mpath.name} has no model card ({cpath.name}); refusing to load it")
    from .modelfile import load_fault_model

    # one verifier for every model file: card, sha256, feature schema and list, exact type allow-list
    return load_fault_model(mpath, exercise=spec.id, fault=fault_id)


@lru_cache(maxsize=32)
def _load_default(exercise: str, fault_id: str, models_dir: Path) -> FaultModel:
    return load_model(exercise, fault_id, models_dir)


def load_models(exercise: str | ExerciseSpec, models_dir: str | Path | None = None) -> dict[str, FaultModel]:
    """All fault models of an exercise: ``{fault_id: FaultModel}``.

    Without ``models_dir``: the models of ``$REPCHECK_MODELS_DIR`` if set, else the shipped ones, cached
    per process and folder.
    """
    spec = get_exercise(exercise)
    if models_dir is None:
        from .modelfile import default_models_dir

        d = default_models_dir()
        return {f.id: _load_default(spec.id, f.id, d) for f in spec.faults}
    return {f.id: load_model(spec, f.id, models_dir) for f in spec.faults}


def make_classifier(kind: str = "segment", *, cv: int = 3):
    """The default classifier: impute → scale → logistic regression, sigmoid-calibrated.

    Returns
    -------
    sklearn.calibration.CalibratedClassifierCV
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    base = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("clf", LogisticRegression(C=1.0 if kind == "segment" else 0.3, max_iter=2000)),
        ]
    )
    return CalibratedClassifierCV(base, cv=cv, method="sigmoid")


def save_model(estimator: Any, exercise: str | ExerciseSpec, fault_id: str, *, kind: str,
               models_dir: str | Path | None = None, threshold: float = 0.5,
               training_data: dict | None = None, metrics: dict | None = None, name: str | None = None,
               notes: str = "") -> Path:
    """Write ``<exercise>.<fault>.skops`` and its model card; returns the model path."""
    import sklearn
    import skops
    import skops.io as sio

    spec = get_exercise(exercise)
    spec.fault(fault_id)
    d = Path(models_dir) if models_dir is not None else MODELS_DIR
    d.mkdir(parents=True, exist_ok=True)
    mpath, cpath = _paths(spec.id, fault_id, d)
    sio.dump(estimator, mpath)
    card = {
        "schema": CARD_SCHEMA,
        "name": name or f"{spec.id}.{fault_id}",
        "exercise": spec.id,
        "fault": fault_id,
        "kind": kind,
        "feature_schema": FEATURE_SCHEMA,
        "features": _feature_names(spec, kind),
        "threshold": float(threshold),
        "model_sha256": _sha256(mpath),
        "estimator": type(estimator).__name__,
        "training_data": training_data or {},
        "metrics": metrics or {},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": {"scikit-learn": sklearn.__version__, "skops": skops.__version__},
        "notes": notes,
    }
    cpath.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    _load_default.cache_clear()
    return mpath


# ------------------------------------------------------------------------------------- judging
def unsure_reason(signals: Signals, seg: Segment, spec: ExerciseSpec, fault: FaultSpec) -> str | None:
    """Why ``fault`` cannot be judged in ``seg`` (the verdict is then ``unsure``), or None when it can.

    The reasons, in the order checked: the fault's landmarks not visible in most of the segment, its
    measure missing, a head-on camera, a camera in front of the person beyond the fault's
    ``max_front_deg``, a camera toward the body's end beyond its ``max_end_on_deg``, the person partly out
    of frame. Training leaves such segments out too.
    """
    sl = slice(seg.start_i, seg.end_i + 1)
    what = "hold" if seg.kind == "hold" else "rep"
    groups = FAULT_LANDMARKS.get(fault.measure, ("hips",))
    for g in groups:
        vis = signals.quality[f"vis_{g}"][sl]
        share = float(np.mean(vis >= VISIBLE)) if vis.size else 0.0
        if share < MIN_VISIBLE_SHARE:
            return f"{g} not visible in {100 * (1 - share):.0f} % of the {what}"
    x = signals.values[fault.measure][sl]
    if x.size == 0 or np.mean(np.isfinite(x)) < MIN_VISIBLE_SHARE:
        return f"{fault.measure} could not be measured in most of the {what}"
    view = signals.quality["view_deg"][sl]
    if np.isfinite(view).any() and np.nanmedian(view) > HEAD_ON_DEG and not (
        {"front", "behind"} & set(fault.views)
    ):
        return f"camera looks head-on: {fault.title.lower()} cannot be judged; film from the side"
    placements = (("trunk_to_camera_deg", fault.max_front_deg, "camera in front of the person (trunk turned {:.0f}° "
                   "toward it, more than {:.0f}°)"),
                  ("end_on_deg", fault.max_end_on_deg, "camera at the end of the body ({:.0f}° round from side-on, "
                   "more than {:.0f}°)"))
    for key, limit, where in placements:
        reading = signals.quality.get(key)
        if limit is None or reading is None or not np.isfinite(reading).any():
            continue
        placement = float(np.nanmedian(reading))  # the set's placement: the camera does not move
        if placement > limit:
            return (f"{where.format(placement, limit)}: {fault.title.lower()} cannot be judged; film from the "
                    "side or up to 45° behind")
    inf = signals.quality["in_frame"][sl]
    if inf.size and np.median(inf) < MIN_IN_FRAME:
        return f"person partly out of frame during the {what}: keep the whole body in view"
    return None


def _worst(x: np.ndarray, t: np.ndarray, direction: int, kind: str) -> tuple[float, float]:
    """Evidence value and its time: reps — the top of the rep (maximum); holds — the 10th/90th
    percentile in the fault's direction, timed at the worst sample."""
    ok = np.isfinite(x)
    if not ok.any():
        return np.nan, np.nan
    if kind == "rep":
        i = int(np.nanargmax(np.where(ok, x, np.nan)))
        return float(x[i]), float(t[i])
    i = int(np.nanargmax(direction * np.where(ok, x, np.nan)))
    value = float(np.percentile(x[ok], 90 if direction > 0 else 10))
    return value, float(t[i])


def _intervals(p: np.ndarray, t: np.ndarray, thr: float, min_s: float) -> list[tuple[float, float]]:
    m = np.nan_to_num(p, nan=0.0) >= thr
    pad = np.concatenate([[False], m, [False]])
    d = np.diff(pad.astype(int))
    out = []
    for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True):
        if t[b - 1] - t[a] >= min_s - 1e-9:
            out.append((float(t[a]), float(t[b - 1])))
    return out


def judge_segments(
    signals: Signals,
    segments: list[Segment],
    spec: ExerciseSpec | str,
    *,
    models: dict[str, FaultModel] | str | Path | None = None,
) -> tuple[list[SegmentResult], dict[str, np.ndarray]]:
    """Judge every fault of the exercise on every segment.

    Parameters
    ----------
    signals : Signals
    segments : list of Segment
    spec : ExerciseSpec or str
    models : dict of fault id -> FaultModel, a models directory, ``"rules"``, or None
        None loads the shipped models (:func:`load_models`, rule fallback where none is shipped);
        ``"rules"`` forces the :class:`RuleModel` fallback for every fault.

    Returns
    -------
    results : list of SegmentResult
    timeline : dict of str -> ndarray of shape (T,)
        ``t`` and per-sample fault probability per fault id (holds: the per-sample model; reps: the
        rep's probability over its span; NaN outside segments and where unsure).
    """
    spec = get_exercise(spec)
    if models is None:
        models = load_models(spec)
    elif isinstance(models, str) and models == "rules":
        models = {f.id: rule_model(spec, f.id) for f in spec.faults}
    elif isinstance(models, (str, Path)):
        models = load_models(spec, models)
    t = signals.t
    n = signals.n
    timeline: dict[str, np.ndarray] = {"t": t.copy()}
    sample_X = None
    per_sample: dict[str, np.ndarray] = {}
    for f in spec.faults:
        m = models.get(f.id) or rule_model(spec, f.id)
        if m.kind == "sample":
            if sample_X is None:
                sample_X = sample_features(signals, spec)
            p = m.predict(sample_X) if n else np.zeros(0)
            p = np.where(np.isfinite(sample_X[:, 0]) if n else np.zeros(0, bool), p, np.nan)
            per_sample[f.id] = p
        timeline[f.id] = np.full(n, np.nan)

    results: list[SegmentResult] = []
    for seg in segments:
        sl = slice(seg.start_i, seg.end_i + 1)
        seg_X = None
        fres: list[FaultResult] = []
        for f in spec.faults:
            m = models.get(f.id) or rule_model(spec, f.id)
            value, worst_s = _worst(signals.values[f.measure][sl], t[sl], f.direction, seg.kind)
            evidence: dict[str, Any] = {
                "measure": f.measure, "value": value, "unit": f.unit, "boundary": f.boundary,
                "worst_s": worst_s, "model": m.name,
            }
            reason = unsure_reason(signals, seg, spec, f)
            if reason is not None:
                evidence["reason"] = reason
                fres.append(FaultResult(f.id, None, "unsure", [], evidence, f.cue))
                continue
            intervals: list[tuple[float, float]] = []
            if m.kind == "sample":
                p = per_sample[f.id][sl]
                timeline[f.id][sl] = p
                # the hold's probability: the highest 1-s rolling median of the per-sample probability
                win = max(1, int(round(HOLD_MIN_FAULT_S * signals.fps)))
                pf = np.nan_to_num(p, nan=0.0)
                if pf.size >= win:
                    roll = np.median(np.lib.stride_tricks.sliding_window_view(pf, win), axis=1)
                    prob = float(roll.max())
                else:
                    prob = float(np.median(pf)) if pf.size else np.nan
                intervals = _intervals(p, t[sl], m.threshold, HOLD_MIN_FAULT_S)
                share = sum(b - a for a, b in intervals) / max(seg.duration_s, 1e-9)
                evidence["fault_share"] = round(share, 3)
            else:
                if seg_X is None:
                    seg_X = segment_features(signals, seg, spec)[None, :]
                prob = float(m.predict(seg_X)[0])
                timeline[f.id][sl] = prob
            if not np.isfinite(prob):
                evidence["reason"] = f"{f.measure} could not be measured"
                fres.append(FaultResult(f.id, None, "unsure", [], evidence, f.cue))
                continue
            verdict = "fault" if prob >= m.threshold else "ok"
            if verdict == "fault" and m.kind == "segment":
                intervals = [(seg.start_s, seg.end_s)]
            if verdict == "fault" and m.kind == "sample" and not intervals:
                intervals = [(seg.start_s, seg.end_s)]
            fres.append(FaultResult(f.id, round(prob, 4), verdict, intervals, evidence, f.cue))
        results.append(SegmentResult(seg.index, seg.kind, seg.start_s, seg.end_s, seg.side, fres))
    return results, timeline


# ------------------------------------------------------------------------------------ bootstrap
#: Camera views the bootstrap draws from (SYNTH-RENDER's names); side views dominate like real use.
BOOTSTRAP_VIEWS = ("side", "side", "other_side", "oblique", "oblique45", "high")


def _bootstrap_motion(exercise: str, rng: np.random.Generator):
    """One synthetic set with random faults (a third correct); returns the Motion."""
    from .synth.body import BodyShape
    from .synth.motions import make_motion

    spec = get_exercise(exercise)
    body = BodyShape.sample(rng)
    if spec.kind == "hold":
        u = rng.random()
        faults = None
        onset = None
        if u > 1 / 3:
            fid = "hips_sag" if u < 2 / 3 else "hips_pike"
            faults = {fid: float(rng.uniform(0.0, 1.0))}
            if rng.random() < 0.4:
                onset = float(rng.uniform(2.0, 8.0))
        return make_motion(exercise, faults=faults, seconds=float(rng.uniform(8, 20)), body=body, rng=rng,
                           fault_onset_s=onset)
    n = int(rng.integers(4, 8))
    fid = spec.fault_ids[int(rng.integers(len(spec.fault_ids)))]
    mode = rng.random()
    if mode < 0.3:
        faults = None
    elif mode < 0.6:
        faults = {fid: [float(s) for s in rng.uniform(0, 1, n)]}
    else:
        faults = {fid: [float(s) if rng.random() < 0.5 else 0.0 for s in rng.uniform(0.3, 1, n)]}
    return make_motion(exercise, faults=faults, reps=n, body=body, rng=rng)


def bootstrap_data(exercise: str, n_sets: int, *, seed: int = 0) -> dict[str, Any]:
    """Features and labels from synthetic landmark tracks (``repcheck.synth`` fast path).

    Holds: one row per sample inside each detected hold (labels from ``Motion.fault_timeline``).
    Reps: one row per detected rep, labelled by the ground-truth rep it overlaps most.

    Returns
    -------
    dict
        ``X`` (n, F), ``y`` {fault_id: (n,) bool}, ``groups`` (n,) set index, ``kind``, ``names``.
    """
    from .features import compute_signals
    from .segment import find_segments
    from .synth.landmark_tracks import MediaPipeNoise, camera_for, project_track

    spec = get_exercise(exercise)
    kind = _kind_for(spec)
    rng = np.random.default_rng(seed)
    Xs, groups = [], []
    ys: dict[str, list] = {f.id: [] for f in spec.faults}
    for k in range(n_sets):
        m = _bootstrap_motion(spec.id, rng)
        view = BOOTSTRAP_VIEWS[int(rng.integers(len(BOOTSTRAP_VIEWS)))]
        cam = camera_for(m, rng, view=view)
        fps = float(rng.choice([8.0, 10.0, 15.0]))
        track = project_track(m, cam, fps, rng=rng, noise=MediaPipeNoise())
        sig = compute_signals(track, spec)
        segs, _ = find_segments(sig, spec)
        if kind == "sample":
            X = sample_features(sig, spec)
            truth = m.fault_timeline(sig.t)
            mask = np.zeros(sig.n, bool)
            for s in segs:
                mask[s.start_i : s.end_i + 1] = True
            mask &= np.isfinite(X[:, 0])
            Xs.append(X[mask])
            groups += [k] * int(mask.sum())
            for f in spec.faults:
                ys[f.id].append(np.asarray(truth[f.id], bool)[mask])
        else:
            for s in segs:
                best, ov = None, 0.0
                for g in m.segments:
                    o = min(s.end_s, g["end_s"]) - max(s.start_s, g["start_s"])
                    if o > ov:
                        best, ov = g, o
                if best is None:
                    continue
                Xs.append(segment_features(sig, s, spec)[None, :])
                groups.append(k)
                for f in spec.faults:
                    ys[f.id].append(np.array([bool(best["faults"][f.id]["label"])]))
    X = np.concatenate(Xs) if Xs else np.zeros((0, len(_feature_names(spec, kind))))
    y = {f: np.concatenate(v) if v else np.zeros(0, bool) for f, v in ys.items()}
    return {"X": X, "y": y, "groups": np.asarray(groups), "kind": kind, "names": _feature_names(spec, kind)}


def _grouped_metrics(X: np.ndarray, y: np.ndarray, groups: np.ndarray, kind: str) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, roc_auc_score
    from sklearn.model_selection import GroupKFold

    n_groups = len(np.unique(groups))
    if n_groups < 3 or len(np.unique(y)) < 2:
        return {}
    p = np.full(y.size, np.nan)
    for tr, te in GroupKFold(n_splits=3).split(X, y, groups):
        if len(np.unique(y[tr])) < 2:
            continue
        clf = make_classifier(kind).fit(X[tr], y[tr])
        p[te] = clf.predict_proba(X[te])[:, 1]
    ok = np.isfinite(p)
    if not ok.any() or len(np.unique(y[ok])) < 2:
        return {}
    return {
        "cv": "GroupKFold(3) by synthetic set",
        "roc_auc": round(float(roc_auc_score(y[ok], p[ok])), 4),
        "accuracy": round(float(accuracy_score(y[ok], p[ok] >= 0.5)), 4),
        "balanced_accuracy": round(float(balanced_accuracy_score(y[ok], p[ok] >= 0.5)), 4),
        "n": int(ok.sum()),
        "positives": int(y[ok].sum()),
    }


def bootstrap_models(exercises: tuple[str, ...] | None = None, *, n_sets: int = 24, seed: int = 0,
                     models_dir: str | Path | None = None, max_rows: int = 6000, log=print) -> dict:
    """Train and save a first model per (exercise, fault) on synthetic landmark tracks.

    A stop-gap until ``repcheck train`` (issue #4) trains on ``training_data/``; returns the metrics.
    """
    from .exercises import JUDGED_EXERCISES

    out = {}
    for ex in exercises or JUDGED_EXERCISES:
        spec = get_exercise(ex)
        data = bootstrap_data(ex, n_sets, seed=seed)
        X, groups, kind = data["X"], data["groups"], data["kind"]
        rng = np.random.default_rng(seed)
        idx = np.arange(X.shape[0])
        if idx.size > max_rows:  # holds give thousands of strongly correlated samples: subsample
            idx = np.sort(rng.choice(idx, max_rows, replace=False))
        data_hash = hashlib.sha256(np.ascontiguousarray(X[idx]).tobytes()).hexdigest()
        for f in spec.faults:
            y = data["y"][f.id][idx]
            if len(np.unique(y)) < 2:
                log(f"{ex}/{f.id}: only one class in {y.size} rows; keeping the rule fallback")
                continue
            metrics = _grouped_metrics(X[idx], y, groups[idx], kind)
            clf = make_classifier(kind).fit(X[idx], y)
            save_model(
                clf, spec, f.id, kind=kind, models_dir=models_dir,
                training_data={"source": "repcheck.judge.bootstrap_data (synthetic fast path)",
                               "sha256": data_hash, "rows": int(idx.size), "sets": n_sets, "seed": seed,
                               "positives": int(y.sum())},
                metrics=metrics, name=f"{ex}.{f.id}.bootstrap",
                notes="Bootstrap model trained on synthetic landmark tracks (project_track + MediaPipeNoise);"
                " replace with repcheck train.",
            )
            out[f"{ex}/{f.id}"] = metrics
            log(f"{ex}/{f.id}: {kind} rows={idx.size} positives={int(y.sum())} {metrics}")
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m repcheck.judge --bootstrap [--sets N] [--seed S] [--exercise ID ...]``"""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m repcheck.judge")
    ap.add_argument("--bootstrap", action="store_true", help="train the shipped models on synthetic tracks")
    ap.add_argument("--sets", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exercise", action="append")
    ap.add_argument("--out", default=None, help="models directory (default: repcheck/models)")
    a = ap.parse_args(argv)
    if not a.bootstrap:
        ap.print_help()
        return 2
    bootstrap_models(tuple(a.exercise) if a.exercise else None, n_sets=a.sets, seed=a.seed, models_dir=a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
