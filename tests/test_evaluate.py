"""`repcheck evaluate`: matching found segments to ground truth and scoring verdicts (unsure never counts
as correct), boundary errors, the folder scan, the table and the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from repcheck.errors import RepcheckError
from repcheck.report import FaultResult, SegmentResult, SetReport
from repcheck.training.evaluate import (
    LabelledClip,
    evaluate_folder,
    find_clips,
    format_table,
    score_report,
    score_samples,
)


def _seg(index, start, end, verdicts, kind="rep"):
    faults = [FaultResult(fid, None if v == "unsure" else (0.9 if v == "fault" else 0.1), v, [],
                          {"value": 1.0, **({"reason": "hips not visible"} if v == "unsure" else {})})
              for fid, v in verdicts.items()]
    return SegmentResult(index, kind, start, end, None, faults)


def _report(segments, exercise="upper_back_roll"):
    return SetReport(exercise=exercise, video={}, segments=segments, timeline={})


def _truth(start, end, label, fault="lower_back_arch", value=None):
    return {"kind": "rep", "start_s": start, "end_s": end, "side": None,
            "faults": {fault: {"label": label, "value": value, "severity": 0.5 if label else 0.0}}}


def test_matched_segments_keep_their_verdicts_and_boundary_errors():
    clip = LabelledClip(Path("a.mp4"), "upper_back_roll", [_truth(1.0, 3.0, True), _truth(4.0, 6.0, False)])
    rep = _report([_seg(1, 1.2, 3.1, {"lower_back_arch": "fault"}), _seg(2, 3.8, 6.4, {"lower_back_arch": "ok"})])
    s = score_report(clip, rep)
    assert [(r["truth"], r["outcome"]) for r in s["rows"]] == [(True, "fault"), (False, "ok")]
    assert [{k: b[k] for k in ("kind", "segment", "start_err_s", "end_err_s")} for b in s["boundaries"]] == [
        {"kind": "rep", "segment": 1, "start_err_s": 0.2, "end_err_s": 0.1},
        {"kind": "rep", "segment": 2, "start_err_s": -0.2, "end_err_s": 0.4}]
    assert {(b["exercise"], b["video"]) for b in s["boundaries"]} == {("upper_back_roll", "a.mp4")}
    assert s["extra"] == [] and s["count"] == {"video": "a.mp4", "truth": 2, "found": 2}


def test_unmatched_truth_is_missed_and_an_extra_faulty_segment_is_reported():
    clip = LabelledClip(Path("a.mp4"), "upper_back_roll", [_truth(1.0, 3.0, True)])
    rep = _report([_seg(1, 8.0, 9.0, {"lower_back_arch": "fault"})])
    s = score_report(clip, rep)
    assert s["rows"][0]["outcome"] == "missed"
    assert s["extra"][0]["verdicts"] == {"lower_back_arch": "fault"}


def _folder(tmp_path: Path, clips: dict[str, list[dict]], view="side") -> Path:
    for name, segs in clips.items():
        (tmp_path / f"{name}.mp4").write_bytes(b"")
        (tmp_path / f"{name}.json").write_text(json.dumps({
            "schema": "repcheck.synth/1", "exercise": "upper_back_roll", "segments": segs,
            "params": {"view": view}}))
    (tmp_path / "notes.json").write_text("{}")  # not a clip: ignored
    return tmp_path


def test_unsure_and_missed_count_as_errors_in_precision_recall_f1(tmp_path):
    folder = _folder(tmp_path, {
        "c1": [_truth(1, 3, True), _truth(4, 6, True), _truth(7, 9, False)],
        "c2": [_truth(1, 3, True), _truth(4, 6, False), _truth(7, 9, False)],
    })
    found = {
        "c1": [_seg(1, 1, 3, {"lower_back_arch": "fault"}), _seg(2, 4, 6, {"lower_back_arch": "unsure"}),
               _seg(3, 7, 9, {"lower_back_arch": "ok"})],
        "c2": [_seg(1, 1, 3, {"lower_back_arch": "fault"}), _seg(2, 4, 6, {"lower_back_arch": "unsure"}),
               _seg(3, 12, 13, {"lower_back_arch": "fault"})],  # truth 7–9 missed, 12–13 extra
    }
    calls = []

    def fake_analyze(path, exercise=None, models=None):
        calls.append((Path(path).name, exercise))
        return _report(found[Path(path).stem])

    res = evaluate_folder(folder, analyze=fake_analyze, log=None, models_dir=tmp_path / "no-models")
    assert sorted(calls) == [("c1.mp4", "upper_back_roll"), ("c2.mp4", "upper_back_roll")]
    m = res["faults"]["upper_back_roll.lower_back_arch"]
    # truth fault: fault, unsure, fault -> TP 2, FN 1; truth ok: ok, unsure, missed + 1 extra fault -> FP 3
    assert m["confusion"]["fault"] == {"ok": 0, "fault": 2, "unsure": 1, "missed": 0}
    assert m["confusion"]["ok"] == {"ok": 1, "fault": 0, "unsure": 1, "missed": 1}
    assert m["precision"] == pytest.approx(2 / 5, abs=1e-4) and m["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["f1"] == pytest.approx(2 * 2 / (2 * 2 + 3 + 1), abs=1e-4)
    assert m["unsure_rate"] == pytest.approx(2 / 5, abs=1e-4)
    assert m["by_view"]["side"]["unsure"] == 2
    assert len(res["errors"]) == 3 and len(res["extra_segments"]) == 1 and res["rep_count"]["exact"] == 2
    text = format_table(res)
    assert "upper_back_roll.lower_back_arch" in text and "unsure" in text and "wrong verdicts" in text
    json.dumps(res)  # the --json output is plain JSON


def test_a_clip_that_cannot_be_analysed_counts_all_its_segments_as_missed(tmp_path):
    folder = _folder(tmp_path, {"c1": [_truth(1, 3, True), _truth(4, 6, False)]})

    def failing(path, exercise=None, models=None):
        raise RepcheckError("no person found in c1.mp4")

    res = evaluate_folder(folder, analyze=failing, log=None, models_dir=tmp_path / "no-models")
    assert res["failed"] == [{"video": "c1.mp4", "error": "no person found in c1.mp4"}]
    m = res["faults"]["upper_back_roll.lower_back_arch"]
    assert m["missed"] == 2 and m["f1"] == 0.0


def test_folder_errors_are_one_clear_message(tmp_path):
    with pytest.raises(RepcheckError, match="no such folder"):
        find_clips(tmp_path / "nope")
    with pytest.raises(RepcheckError, match="no labelled clips"):
        find_clips(tmp_path)


def test_cli_evaluate_on_a_missing_folder_exits_2_with_one_line(tmp_path, capsys):
    from repcheck.cli import main

    assert main(["evaluate", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such folder" in err[0]


def test_trainer_labels_of_videos_in_the_folder_are_scored(tmp_path):
    class Store:
        def labelled_examples(self):
            v = str(tmp_path / "real.mp4")
            return [
                {"video_sha256": "x", "video_path": v, "exercise": "plank", "start_s": 1.0, "end_s": 20.0,
                 "fault": "hips_sag", "label": "ok", "labeller": "ana"},
                {"video_sha256": "x", "video_path": v, "exercise": "plank", "start_s": 1.0, "end_s": 20.0,
                 "fault": "hips_pike", "label": "fault", "labeller": "ana"},
                {"video_sha256": "x", "video_path": v, "exercise": "plank", "start_s": 1.0, "end_s": 20.0,
                 "fault": "hips_pike", "label": "ok", "labeller": "ben"},  # a tie: left out
                {"video_sha256": "y", "video_path": "/elsewhere/other.mp4", "exercise": "plank",
                 "start_s": 1.0, "end_s": 5.0, "fault": "hips_sag", "label": "ok", "labeller": "ana"},
            ]

    clips = find_clips(tmp_path, labels=Store())
    assert len(clips) == 1 and clips[0].source == "trainer"
    assert clips[0].segments[0]["faults"] == {"hips_sag": {"label": False}}


def test_a_segment_inside_the_boundary_band_is_not_clear():
    # roll lower_back_arch: boundary 4 cm of hip lift, margin 3 cm → 2.0 and 5.5 are ambiguous, 0.5 and 9 clear
    clip = LabelledClip(Path("a.mp4"), "upper_back_roll",
                        [_truth(0, 1, False, value=0.5), _truth(2, 3, False, value=2.0),
                         _truth(4, 5, True, value=5.5), _truth(6, 7, True, value=9.0)])
    rep = _report([_seg(i + 1, 2 * i, 2 * i + 1, {"lower_back_arch": "ok"}) for i in range(4)])
    assert [r["clear"] for r in score_report(clip, rep)["rows"]] == [True, False, False, True]


def test_holds_are_scored_moment_by_moment_against_the_true_hip_offset():
    # plank hips_sag: boundary −3 cm, margin 3 cm; a hold 1–5 s whose hips drop from +4 cm to −12 cm at 3 s;
    # the 3.0 s sample (late) and the 5.0 s one (outside the found hold) are the two errors
    fps = 10.0
    frame_t = np.arange(61) / fps
    offset = np.where(frame_t < 3.0, 4.0, -12.0)
    clip = LabelledClip(Path("p.mp4"), "plank",
                        [{"kind": "hold", "start_s": 1.0, "end_s": 5.0, "side": None, "faults": {}}],
                        fps=fps, truth_per_frame={"hip_offset_cm": offset.tolist()})
    t = np.arange(0, 6.01, 0.5)
    sag = np.where(t < 3.4, 0.1, 0.9)      # the model sees the drop one sample late
    sag[t > 4.6] = np.nan                  # and the found hold ends early
    rep = SetReport(exercise="plank", video={}, segments=[],
                    timeline={"t": t, "hips_sag": sag, "hips_pike": np.full(t.shape, 0.05)})
    rows = [r for r in score_samples(clip, rep, {"hips_sag": 0.5, "hips_pike": 0.5}) if r["fault"] == "hips_sag"]
    assert [r["t"] for r in rows] == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
    assert [r["outcome"] for r in rows] == ["ok"] * 5 + ["fault"] * 3 + ["missed"]
    assert sum(r["truth"] for r in rows) == 5 and all(r["clear"] for r in rows)
    assert [r["outcome"] == ("fault" if r["truth"] else "ok") for r in rows].count(False) == 2


def test_each_moment_of_a_hold_is_one_position_correct_sagging_or_piked():
    """The timeline's position at each moment — the flagged fault with the highest probability, else correct —
    against the true one: a hold in line, then sagging, then piked; one moment in line flagged as a sag, one
    outside the found hold."""
    from repcheck.training.evaluate import _position_metrics, _sample_metrics, format_table

    fps = 10.0
    frame_t = np.arange(71) / fps
    offset = np.select([frame_t < 3.0, frame_t < 5.0], [4.0, -12.0], 20.0)
    clip = LabelledClip(Path("p.mp4"), "plank",
                        [{"kind": "hold", "start_s": 1.0, "end_s": 7.0, "side": None, "faults": {}}],
                        fps=fps, truth_per_frame={"hip_offset_cm": offset.tolist()})
    t = np.arange(0, 7.01, 1.0)  # truth at 1..7 s: correct, correct, sag, sag, pike, pike, pike
    sag = np.array([0.1, 0.1, 0.6, 0.9, 0.8, 0.6, 0.1, np.nan])
    pike = np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.7, 0.9, np.nan])  # 5 s: both flagged, pike the likelier
    rep = SetReport(exercise="plank", video={}, segments=[], timeline={"t": t, "hips_sag": sag, "hips_pike": pike})
    rows = score_samples(clip, rep, {"hips_sag": 0.5, "hips_pike": 0.5})
    m = _position_metrics(rows)
    assert m["n"] == 7 and m["accuracy"] == round(5 / 7, 4)
    assert m["confusion"] == {"correct": {"correct": 1, "hips_sag": 1}, "hips_sag": {"hips_sag": 2},
                              "hips_pike": {"hips_pike": 2, "missed": 1}}
    text = format_table({"clips": 1, "folder": "x", "failed": [], "faults": {}, "boundaries": {},
                         "rep_count": {"clips": 0}, "errors": [], "positions": {"plank": m},
                         "samples": {"plank.hips_sag": _sample_metrics([r for r in rows if r["fault"] == "hips_sag"])}})
    assert "plank position" in text and "accuracy 0.714" in text


def test_boundary_errors_are_broken_down_per_exercise_with_the_worst_segment_named():
    from repcheck.training.evaluate import _boundary_summary, format_table

    bounds = [{"kind": "rep", "exercise": "glute_bridge", "video": "b.mp4", "segment": 1,
               "start_err_s": 0.1, "end_err_s": -0.2},
              {"kind": "rep", "exercise": "upper_back_roll", "video": "r.mp4", "segment": 2,
               "start_err_s": -1.5, "end_err_s": 0.3}]
    b = _boundary_summary(bounds)["rep"]
    assert b["n"] == 2 and b["within_0_5_s"] == 0.5
    assert b["worst"] == {"video": "r.mp4", "segment": 2, "start_err_s": -1.5, "end_err_s": 0.3}
    assert b["by_exercise"]["glute_bridge"]["max_s"] == 0.2
    assert b["by_exercise"]["upper_back_roll"]["within_1_s"] == 0.0
    text = format_table({"clips": 2, "folder": "x", "failed": [], "faults": {}, "boundaries": {"rep": b},
                         "rep_count": {"clips": 0}, "errors": []})
    assert "worst r.mp4 #2" in text and "  upper_back_roll:" in text
