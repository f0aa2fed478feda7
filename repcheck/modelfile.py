"""Model files: scikit-learn pipelines saved with :mod:`skops.io` (never pickle) plus a model card.

One fault model is two files in a models directory (the layout :mod:`repcheck.judge` reads)::

    <exercise>.<fault>.skops   the fitted estimator (``predict_proba``)
    <exercise>.<fault>.json    its model card (``schema: "repcheck.model-card/1"``, :class:`ModelCard`)

The card records the file's sha256 (``model_sha256``), the feature schema version and feature names the
model was trained for, the decision threshold, the grouped cross-validated metrics, the training-data hash
and the date. :func:`load_fault_model` refuses with :class:`~repcheck.errors.ModelFileError` a file

- whose card is missing, unreadable, for another exercise/fault, or of another card schema,
- whose sha256 differs from its card's (a changed byte, a truncated copy),
- whose card names another feature schema (or another feature list) than the running code computes,
- that holds any type outside the explicit allow-list :data:`ALLOWED_TYPES`
  (``skops.io.get_untrusted_types``; a prefix such as ``builtins.`` would let ``builtins.exec`` through),
- that is not a skops archive, or holds no classifier.

``skops.io.dumps`` writes zip entries with the current time; :func:`save_fault_model` rewrites them with a
fixed time stamp, so the same fitted model always gives the same bytes (and the same sha256).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import ModelFileError

__all__ = [
    "CARD_SCHEMA",
    "ALLOWED_TYPES",
    "default_models_dir",
    "model_paths",
    "save_fault_model",
    "read_card",
    "load_fault_model",
    "load_models",
    "file_sha256",
    "untrusted_types",
]

#: Same value as ``repcheck.judge.CARD_SCHEMA`` (the judge reads these cards).
CARD_SCHEMA = "repcheck.model-card/1"

#: Types beyond skops' defaults a repcheck model file may contain — exactly what our trainer's candidate
#: models produce (collected with ``skops.io.get_untrusted_types``), and nothing else.
ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        "numpy.dtype",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.model_selection._split.StratifiedGroupKFold",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.model_selection._split.GroupKFold",
        "sklearn.model_selection._split.KFold",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.Interval",
    }
)

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NAME_RE = re.compile(r"^[a-z0-9_]+$")


def default_models_dir() -> Path:
    """The directory the analyser loads models from: ``$REPCHECK_MODELS_DIR`` or ``repcheck/models/``."""
    env = os.environ.get("REPCHECK_MODELS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "models"


def file_sha256(path: str | Path) -> str:
    """sha256 hex digest of a file's bytes (streamed)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_paths(models_dir: str | Path, exercise: str, fault: str) -> tuple[Path, Path]:
    """(``.skops`` path, card ``.json`` path) of the model for (exercise, fault) in ``models_dir``."""
    for name, value in (("exercise", exercise), ("fault", fault)):
        if not _NAME_RE.match(str(value)):
            raise ModelFileError(f"invalid {name} id for a model file name: {value!r}")
    d = Path(models_dir)
    return d / f"{exercise}.{fault}.skops", d / f"{exercise}.{fault}.json"


def _normalised_zip(data: bytes) -> bytes:
    """Rewrite a skops archive so equal models give equal bytes.

    skops names arrays and tags shared objects with ``id()`` memory addresses and stamps zip entries with
    the current time: renumber the ids in order of first appearance in ``schema.json`` and use a fixed
    entry time. Loading is unaffected (ids only need to be consistent within the file).
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    schema = src.read("schema.json").decode("utf-8")
    mapping: dict[str, str] = {}
    for m in re.finditer(r'"__id__": (\d+)|"(\d+)\.npy"', schema):
        old = m.group(1) or m.group(2)
        mapping.setdefault(old, str(len(mapping) + 1))
    schema = re.sub(r'("__id__": )(\d+)', lambda m: m.group(1) + mapping[m.group(2)], schema)
    schema = re.sub(r'"(\d+)\.npy"', lambda m: f'"{mapping[m.group(1)]}.npy"', schema)
    entries: dict[str, bytes] = {"schema.json": schema.encode("utf-8")}
    for info in src.infolist():
        if info.filename == "schema.json":
            continue
        stem, dot, ext = info.filename.partition(".")
        name = f"{mapping.get(stem, stem)}{dot}{ext}"
        entries[name] = src.read(info.filename)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, entries[name])
    return out.getvalue()


def untrusted_types(data: bytes) -> list[str]:
    """``skops.io.get_untrusted_types`` of a model file's bytes (raises :class:`ModelFileError`)."""
    import skops.io as sio

    try:
        return list(sio.get_untrusted_types(data=data))
    except Exception as exc:  # noqa: BLE001 - anything unparsable is not a model file
        raise ModelFileError(f"not a skops model file: {type(exc).__name__}: {exc}") from None


