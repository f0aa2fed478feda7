"""SetReport → the JSON contract of DESIGN.md, the table and the text summary."""

from __future__ import annotations

import json

import numpy as np

from repcheck.report import REPORT_SCHEMA, FaultResult, SegmentResult, SetReport


def _report(prob: float = 0.91) -> SetReport:
    sag = FaultResult(
        id="hips_sag", probability=prob, verdict="fault", intervals=[(12.0, 18.5)],
        evidence={"measure": "hip_offset_cm", "value": np.float32(-11.26), "unit": "cm above the shoulder–ankle line",
                  "boundary": -3.0, "worst_s": 15.0},
        cue="Tuck your tail.",
    )
    pike = FaultResult(id="hips_pike", probability=None, verdict="unsure",
                       evidence={"reason": "ankles not visible"}, cue="Lower your hips.")
    seg = SegmentResult(index=1, kind="hold", start_s=2.1, end_s=31.8, faults=[sag, pike])
    return SetReport(
        exercise="plank",
        video={"path": "p.mp4", "sha256": "ab", "fps": 30.0, "frames": 900, "duration_s": 30.0,
               "width": 1280, "height": 720},
        segments=[seg],
        timeline={"t": np.array([0.0, 0.1, 0.2]), "hips_sag": np.array([0.1, np.nan, 0.9])},
        warnings=["ankles not visible in 40 % of the hold"],
    )


def test_json_has_the_contract_fields():
    d = json.loads(_report().to_json())
    assert d["schema"] == REPORT_SCHEMA == "repcheck.report/1"
    assert set(d) >= {"schema", "video", "exercise", "segments", "timeline", "warnings"}
    assert set(d["video"]) >= {"path", "sha256", "fps", "frames", "duration_s", "width", "height"}
    seg = d["segments"][0]
    assert {"index", "kind", "start_s", "end_s", "side", "faults"} <= set(seg)
    fault = seg["faults"][0]
    assert {"id", "probability", "verdict", "intervals", "evidence", "cue"} <= set(fault)
    assert fault["intervals"] == [[12.0, 18.5]]
    assert fault["evidence"]["value"] == -11.26


def test_nan_becomes_null_and_unsure_has_no_probability():
    d = json.loads(_report().to_json())
    assert d["timeline"]["hips_sag"] == [0.1, None, 0.9]
    unsure = d["segments"][0]["faults"][1]
    assert unsure["verdict"] == "unsure" and unsure["probability"] is None
    assert unsure["evidence"]["reason"] == "ankles not visible"


def test_to_json_writes_the_file(tmp_path):
    out = tmp_path / "r.json"
    text = _report().to_json(out)
    assert json.loads(out.read_text()) == json.loads(text)


def test_dataframe_has_one_row_per_segment_and_fault():
    df = _report().to_dataframe()
    assert list(df["fault"]) == ["hips_sag", "hips_pike"]
    assert list(df["verdict"]) == ["fault", "unsure"]
    assert df.loc[0, "value"] == np.float32(-11.26)


def test_summary_names_verdicts_cues_and_warnings():
    text = _report().summary()
    assert text.startswith("plank: 1 hold\n") or text.startswith("plank: 1 hold in ")
    assert "hips_sag=FAULT 91%" in text
    assert "hips_pike=unsure" in text
    assert "→ 11.3 cm below the shoulder–ankle line (limit: 3.0 cm below): Tuck your tail." in text
    assert "warning: ankles not visible" in text


def test_empty_set_says_nothing_was_found_in_the_exercise_s_own_words():
    r = SetReport(exercise="plank", video={}, segments=[], timeline={"t": np.array([])})
    assert r.summary().splitlines()[:2] == ["plank: 0 holds", "  no hold found"]
    assert json.loads(r.to_json())["segments"] == []
    reps = SetReport(exercise="glute_bridge", video={}, segments=[], timeline={"t": np.array([])})
    assert reps.summary().splitlines()[:2] == ["glute_bridge: 0 reps", "  no rep found"]


def test_a_sag_is_measured_in_words_as_below_the_line():
    """The trainer reads "9.7 cm below the shoulder–ankle line (limit: 3.0 cm below)", not "-9.7 cm above"."""
    sag = FaultResult("hips_sag", 0.99, "fault", evidence={
        "value": -9.71, "unit": "cm above the shoulder–ankle line", "boundary": -3.0})
    assert sag.measured() == "9.7 cm below the shoulder–ankle line"
    assert sag.limit() == "3.0 cm below"
    short = FaultResult("incomplete_extension", 0.9, "fault", evidence={
        "value": -18.0, "unit": "degrees past the shoulder–hip–knee line", "boundary": -10.0})
    assert short.measured() == "18.0 degrees short of the shoulder–hip–knee line"
    lift = FaultResult("hips_move", 0.2, "ok", evidence={"value": 2.0, "unit": "cm the hips rise off the heels"})
    assert lift.measured() == "2.0 cm the hips rise off the heels" and lift.limit() is None
    assert FaultResult("hips_move", None, "unsure", evidence={"reason": "hips not visible"}).measured() is None
