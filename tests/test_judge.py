"""Judging: verdicts on synthetic sets with known faults (shipped models), "unsure" when the footage cannot
show a fault, evidence, and the model-file safety checks (skops + model card)."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest
from conftest import synth_track

from repcheck.errors import ModelFileError
from repcheck.exercises import get_exercise
from repcheck.features import compute_signals
from repcheck.judge import (
    FEATURE_SCHEMA,
    MODELS_DIR,
    judge_segments,
    load_model,
    make_classifier,
    sample_feature_names,
    sample_features,
    save_model,
    segment_feature_names,
    segment_features,
)
from repcheck.landmarks import LM
from repcheck.segment import find_segments

VERDICT_CASES = [
    # exercise, fault judged, fault to generate (None = correct form), expected verdict
    ("plank", "hips_sag", "hips_sag", "fault"),
    ("plank", "hips_sag", None, "ok"),
    ("plank", "hips_pike", "hips_pike", "fault"),
    ("plank", "hips_pike", None, "ok"),
    ("upper_back_roll", "lower_back_arch", "lower_back_arch", "fault"),
    ("upper_back_roll", "lower_back_arch", None, "ok"),
    ("lumbar_locked_rotation", "hips_move", "hips_move", "fault"),
    # (until 2026-11-25 an expected failure: read against the knee and foot points, the fast path's noise put
    # 3.5-8.8 cm of lift into correct reps; the hip's own height does not carry that noise)
    ("lumbar_locked_rotation", "hips_move", None, "ok"),
    ("glute_bridge", "lower_back_arch", "lower_back_arch", "fault"),
    ("glute_bridge", "lower_back_arch", None, "ok"),
    ("glute_bridge", "incomplete_extension", "incomplete_extension", "fault"),
    ("glute_bridge", "incomplete_extension", None, "ok"),
]


def _judge(track, exercise, models=None):
    sig = compute_signals(track, exercise)
    segs, _ = find_segments(sig, exercise)
    results, timeline = judge_segments(sig, segs, exercise, models=models)
    return sig, segs, results, timeline


def _verdicts(results, fault_id):
    return [r.fault(fault_id).verdict for r in results]


# --------------------------------------------------------------------------------------- verdicts
@pytest.mark.parametrize("exercise,judged,fault,expected", VERDICT_CASES)
def test_verdicts_on_synthetic_sets(exercise, judged, fault, expected):
    """Severity 1 → fault, correct form → ok, on most segments (fast path, MediaPipe-like noise)."""
    kw = {"seconds": 12} if exercise == "plank" else {"reps": 5}
    hits = []
    for seed in (31, 32):
        track, _ = synth_track(exercise, fault, 1.0 if fault else 0.0, seed=seed, **kw)
        _, segs, results, _ = _judge(track, exercise)
        assert results, "no segment found"
        hits += [v == expected for v in _verdicts(results, judged)]
    assert np.mean(hits) >= 0.75, hits


def test_hold_timeline_says_when_the_sag_started():
    track, motion = synth_track("plank", "hips_sag", 0.8, seed=33, seconds=16)
    if motion.info.get("fault_onset_s") is None:  # motion without onset: build one with an onset
        from repcheck.synth.landmark_tracks import MediaPipeNoise, camera_for, project_track
        from repcheck.synth.motions import make_motion

        rng = np.random.default_rng(33)
        motion = make_motion("plank", faults={"hips_sag": 0.8}, seconds=16, rng=rng, fault_onset_s=8.0)
        track = project_track(motion, camera_for(motion, rng), 10.0, rng=rng, noise=MediaPipeNoise())
    sig, segs, results, timeline = _judge(track, "plank")
    f = results[0].fault("hips_sag")
    assert f.verdict == "fault" and f.intervals
    onset = motion.segments[0]["faults"]["hips_sag"]["onset_s"]
    assert f.intervals[0][0] == pytest.approx(onset, abs=2.5)
    assert timeline["t"].shape == timeline["hips_sag"].shape == sig.t.shape
    p = timeline["hips_sag"]
    assert np.nanmean(p[sig.t < onset - 2]) < 0.5 < np.nanmean(p[sig.t > onset + 4])


def test_evidence_and_cue():
    track, _ = synth_track("plank", "hips_sag", 1.0, seed=34, seconds=10)
    _, _, results, _ = _judge(track, "plank")
    f = results[0].fault("hips_sag")
    spec = get_exercise("plank").fault("hips_sag")
    assert f.cue == spec.cue
    ev = f.evidence
    assert ev["measure"] == "hip_offset_cm" and ev["boundary"] == -3.0 and ev["value"] < -3.0
    assert results[0].start_s <= ev["worst_s"] <= results[0].end_s


# ----------------------------------------------------------------------------------------- unsure
def test_head_on_camera_is_unsure_with_the_reason():
    track, _ = synth_track("plank", "hips_sag", 1.0, seed=35, seconds=10, view="head_end")
    sig, segs, results, _ = _judge(track, "plank")
    if not segs:
        pytest.skip("no hold found head-on")
    if np.nanmedian(sig.quality["view_deg"]) <= 60:
        pytest.skip("this head-end placement is not head-on enough")
    f = results[0].fault("hips_sag")
    assert f.verdict == "unsure" and f.probability is None
    assert "head-on" in f.evidence["reason"] and "side" in f.evidence["reason"]


def test_hidden_hips_are_unsure():
    track, _ = synth_track("glute_bridge", "lower_back_arch", 1.0, seed=36, reps=4)
    img = track.image.copy()
    img[:, [LM["left_hip"], LM["right_hip"]], 3] = 0.1  # MediaPipe: "probably not visible"
    _, segs, results, _ = _judge(dataclasses.replace(track, image=img), "glute_bridge")
    assert results
    for r in results:
        f = r.fault("lower_back_arch")
        assert f.verdict == "unsure" and "hips not visible" in f.evidence["reason"]


def test_rules_fallback():
    track, _ = synth_track("plank", "hips_pike", 1.0, seed=37, seconds=10)
    _, _, results, _ = _judge(track, "plank", models="rules")
    assert results[0].fault("hips_pike").verdict == "fault"
    assert results[0].fault("hips_pike").evidence["model"] == "rule"


def test_no_segments():
    track, _ = synth_track("plank", seed=38, seconds=6)
    sig = compute_signals(track, "plank")
    results, timeline = judge_segments(sig, [], "plank")
    assert results == [] and np.isnan(timeline["hips_sag"]).all()


# --------------------------------------------------------------------------------------- features
@pytest.mark.parametrize("exercise", ["plank", "upper_back_roll", "lumbar_locked_rotation", "glute_bridge"])
def test_feature_vectors_match_their_names(exercise):
    kw = {"seconds": 6} if exercise == "plank" else {"reps": 3}
    track, _ = synth_track(exercise, seed=39, **kw)
    sig = compute_signals(track, exercise)
    segs, _ = find_segments(sig, exercise)
    X = sample_features(sig, exercise)
    assert X.shape == (sig.n, len(sample_feature_names(exercise)))
    if segs:
        assert segment_features(sig, segs[0], exercise).shape == (len(segment_feature_names(exercise)),)


# ------------------------------------------------------------------------------------ model files
@pytest.fixture()
def model_dir(tmp_path):
    """A tiny trained model for glute_bridge/lower_back_arch saved into a temporary folder."""
    names = segment_feature_names("glute_bridge")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, len(names)))
    y = X[:, 0] > 0
    save_model(make_classifier("segment").fit(X, y), "glute_bridge", "lower_back_arch", kind="segment",
               models_dir=tmp_path)
    return tmp_path


class TestModelFiles:
    def test_roundtrip(self, model_dir):
        m = load_model("glute_bridge", "lower_back_arch", model_dir)
        card = json.loads((model_dir / "glute_bridge.lower_back_arch.json").read_text())
        assert m.card["feature_schema"] == FEATURE_SCHEMA == card["feature_schema"]
        assert m.predict(np.zeros((2, len(segment_feature_names("glute_bridge"))))).shape == (2,)

    def test_tampered_file_refused(self, model_dir):
        p = model_dir / "glute_bridge.lower_back_arch.skops"
        p.write_bytes(p.read_bytes() + b"\0")
        with pytest.raises(ModelFileError, match="does not match the sha256 in its card"):
            load_model("glute_bridge", "lower_back_arch", model_dir)

    def test_other_feature_schema_refused(self, model_dir):
        c = model_dir / "glute_bridge.lower_back_arch.json"
        card = json.loads(c.read_text())
        card["feature_schema"] = "repcheck.features/0"
        c.write_text(json.dumps(card))
        with pytest.raises(ModelFileError, match="feature schema"):
            load_model("glute_bridge", "lower_back_arch", model_dir)

    def test_missing_card_refused(self, model_dir):
        (model_dir / "glute_bridge.lower_back_arch.json").unlink()
        with pytest.raises(ModelFileError, match="no model card"):
            load_model("glute_bridge", "lower_back_arch", model_dir)

    def test_not_a_skops_file_refused(self, model_dir):
        p = model_dir / "glute_bridge.lower_back_arch.skops"
        p.write_bytes(b"not a zip")
        c = model_dir / "glute_bridge.lower_back_arch.json"
        import hashlib

        card = json.loads(c.read_text())
        card["model_sha256"] = hashlib.sha256(b"not a zip").hexdigest()
        c.write_text(json.dumps(card))
        with pytest.raises(ModelFileError, match="skops"):
            load_model("glute_bridge", "lower_back_arch", model_dir)

    def test_missing_both_falls_back_to_rule_or_raises(self, tmp_path):
        assert load_model("plank", "hips_sag", tmp_path).name == "rule"
        with pytest.raises(ModelFileError, match="no model"):
            load_model("plank", "hips_sag", tmp_path, fallback=False)

    def test_shipped_models_load(self):
        shipped = sorted(MODELS_DIR.glob("*.skops"))
        if not shipped:
            pytest.skip("no shipped models")
        for p in shipped:
            ex, fault = p.stem.split(".")
            m = load_model(ex, fault)
            assert m.card["exercise"] == ex and m.kind in ("segment", "sample")

    def test_copy_of_shipped_model_under_another_name_refused(self, tmp_path):
        src = MODELS_DIR / "plank.hips_sag.skops"
        if not src.exists():
            pytest.skip("no shipped plank model")
        shutil.copy(src, tmp_path / "plank.hips_pike.skops")
        shutil.copy(MODELS_DIR / "plank.hips_sag.json", tmp_path / "plank.hips_pike.json")
        with pytest.raises(ModelFileError, match="is for plank/hips_sag"):
            load_model("plank", "hips_pike", tmp_path)


# ------------------------------------------------------------------- locked rotation: hips lifting
#: Rendered correct-form locked-rotation sets (real MediaPipe output, training_data/synthetic): other side and
#: 30° oblique; every rep reads 0.7-2.8 cm of hip_rise_cm and is judged ok.
_LLR_CORRECT = [("lumbar_locked_rotation-0200039", "feet"), ("lumbar_locked_rotation-0200039", "knees"),
                ("lumbar_locked_rotation-0200044", "feet"), ("lumbar_locked_rotation-0200044", "knees")]


def _llr_example(clip):
    from repcheck.training.dataset import default_training_dir, load_examples

    root = default_training_dir() / "synthetic"
    if not (root / f"{clip}.json").exists():
        pytest.skip(f"{clip} not in training_data/")
    (ex,) = [e for e in load_examples(root, exercise="lumbar_locked_rotation") if e.id == clip]
    return ex


@pytest.mark.parametrize("clip,moved", _LLR_CORRECT)
def test_locked_rotation_mislocated_floor_point_is_not_a_hip_lift(clip, moved):
    """Kneeling hides the feet behind the body from the side and overlaps the knees at 45°, and MediaPipe
    then guesses them: a knee or foot point dropping 12 cm during every rep must not read as the hips
    lifting off the heels (the lift is the hip's own height: the knees and feet stay on the floor)."""
    from repcheck.pipeline import analyze_track
    from repcheck.pose import at_sample_rate

    ex = _llr_example(clip)
    track = at_sample_rate(ex.track, get_exercise("lumbar_locked_rotation").analysis_fps)
    clean = analyze_track(track, "lumbar_locked_rotation")
    assert [s.fault("hips_move").verdict for s in clean.segments] == ["ok"] * len(ex.segments)
    names = ("ankle", "heel", "foot_index") if moved == "feet" else ("knee",)
    ids = [LM[f"{s}_{n}"] for s in ("left", "right") for n in names]
    img = track.image.copy()
    sig = compute_signals(track, "lumbar_locked_rotation")
    drop = 12.0 * sig.body_scale / track.frame_size[1]  # 12 cm of the standard body, in frame heights
    for s in ex.segments:
        edge = 0.2 * (s.end_s - s.start_s)
        m = (track.t >= s.start_s + edge) & (track.t <= s.end_s - edge)
        img[np.ix_(m, ids, [1])] += drop  # image y grows downward
    moved_r = analyze_track(dataclasses.replace(track, image=img), "lumbar_locked_rotation")
    verdicts = [s.fault("hips_move").verdict for s in moved_r.segments]
    assert verdicts and "fault" not in verdicts, verdicts


def _judge_rotation(clip: str):
    from repcheck.pipeline import analyze_track
    from repcheck.pose import at_sample_rate

    ex = _llr_example(clip)
    spec = get_exercise("lumbar_locked_rotation")
    r = analyze_track(at_sample_rate(ex.track, spec.analysis_fps), spec)
    assert len(r.segments) == len(ex.segments)
    return ex, [seg.fault("hips_move") for seg in r.segments]


#: Rendered sets (real MediaPipe output) whose hip point dips below its sitting level now and then: the 10th
#: percentile of the hip height lay 1.4-2.3 cm under the 20th. Measured from the 10th percentile, correct reps
#: read 2.7-5.2 cm of lift (0200040: 5.2 cm for a true 0.8 cm); from the 20th (``HIP_SIT_PCT``) 1.5-3.8 cm.
_LLR_HIP_DIPS = ["lumbar_locked_rotation-0300045", "lumbar_locked_rotation-0000039",
                 "lumbar_locked_rotation-0200040"]


@pytest.mark.parametrize("clip", _LLR_HIP_DIPS)
def test_locked_rotation_hip_dips_do_not_read_as_lifts(clip):
    """The sat-back level is the middle of the samples where the person sits on the heels, not the bottom of
    MediaPipe's hip wander: correct reps (true movement under 2 cm) read under 4 cm of lift and are judged
    ok, and real lifts (7 cm and more: 0300045 reads 9.2 and 6.9 cm for 10.4 and 8.0 cm) read 5 cm or more
    and are faults."""
    ex, faults = _judge_rotation(clip)
    for truth, f in zip(ex.segments, faults, strict=True):
        true_move = truth.faults["hips_move"]["value"]
        if true_move < 2.0:
            assert f.evidence["value"] < 4.0 and f.verdict == "ok", (true_move, f.evidence, f.probability)
        elif true_move >= 7.0:
            assert f.evidence["value"] >= 5.0 and f.verdict == "fault", (true_move, f.evidence, f.probability)


def test_locked_rotation_hips_move_from_45_degrees_in_front_is_judged_on_the_lower_hip():
    """From in front (the camera toward the head) MediaPipe turns its hip points with the turning trunk: a
    rendered correct set from 42° in front (0300043, true movements 0.7-3.2 cm) read 5.6-9.2 cm of lift against
    the knees and feet and 1.5-4.6 cm from the weighted hip's own height, so until 2026-11-25 the judge answered
    ``unsure`` there. Read from the lower of the two hip points (``features._lift_hip_y``) every rep is judged,
    and none of these still reps is called moving."""
    _, faults = _judge_rotation("lumbar_locked_rotation-0300043")
    for f in faults:
        assert f.verdict == "ok" and f.evidence["value"] < 6.0, (f.probability, f.evidence)


@pytest.mark.parametrize("clip", ["lumbar_locked_rotation-0000049", "lumbar_locked_rotation-0000041"])
def test_locked_rotation_hips_move_from_45_degrees_behind_is_judged(clip):
    """From 45° behind (toward the feet) MediaPipe's hips stay put in correct reps and show lifts: every rep is
    judged (not ``unsure``), its measured lift is within 3 cm of the truth (1.9-3.4 cm for true 0.4-0.7 cm in
    0000049; 7.2 and 10.2 cm for true 7.5 and 10.4 cm in 0000041), and the verdict is right wherever the
    reading is at least 2 cm from the 5 cm boundary (nearer, the threshold chosen for 95 % recall of clear
    lifts may call a correct rep: 3.4 cm read p = 0.28 against a 0.25 threshold)."""
    ex, faults = _judge_rotation(clip)
    for truth, f in zip(ex.segments, faults, strict=True):
        true_lift = truth.faults["hips_move"]["value"]
        assert f.verdict in ("ok", "fault"), f.evidence
        assert abs(f.evidence["value"] - true_lift) <= 3.0, (true_lift, f.evidence["value"])
        if abs(f.evidence["value"] - f.evidence["boundary"]) >= 2.0:
            assert f.verdict == ("fault" if truth.faults["hips_move"]["label"] else "ok"), (truth.faults, f.evidence)