def save_fault_model(
    estimator: Any,
    models_dir: str | Path,
    *,
    exercise: str,
    fault: str,
    kind: str,
    features: list[str],
    threshold: float,
    feature_schema: str,
    metrics: dict[str, Any] | None = None,
    training_data: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    created: str | None = None,
) -> dict[str, Any]:
    """Write ``<exercise>.<fault>.skops`` and its card into ``models_dir``; return the card.

    Parameters
    ----------
    estimator : fitted classifier
        Anything with ``predict_proba`` made only of :data:`ALLOWED_TYPES` (+ skops' defaults).
    models_dir : path
        Created if missing.
    exercise, fault : str
    kind : {"segment", "sample"}
        Rows it scores: per-segment features (reps) or per-sample features (holds).
    features : list of str
        Column names, in order (``repcheck.judge.segment_feature_names`` / ``sample_feature_names``).
    threshold : float
        Decision threshold on the calibrated probability.
    feature_schema : str
        ``repcheck.judge.FEATURE_SCHEMA`` at training time.
    metrics, training_data, extra : dict, optional
        Grouped-CV metrics; {``sha256``, ``n_examples``, ...}; more card fields (model family, seed...).
    created : str, optional
        ISO time stamp (default: now, UTC).

    Raises
    ------
    ModelFileError
        The estimator holds a type the loader would refuse.
    """
    import sklearn
    import skops
    import skops.io as sio

    skops_path, card_path = model_paths(models_dir, exercise, fault)
    if kind not in ("segment", "sample"):
        raise ModelFileError(f"model kind must be 'segment' or 'sample', got {kind!r}")
    data = _normalised_zip(sio.dumps(estimator))
    bad = sorted(set(untrusted_types(data)) - ALLOWED_TYPES)
    if bad:  # our own trainer must never write what the loader would refuse
        raise ModelFileError(f"refusing to save a model with types outside the allow-list: {', '.join(bad)}")
    skops_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = skops_path.with_name(skops_path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, skops_path)
    card = {
        "schema": CARD_SCHEMA,
        "name": f"{exercise}.{fault}",
        "exercise": exercise,
        "fault": fault,
        "kind": kind,
        "feature_schema": feature_schema,
        "features": list(features),
        "threshold": round(float(threshold), 6),
        "model_sha256": hashlib.sha256(data).hexdigest(),
        "estimator": type(estimator).__name__,
        "training_data": training_data or {},
        "metrics": metrics or {},
        "created": created or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": {"scikit-learn": sklearn.__version__, "skops": skops.__version__},
        **(extra or {}),
    }
    card_path.write_text(json.dumps(card, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return card


def read_card(card_path: str | Path) -> dict[str, Any]:
    """Read a model card and check its schema (raises :class:`ModelFileError`)."""
    card_path = Path(card_path)
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"model card {card_path.name} is missing: the model cannot be verified") from None
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"model card {card_path.name} is unreadable: {exc}") from None
    if not isinstance(card, dict) or card.get("schema") != CARD_SCHEMA:
        raise ModelFileError(f"model card {card_path.name} is not a {CARD_SCHEMA} card")
    return card


def _expected_features(exercise: str, kind: str) -> list[str] | None:
    try:
        from . import judge
    except ImportError:
        return None
    names = judge.sample_feature_names if kind == "sample" else judge.segment_feature_names
    return list(names(exercise))


def current_feature_schema() -> str | None:
    """``repcheck.judge.FEATURE_SCHEMA`` (None while the judge stage does not exist)."""
    try:
        from . import judge
    except ImportError:
        return None
    return getattr(judge, "FEATURE_SCHEMA", None)


