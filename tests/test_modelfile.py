"""Model files: skops (no pickle), model cards, integrity and schema checks, allow-list, versions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from repcheck import modelfile
from repcheck.errors import ModelFileError
from repcheck.modelfile import ALLOWED_TYPES, load_fault_model, model_paths, save_fault_model
from repcheck.training.train import list_versions, make_pipeline, rollback

SCHEMA = "test.features/1"
NAMES = ["a", "b", "c"]


def _fitted(seed: int = 0, family: str = "logistic"):
    import sklearn

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 3))
    X[rng.random(X.shape) < 0.05] = np.nan
    y = (np.nan_to_num(X[:, 0]) + 0.3 * rng.normal(size=80) > 0).astype(int)
    groups = np.arange(80) % 8
    pipe = make_pipeline(family, seed=seed, n_splits=3)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe.fit(X, y, groups=groups)
    return pipe, X


def _save(tmp_path: Path, est, **kw):
    args = dict(exercise="plank", fault="hips_sag", kind="sample", features=NAMES, threshold=0.4,
                feature_schema=SCHEMA, metrics={"cv": {"f1": 0.99}}, training_data={"sha256": "abc"})
    args.update(kw)
    return save_fault_model(est, tmp_path, **args)


@pytest.mark.parametrize("family", ["logistic", "boosting"])
def test_save_load_round_trip_gives_the_same_probabilities(tmp_path, family):
    est, X = _fitted(family=family)
    card = _save(tmp_path, est)
    m = load_fault_model(tmp_path / "plank.hips_sag.skops", feature_schema=SCHEMA)
    assert m.exercise == "plank" and m.fault == "hips_sag" and m.kind == "sample"
    assert m.threshold == pytest.approx(0.4)
    np.testing.assert_allclose(m.estimator.predict_proba(X), est.predict_proba(X))
    on_disk = json.loads((tmp_path / "plank.hips_sag.json").read_text())
    assert on_disk["model_sha256"] == card["model_sha256"]
    assert on_disk["feature_schema"] == SCHEMA and on_disk["features"] == NAMES
    assert on_disk["training_data"]["sha256"] == "abc" and on_disk["metrics"]["cv"]["f1"] == 0.99


def test_same_model_gives_the_same_bytes(tmp_path):
    est, _ = _fitted()
    a = _save(tmp_path / "a", est)
    b = _save(tmp_path / "b", est)
    assert a["model_sha256"] == b["model_sha256"]


def test_a_changed_byte_is_refused(tmp_path):
    est, _ = _fitted()
    _save(tmp_path, est)
    path = tmp_path / "plank.hips_sag.skops"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="does not match the sha256"):
        load_fault_model(path, feature_schema=SCHEMA)


def test_a_model_for_another_feature_schema_is_refused(tmp_path):
    est, _ = _fitted()
    _save(tmp_path, est, feature_schema="repcheck.features/0")
    with pytest.raises(ModelFileError, match=re.escape("feature schema 'repcheck.features/0'")):
        load_fault_model(tmp_path / "plank.hips_sag.skops", feature_schema=SCHEMA)


def test_the_running_judge_schema_is_checked_by_default(tmp_path):
    judge = pytest.importorskip("repcheck.judge")
    est, _ = _fitted()
    _save(tmp_path, est, feature_schema=judge.FEATURE_SCHEMA + "-old")
    with pytest.raises(ModelFileError, match="retrain"):
        load_fault_model(tmp_path / "plank.hips_sag.skops")


def test_missing_card_and_missing_file_are_refused(tmp_path):
    est, _ = _fitted()
    _save(tmp_path, est)
    (tmp_path / "plank.hips_sag.json").unlink()
    with pytest.raises(ModelFileError, match="card .* is missing"):
        load_fault_model(tmp_path / "plank.hips_sag.skops", feature_schema=SCHEMA)
    _save(tmp_path, est)
    (tmp_path / "plank.hips_sag.skops").unlink()
    with pytest.raises(ModelFileError, match="is missing"):
        load_fault_model(tmp_path / "plank.hips_sag.skops", feature_schema=SCHEMA)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    skops_path, card_path = model_paths(tmp_path, "plank", "hips_sag")
    skops_path.write_bytes(b"not a zip at all")
    import hashlib

    card_path.write_text(json.dumps({"schema": modelfile.CARD_SCHEMA, "exercise": "plank", "fault": "hips_sag",
                                     "kind": "sample", "feature_schema": SCHEMA, "features": NAMES,
                                     "model_sha256": hashlib.sha256(b"not a zip at all").hexdigest()}))
    with pytest.raises(ModelFileError, match="not a skops model file"):
        load_fault_model(skops_path, feature_schema=SCHEMA)


def test_types_outside_the_allow_list_are_refused_even_with_a_valid_card(tmp_path):
    import hashlib

    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    evil = FunctionTransformer(func=eval)  # a function type a prefix rule like "builtins." would trust
    skops_path, card_path = model_paths(tmp_path, "plank", "hips_sag")
    sio.dump(evil, skops_path)
    card_path.write_text(json.dumps({"schema": modelfile.CARD_SCHEMA, "exercise": "plank", "fault": "hips_sag",
                                     "kind": "sample", "feature_schema": SCHEMA, "features": NAMES,
                                     "model_sha256": hashlib.sha256(skops_path.read_bytes()).hexdigest()}))
    with pytest.raises(ModelFileError, match="does not trust: builtins.eval"):
        load_fault_model(skops_path, feature_schema=SCHEMA)
    with pytest.raises(ModelFileError, match="allow-list"):
        _save(tmp_path / "other", evil)
    assert not any(t.startswith("builtins.") for t in ALLOWED_TYPES)


def test_no_pickle_or_joblib_anywhere_in_the_package():
    root = Path(__file__).resolve().parents[1] / "repcheck"
    bad = re.compile(r"^\s*(import|from)\s+(pickle|cPickle|joblib|cloudpickle|dill)\b", re.M)
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if bad.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def _install_version(models_dir: Path, name: str, seed: int) -> None:
    """A fake model set as Trainer.train leaves it: files in versions/<name>/ and at the top level."""
    from repcheck.training.train import _CURRENT, _install

    est, _ = _fitted(seed)
    d = models_dir / "versions" / name
    _save(d, est, metrics={"cv": {"f1": 0.5 + seed / 10}})
    (d / _CURRENT).write_text(json.dumps({"version": name, "metrics": {"models": {
        "plank.hips_sag": {"cv": {"f1": 0.5 + seed / 10}}}}}))
    _install(d, models_dir)


def test_versions_are_listed_and_rollback_restores_the_previous_model(tmp_path, monkeypatch):
    monkeypatch.setattr(modelfile, "current_feature_schema", lambda: SCHEMA)
    monkeypatch.setattr(modelfile, "_expected_features", lambda exercise, kind: NAMES)
    _install_version(tmp_path, "20260101T000000Z", 1)
    first = (tmp_path / "plank.hips_sag.skops").read_bytes()
    _install_version(tmp_path, "20260102T000000Z", 2)
    assert (tmp_path / "plank.hips_sag.skops").read_bytes() != first
    vs = list_versions(tmp_path)
    assert [v["version"] for v in vs] == ["20260101T000000Z", "20260102T000000Z"]
    assert [v["current"] for v in vs] == [False, True]
    assert vs[0]["f1"] == {"plank.hips_sag": pytest.approx(0.6)}
    rollback("20260101T000000Z", tmp_path)
    assert (tmp_path / "plank.hips_sag.skops").read_bytes() == first
    assert [v["current"] for v in list_versions(tmp_path)] == [True, False]


def test_rollback_to_an_unknown_version_names_the_known_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(modelfile, "current_feature_schema", lambda: SCHEMA)
    monkeypatch.setattr(modelfile, "_expected_features", lambda exercise, kind: NAMES)
    _install_version(tmp_path, "20260101T000000Z", 1)
    from repcheck.errors import RepcheckError

    with pytest.raises(RepcheckError, match="no model version 'nope'; saved versions: 20260101T000000Z"):
        rollback("nope", tmp_path)


def test_rollback_refuses_a_tampered_version(tmp_path, monkeypatch):
    monkeypatch.setattr(modelfile, "current_feature_schema", lambda: SCHEMA)
    monkeypatch.setattr(modelfile, "_expected_features", lambda exercise, kind: NAMES)
    _install_version(tmp_path, "20260101T000000Z", 1)
    _install_version(tmp_path, "20260102T000000Z", 2)
    p = tmp_path / "versions" / "20260101T000000Z" / "plank.hips_sag.skops"
    p.write_bytes(p.read_bytes()[:-10])
    current = (tmp_path / "plank.hips_sag.skops").read_bytes()
    with pytest.raises(ModelFileError):
        rollback("20260101T000000Z", tmp_path)
    assert (tmp_path / "plank.hips_sag.skops").read_bytes() == current


def test_shipped_models_load_through_the_verified_loader():
    from repcheck.exercises import JUDGED_EXERCISES
    from repcheck.modelfile import default_models_dir, load_models

    d = default_models_dir()
    if not any(d.glob("*.skops")):
        pytest.skip("no shipped models in repcheck/models yet")
    for ex in JUDGED_EXERCISES:
        for fid, m in load_models(ex, d).items():
            assert m.card["model_sha256"] and 0.0 < m.threshold < 1.0, fid


def test_analysis_uses_the_models_repcheck_train_wrote_to_the_models_dir_variable(tmp_path, monkeypatch):
    """``REPCHECK_MODELS_DIR`` is where ``repcheck train`` writes; the judge must read the same folder."""
    import shutil

    from repcheck.judge import load_models
    from repcheck.modelfile import default_models_dir

    shipped = default_models_dir()
    if not (shipped / "plank.hips_sag.skops").exists():
        pytest.skip("no shipped plank model")
    for f in shipped.glob("plank.hips_sag.*"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("REPCHECK_MODELS_DIR", str(tmp_path))
    models = load_models("plank")
    assert models["hips_sag"].card.get("name") != "rule"  # the copied model
    assert models["hips_pike"].card.get("name") == "rule"  # not in the folder: the rule fallback
