"""Training: the training_data format, labels and boundaries, grouped CV, thresholds, reproducible
training, and the behaviour of the shipped models (severity monotone, real correct planks ok, held-out
rendered clips judged right)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from repcheck.exercises import get_exercise
from repcheck.landmarks import PoseTrack
from repcheck.training.dataset import (
    Example,
    LabelledSegment,
    TrainingDataError,
    default_training_dir,
    examples_from_labels,
    load_examples,
    read_example,
    write_example,
)
from repcheck.training.train import (
    TrainConfig,
    _group_components,
    choose_candidate,
    choose_threshold,
    fast_path_agreement,
    is_mediapipe,
    segment_data,
    train_models,
)

# ----------------------------------------------------------------------------------------- format


def _track(T=30, seed=0):
    rng = np.random.default_rng(seed)
    img = rng.uniform(0.1, 0.9, (T, 33, 4))
    img[5] = np.nan  # no person in one frame
    world = rng.normal(0, 0.4, (T, 33, 4))
    return PoseTrack(image=img, t=np.arange(T) / 10.0, frame_size=(480, 270), fps=10.0, world=world)


def _example(eid="plank-1", exercise="plank", **kw):
    seg = LabelledSegment("hold", 0.5, 2.5, None, {"hips_sag": {"severity": 0.8, "value": -12.0, "unit": "cm",
                                                                "label": True}})
    args = dict(id=eid, exercise=exercise, source="synthetic", track=_track(), segments=[seg],
                sample_values={"hips_sag": np.linspace(0, -12, 30)}, groups={"body": "b1", "room": "r1",
                                                                               "camera": "c1"},
                provenance={"job": {"seed": 1}}, pose={"extractor": "test"})
    args.update(kw)
    return Example(**args)


def test_example_round_trip_keeps_landmarks_labels_and_provenance(tmp_path):
    ex = _example()
    write_example(tmp_path, ex)
    with np.load(tmp_path / "plank-1.npz", allow_pickle=False) as z:
        assert z["image"].dtype == np.float16 and z["image"].shape == (30, 33, 4)
    back = read_example(tmp_path / "plank-1.json")
    assert back.id == "plank-1" and back.exercise == "plank" and back.groups["body"] == "b1"
    assert np.isnan(back.track.image[5]).all()
    ok = np.isfinite(ex.track.image[..., :2])
    assert np.abs(back.track.image[..., :2][ok] - ex.track.image[..., :2][ok]).max() < 1.0 / 1000
    assert back.segments[0].faults["hips_sag"]["label"] is True
    np.testing.assert_allclose(back.sample_values["hips_sag"], np.linspace(0, -12, 30), atol=0.02)
    assert back.provenance == {"job": {"seed": 1}}


def test_a_file_of_another_format_is_refused_with_its_name(tmp_path):
    (tmp_path / "x.json").write_text('{"schema": "something/1"}')
    with pytest.raises(TrainingDataError, match="x.json is not a repcheck example"):
        read_example(tmp_path / "x.json")
    with pytest.raises(TrainingDataError, match="no training data"):
        load_examples(tmp_path / "missing")


def test_trainer_labels_become_examples_by_majority_and_ties_are_left_out():
    rows = [
        {"video_sha256": "abc123", "video_path": "/v/a.mp4", "exercise": "plank", "start_s": 1.0, "end_s": 9.0,
         "fault": "hips_sag", "label": lab, "labeller": who, "labelled_at": "2026-01-01"}
        for lab, who in (("fault", "ana"), ("fault", "ben"), ("ok", "cy"))
    ] + [
        {"video_sha256": "abc123", "video_path": "/v/a.mp4", "exercise": "plank", "start_s": 1.0, "end_s": 9.0,
         "fault": "hips_pike", "label": lab, "labeller": who, "labelled_at": "2026-01-01"}
        for lab, who in (("fault", "ana"), ("ok", "ben"))
    ]
    exs = examples_from_labels(rows, track_for=lambda path, exercise: _track())
    assert len(exs) == 1
    ex = exs[0]
    assert ex.source == "trainer" and ex.provenance["video_sha256"] == "abc123"
    assert ex.segments[0].kind == "hold"
    assert ex.segments[0].faults == {"hips_sag": {"severity": None, "value": None, "unit": None, "label": True,
                                                  "labellers": ["ana", "ben", "cy"]}}


# ----------------------------------------------------------------------------------------- labels, CV


def _seg_table(values, sources, measured=None, groups=None):
    n = len(values)
    return {"X": np.arange(n, dtype=float)[:, None], "names": ["x"], "groups": np.asarray(groups or
            [f"g{i % 4}" for i in range(n)], dtype=object), "source": np.asarray(sources, dtype=object),
            "value:lower_back_arch": np.asarray(values, float),
            "label:lower_back_arch": np.asarray([np.nan if v is None else float(v) for v in
                                                 ([None] * n)], float),
            "severity:lower_back_arch": np.zeros(n),
            "measured:lower_back_arch": np.asarray(measured if measured is not None else values, float)}


def test_synthetic_labels_follow_the_physical_boundary_and_move_with_it():
    spec = get_exercise("upper_back_roll")  # lower_back_arch: hip lift > 4 cm
    seg = _seg_table([1.0, 3.5, 4.5, 9.0], ["synthetic"] * 4)
    assert segment_data(spec, "lower_back_arch", seg, TrainConfig()).y.tolist() == [0, 0, 1, 1]
    moved = dataclasses.replace(spec, faults=(dataclasses.replace(spec.faults[0], boundary=6.0),))
    assert segment_data(moved, "lower_back_arch", seg, TrainConfig()).y.tolist() == [0, 0, 0, 1]


def test_trainer_labels_near_the_boundary_replace_synthetic_ones_there():
    spec = get_exercise("upper_back_roll")
    values = [0.5, 3.0, 5.0, 9.0, np.nan]
    seg = _seg_table(values, ["synthetic"] * 4 + ["trainer"], measured=[0.5, 3.0, 5.0, 9.0, 4.6])
    seg["label:lower_back_arch"][4] = 0.0  # a trainer says a 4.6 cm lift is still fine
    d = segment_data(spec, "lower_back_arch", seg, TrainConfig(real_weight=3))
    # 3.0 and 5.0 are within 3 cm of the 4 cm boundary: dropped; the trainer row counts 3 times
    assert sorted(d.value[np.isfinite(d.value)].tolist()) == [0.5, 9.0]
    assert (d.source == "trainer").sum() == 3 and d.y[d.source == "trainer"].tolist() == [0, 0, 0]
    far = _seg_table(values, ["synthetic"] * 4 + ["trainer"], measured=[0.5, 3.0, 5.0, 9.0, 30.0])
    far["label:lower_back_arch"][4] = 1.0  # a label far from the boundary does not remove synthetic ones
    assert len(segment_data(spec, "lower_back_arch", far, TrainConfig(real_weight=1)).y) == 5


def test_projected_tracks_that_measure_differently_from_mediapipe_are_left_out():
    spec = get_exercise("upper_back_roll")
    fault = spec.fault("lower_back_arch")
    truth = [0.5, 2.0, 6.0, 9.0] * 2
    fast = np.array([False] * 4 + [True] * 4)
    # MediaPipe rows read the truth +0.5 cm; projected rows +4.5 cm: a correct 2 cm rep reads 6.5 cm
    seg = _seg_table(truth, ["synthetic"] * 8, measured=[v + 0.5 for v in truth[:4]] + [v + 4.5 for v in truth[4:]])
    seg["example"] = np.asarray([f"e{i}" for i in range(8)], dtype=object)
    far = fast_path_agreement(fault, seg, fast)
    assert far == {"bias_mediapipe": 0.5, "bias_fast": 4.5, "used": False}
    d = segment_data(spec, "lower_back_arch", seg, TrainConfig(), exclude=fast)
    assert len(d.y) == 4 and d.y.tolist() == [0, 0, 1, 1]
    close = _seg_table(truth, ["synthetic"] * 8, measured=[v + 0.5 for v in truth[:4]] + [v + 1.5 for v in truth[4:]])
    assert fast_path_agreement(fault, close, fast)["used"]  # 1 cm apart: within the 1.5 cm tolerance


def test_a_near_boundary_plan_puts_every_fault_near_its_boundary_and_leaves_the_default_plan_alone():
    """``--severity 0.15 0.7``: the same clips (seeds, views, bodies), their faults drawn near the boundaries;
    the default range gives the shipped plans unchanged."""
    from repcheck.training.build import NEAR_BOUNDARY_SEVERITY, SEVERITY_RANGE, plan_jobs

    default = plan_jobs(seed=4)
    assert plan_jobs(seed=4, severity=SEVERITY_RANGE) == default
    near = plan_jobs(seed=4, severity=NEAR_BOUNDARY_SEVERITY)
    assert [(j.id, j.view, j.body, j.fault) for j in near] == [(j.id, j.view, j.body, j.fault) for j in default]
    sev = np.concatenate([np.atleast_1d(np.asarray(j.severity, float)) for j in near if j.fault])
    faulty = sev[sev > 0]
    assert faulty.size > 50
    assert faulty.min() >= 0.15 and faulty.max() <= 0.7
    # a bridge arch of 25° x severity: the plan's arches lie within 7.5° of the 10° boundary
    arch = [s for j in near if j.fault == "lower_back_arch" and j.exercise == "glute_bridge" for s in j.severity if s]
    assert arch and all(abs(25 * s - 10) <= 7.5 for s in arch)


def test_examples_sharing_a_body_room_or_camera_are_one_cv_group():
    exs = [
        _example("a", groups={"body": "b1", "room": "r1", "camera": "c1"}),
        _example("b", groups={"body": "b1", "room": "r2", "camera": "c2"}),
        _example("c", groups={"body": "b2", "room": "r2", "camera": "c3"}),
        _example("d", groups={"body": "b3", "room": "r4", "camera": "c4"}),
    ]
    g = _group_components(exs)
    assert g["a"] == g["b"] == g["c"] != g["d"]


def test_threshold_meets_the_stated_recall_and_sits_between_the_classes():
    y = np.array([0] * 50 + [1] * 50)
    p = np.concatenate([np.linspace(0.0, 0.3, 50), np.linspace(0.6, 1.0, 50)])
    th = choose_threshold(y, p, 0.95)
    assert 0.3 < th < 0.6
    rng = np.random.default_rng(0)
    p2 = np.clip(y * 0.3 + rng.uniform(0, 0.7, 100), 0, 1)  # overlapping classes
    th2 = choose_threshold(y, p2, 0.95)
    assert (p2[y == 1] >= th2).mean() >= 0.95


# ----------------------------------------------------------------------------------------- training


def _shipped(exercise: str) -> list[Example]:
    root = default_training_dir()
    if not root.exists():
        pytest.skip("training_data/ not present")
    exs = load_examples(root, exercise=exercise)
    if len(exs) < 8:
        pytest.skip(f"too few {exercise} examples in training_data/")
    return exs


def test_a_richer_model_is_chosen_only_when_it_beats_the_simpler_by_more_than_the_group_noise():
    rng = np.random.default_rng(0)
    groups = np.repeat([f"body{i}" for i in range(10)], 20)
    y = rng.integers(0, 2, groups.size)
    # how well a body is read varies from body to body: that is the noise of a grouped-CV estimate
    margin = np.repeat(rng.uniform(0.05, 0.45, 10), 20)
    simple = np.where(y == 1, 0.5 + margin, 0.5 - margin)
    slightly_better = np.where(y == 1, 0.52 + margin, 0.48 - margin)
    order = ("measure", "logistic")
    chosen, rule = choose_candidate(order, {"measure": simple, "logistic": slightly_better}, y, groups)
    assert rule["best"] == "logistic" and chosen == "measure"  # within one standard error: the simpler one
    much_better = np.where(y == 1, 0.97, 0.03)
    chosen, _ = choose_candidate(order, {"measure": simple, "logistic": much_better}, y, groups)
    assert chosen == "logistic"


@pytest.mark.slow
def test_same_data_and_seed_give_the_same_model_and_metrics(tmp_path):
    exs = [e for e in _shipped("upper_back_roll") if is_mediapipe(e)][:24]
    cfg = TrainConfig(seed=3)  # the default candidates: measure, the L1 'sparse' (liblinear, seeded), logistic
    a = train_models(exs, config=cfg, exercises=("upper_back_roll",), out_dir=tmp_path / "a", log=None)
    b = train_models(exs, config=cfg, exercises=("upper_back_roll",), out_dir=tmp_path / "b", log=None)
    ma, mb = a["models"]["upper_back_roll.lower_back_arch"], b["models"]["upper_back_roll.lower_back_arch"]
    assert ma["cv"] == mb["cv"] and ma["threshold"] == mb["threshold"]
    assert ma["model_sha256"] == mb["model_sha256"]
    assert ma["cv"]["recall_clear"] >= 0.95 - 1e-9  # threshold chosen for this recall on clear faults


# ----------------------------------------------------------------------------------------- shipped models


def _models_or_skip():
    from repcheck.modelfile import default_models_dir

    d = default_models_dir()
    if not any(d.glob("*.skops")):
        pytest.skip("no trained models in repcheck/models")
    return d


FAULTS = [("plank", "hips_sag"), ("plank", "hips_pike"), ("upper_back_roll", "lower_back_arch"),
          ("lumbar_locked_rotation", "hips_move"), ("glute_bridge", "lower_back_arch")]


@pytest.mark.parametrize("exercise,fault", FAULTS)
def test_fault_probability_rises_with_generated_severity(exercise, fault):
    from conftest import synth_track

    from repcheck.modelfile import load_models
    from repcheck.pipeline import analyze_track

    models = load_models(exercise, _models_or_skip())
    means = []
    for sev in (0.0, 0.5, 1.0):
        ps = []
        for seed in (11, 12):
            kw = {"seconds": 8.0} if exercise == "plank" else {"reps": 3}
            track, _ = synth_track(exercise, fault if sev > 0 else None, sev, seed=seed, **kw)
            rep = analyze_track(track, exercise, models=models)
            ps += [s.fault(fault).probability for s in rep.segments if s.fault(fault).probability is not None]
        means.append(float(np.mean(ps)) if ps else np.nan)
    assert np.all(np.isfinite(means)), means
    assert means[0] <= means[1] + 0.05 <= means[2] + 0.10, means
    assert means[2] - means[0] > 0.1, means


@pytest.mark.slow
@pytest.mark.parametrize("name", ["plank_correct_001.mp4", "plank_correct_007.mp4"])
def test_real_correct_planks_are_judged_ok(name):
    from conftest import real_clip

    from repcheck.modelfile import load_models
    from repcheck.pipeline import analyze

    path = real_clip(name)
    rep = analyze(path, exercise="plank", models=load_models("plank", _models_or_skip()))
    holds = [s for s in rep.segments if s.kind == "hold"]
    assert holds, "no hold found"
    for s in holds:
        for fid in ("hips_sag", "hips_pike"):
            assert s.fault(fid).verdict == "ok", (fid, s.fault(fid))


@pytest.mark.slow
def test_held_out_rendered_clips_are_judged_right(tmp_path):
    """A small held-out set (bodies, rooms, cameras not in training_data): every verdict right.

    The full-size figure comes from ``repcheck evaluate benchmarks/heldout`` (see training_data/README.md).
    """
    from repcheck.synth.clip import render_clip
    from repcheck.training.build import ClipJob, _body_and_look
    from repcheck.training.evaluate import evaluate_folder

    d = _models_or_skip()
    cases = [("plank", None, 0.0, None, 4.0, "side"), ("plank", "hips_sag", 1.0, None, 4.0, "oblique"),
             ("glute_bridge", "lower_back_arch", [0.0, 1.0], 2, None, "other_side")]
    for k, (ex, fault, sev, reps, seconds, view) in enumerate(cases):
        job = ClipJob(f"t{k}", ex, fault, sev, reps, seconds, 90_000 + k, view, k, 777)
        body, look = _body_and_look(job)
        render_clip(ex, fault=fault, severity=sev, reps=reps, seconds=seconds, seed=job.seed, view=view,
                    size=(480, 270), fps=10, out=tmp_path / f"t{k}.mp4", body=body, look=look)
    res = evaluate_folder(tmp_path, models_dir=d, log=None)
    assert res["failed"] == []
    for key in ("plank.hips_sag", "glute_bridge.lower_back_arch"):
        m = res["faults"][key]
        assert m["f1"] == 1.0 and m["unsure_rate"] == 0.0, (key, m, res["errors"])


def test_repcheck_train_on_a_missing_folder_is_one_clear_line(tmp_path, capsys):
    from repcheck.cli import main

    assert main(["train", "--data", str(tmp_path / "none"), "--models", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no training data" in err[0]


def test_trainer_protocol_for_the_retrain_app():
    from repcheck.training import Trainer

    t = Trainer(data_dir=Path("/nonexistent"), models_dir=Path("/nonexistent-models"))
    assert callable(t.train) and t.versions() == [] and callable(t.rollback)


def test_threshold_stays_at_one_half_when_that_already_meets_the_recall_target():
    # calibrated probabilities: a reader of the timeline takes p >= 0.5 as "fault"; keep that operating point
    y = np.array([0] * 40 + [1] * 40)
    p = np.concatenate([np.linspace(0.02, 0.35, 40), np.linspace(0.55, 0.98, 40)])
    assert choose_threshold(y, p, 0.95) == 0.5
    # when 0.5 would miss clear faults, the threshold moves down to catch them
    p_low = np.concatenate([np.linspace(0.02, 0.2, 40), np.linspace(0.3, 0.98, 40)])
    th = choose_threshold(y, p_low, 0.95)
    assert th < 0.5 and (p_low[y == 1] >= th).mean() >= 0.95


@pytest.mark.slow
def test_training_one_exercise_keeps_the_others_models_and_their_metrics(tmp_path):
    """``repcheck train --exercise X`` replaces X's models only; metrics.json still lists every model."""
    import json
    import shutil

    from repcheck.training import Trainer

    data = tmp_path / "data"
    data.mkdir()
    for ex in ("upper_back_roll", "glute_bridge"):
        for e in _shipped(ex)[:16]:
            src = default_training_dir() / "synthetic" / f"{e.id}.json"
            if not src.exists():
                src = default_training_dir() / "fast" / f"{e.id}.json"
            shutil.copy(src, data / src.name)
            shutil.copy(src.with_suffix(".npz"), data / src.with_name(src.stem + ".npz").name)
    cfg = TrainConfig(seed=0, candidates=("logistic",))
    models = tmp_path / "models"
    Trainer(data_dir=data, models_dir=models, config=cfg, exercises=("upper_back_roll",), log=None).train()
    roll = (models / "upper_back_roll.lower_back_arch.skops").read_bytes()
    second = Trainer(data_dir=data, models_dir=models, config=cfg, exercises=("glute_bridge",), log=None).train()
    assert (models / "upper_back_roll.lower_back_arch.skops").read_bytes() == roll
    listed = json.loads((models / "metrics.json").read_text())["metrics"]["models"]
    assert {"upper_back_roll.lower_back_arch", "glute_bridge.lower_back_arch"} <= set(listed)
    assert listed["upper_back_roll.lower_back_arch"]["carried_over_from"] == second["previous_version"]
    assert "carried_over_from" not in listed["glute_bridge.lower_back_arch"]