def load_fault_model(
    path: str | Path,
    *,
    exercise: str | None = None,
    fault: str | None = None,
    feature_schema: str | None = None,
    allowed_types: frozenset[str] | set[str] = ALLOWED_TYPES,
):
    """Load and verify one fault model.

    Parameters
    ----------
    path : path
        The ``.skops`` file; its card is the ``.json`` beside it.
    exercise, fault : str, optional
        When given, the card must be for this (exercise, fault).
    feature_schema : str, optional
        Required feature schema (default ``repcheck.judge.FEATURE_SCHEMA``).
    allowed_types : set of str
        Allow-list for ``skops.io.get_untrusted_types``.

    Returns
    -------
    repcheck.judge.FaultModel
        ``exercise``, ``fault``, ``kind``, ``estimator``, ``threshold``, ``card``.

    Raises
    ------
    ModelFileError
        Missing/unreadable file or card, card for another model, sha256 mismatch (changed byte), another
        feature schema or feature list, a type outside the allow-list, or no classifier inside.
    """
    import skops.io as sio

    path = Path(path)
    card = read_card(path.with_suffix(".json"))
    name = path.name
    if exercise is not None and (card.get("exercise") != exercise or card.get("fault") != fault):
        raise ModelFileError(f"model card of {name} is for {card.get('exercise')}/{card.get('fault')}, "
                             f"not {exercise}/{fault}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"model file {name} is missing (its card is there)") from None
    except OSError as exc:
        raise ModelFileError(f"model file {name} is unreadable: {exc.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != card.get("model_sha256"):
        raise ModelFileError(f"model file {name} does not match the sha256 in its card: it was changed or "
                             "damaged; reinstall repcheck or retrain (repcheck train)")
    schema = feature_schema if feature_schema is not None else current_feature_schema()
    if schema is not None and card.get("feature_schema") != schema:
        raise ModelFileError(f"model {name} was trained on feature schema {card.get('feature_schema')!r}, this "
                             f"version computes {schema!r}; retrain it (repcheck train)")
    kind = card.get("kind")
    if kind not in ("segment", "sample"):
        raise ModelFileError(f"model card of {name} has no valid kind (segment|sample)")
    expected = _expected_features(str(card.get("exercise")), kind) if feature_schema is None else None
    if expected is not None and card.get("features") != expected:
        raise ModelFileError(f"model {name}: its feature list does not match {schema}; retrain it (repcheck train)")
    try:
        untrusted = untrusted_types(data)
    except ModelFileError as exc:
        raise ModelFileError(f"model file {name}: {exc}") from None
    bad = sorted(set(untrusted) - set(allowed_types))
    if bad:
        raise ModelFileError(f"model file {name} contains types repcheck does not trust: {', '.join(bad[:4])}")
    try:
        est = sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:  # noqa: BLE001
        raise ModelFileError(f"model file {name} cannot be loaded: {type(exc).__name__}: {exc}") from None
    if not hasattr(est, "predict_proba"):
        raise ModelFileError(f"model file {name} holds no classifier with predict_proba")
    try:
        threshold = float(card.get("threshold", 0.5))
    except (TypeError, ValueError):
        raise ModelFileError(f"model card of {name} has an invalid threshold") from None
    from .judge import FaultModel

    return FaultModel(str(card["exercise"]), str(card["fault"]), kind, est, threshold, card)


def load_models(exercise: str, models_dir: str | Path | None = None) -> dict[str, Any]:
    """Every verified model of one exercise in ``models_dir``: fault id -> ``repcheck.judge.FaultModel``.

    Faults without a model file are left out (the judge falls back to its rule); a present but bad file
    raises :class:`ModelFileError`.
    """
    from .exercises import get_exercise

    spec = get_exercise(exercise)
    d = Path(models_dir) if models_dir is not None else default_models_dir()
    out = {}
    for fault in spec.fault_ids:
        skops_path, card_path = model_paths(d, spec.id, fault)
        if skops_path.exists() or card_path.exists():
            out[fault] = load_fault_model(skops_path, exercise=spec.id, fault=fault)
    return out
