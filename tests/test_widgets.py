"""The Jupyter apps driven as objects (no browser): upload, click, read the table and messages.

Most tests inject ``fixtures_reports.make_fake_analyze``; one runs the real ``repcheck.analyze`` on a few
seconds cut from the real plank clip (skipped when the pipeline or the clip is missing).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from repcheck import evidence
from repcheck.errors import NoPersonError, NotAVideoError
from repcheck.labels import LabelStore
from repcheck.widgets import make_analyzer_app, make_labeling_app, make_training_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures_reports as F  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared/data/real"


@pytest.fixture(autouse=True)
def uploads_in_tmp_path(tmp_path, monkeypatch):
    """The apps keep uploads in a fresh temporary folder for the session (``work_dir``): here, in the test's own."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("clips")
    return {"plank": F.write_stick_video(d / "plank.mp4", F.plank_track()[0]),
            "bridge": F.write_stick_video(d / "bridge.mp4", F.bridge_track()[0]),
            "dir": d}


def upload_value(path: Path, name: str | None = None) -> tuple[dict, ...]:
    data = Path(path).read_bytes()
    return ({"name": name or Path(path).name, "type": "video/mp4", "size": len(data),
             "content": memoryview(data), "last_modified": datetime(2026, 1, 1)},)


def png_shape(png: bytes) -> tuple[int, ...]:
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR).shape


# ---------------------------------------------------------------- evidence drawing
class TestEvidence:
    def test_read_frame_missing_file_is_none(self, tmp_path):
        assert evidence.read_frame(tmp_path / "nope.mp4", 1.0) is None

    def test_read_frame_at_time(self, clips):
        a = evidence.read_frame(clips["plank"], 1.0)
        b = evidence.read_frame(clips["plank"], 7.0)
        assert a.shape == (180, 320, 3)
        assert np.abs(a.astype(int) - b.astype(int)).mean() > 0.5  # different moments, different pixels

    def test_evidence_frame_draws_skeleton_at_the_hip(self, clips):
        r = F.plank_report(clips["plank"])
        seg = r.segments[0]
        img = evidence.evidence_frame(r, seg, seg.fault("hips_sag"))
        i = int(np.argmin(np.abs(r.track.t - 6.5)))  # worst_s
        x, y = (r.track.image[i, 23, :2] * (320, 180)).astype(int)
        r_, g_, b_ = img[y, x].astype(int)
        assert r_ > 150 and g_ < 100  # the hip joint is highlighted red on the frame

    def test_evidence_frame_without_video_uses_canvas(self):
        r = F.plank_report(None)
        img = evidence.evidence_frame(r, r.segments[0], r.segments[0].faults[0])
        assert img.shape[1] <= 480 and img.shape[2] == 3

    def test_signal_plot_and_strip_are_pngs(self, clips):
        r = F.plank_report(clips["plank"])
        seg = r.segments[0]
        assert png_shape(evidence.signal_plot_png(r, seg, seg.faults[0]))[:2] == (260, 500)
        assert png_shape(evidence.timeline_strip_png(r, seg))[1] == 500
        no_signal = F.plank_report(None)
        object.__setattr__(no_signal, "signals", {})
        assert png_shape(evidence.signal_plot_png(no_signal, seg, seg.faults[0]))[0] == 260

    def test_core_modules_do_not_import_widgets(self):
        code = ("import sys, repcheck, repcheck.labels, repcheck.evidence; "
                "assert 'ipywidgets' not in sys.modules, 'core imported ipywidgets'")
        subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- analyzer
class TestAnalyzer:
    def test_upload_analyse_shows_table_and_evidence(self, clips):
        calls = []
        app = make_analyzer_app(analyze=F.make_fake_analyze(calls))
        assert app.upload.accept == ".mp4,.mov,.avi,.webm"
        app.upload.value = upload_value(clips["plank"], "my plank.mp4")
        app.analyse.click()
        assert calls and calls[0][1] == "plank" and calls[0][0].endswith("my plank.mp4")
        assert app.message.value == ""
        assert app.progress.value == app.progress.max == 4 and app.progress.bar_style == "success"
        assert "hips_sag" in app.table.value and "fault 91%" in app.table.value
        assert "ok 4%" in app.table.value
        assert "no person seen" in app.summary.value  # warnings are shown
        assert app.segment_picker.options == (("Hold 1", 1),)
        assert app.fault_picker.value == "hips_sag"  # the fault, not the ok one, is shown first
        assert png_shape(app.card.frame.value)[:2] == (180, 320)
        assert app.card.plot.value and "Tuck your tail" in app.card.details.value
        assert app.card.timeline.layout.display is None and app.card.timeline.value  # a hold: strip shown

    def test_reps_table_unsure_and_selection(self, clips):
        app = make_analyzer_app(analyze=F.make_fake_analyze())
        app.exercise.value = "glute_bridge"
        app.path.value = str(clips["bridge"])
        app.analyse.click()
        assert [o[0] for o in app.segment_picker.options] == ["Rep 1", "Rep 2", "Rep 3"]
        assert app.segment_picker.value == 2  # the first rep with a fault
        assert 'class="selected" data-index="2"' in app.table.value
        assert "unsure" in app.table.value and "hips out of view" in app.table.value
        assert app.card.timeline.layout.display == "none"  # reps have no hold strip
        app.segment_picker.value = 3
        assert 'class="selected" data-index="3"' in app.table.value
        assert app.fault_picker.value == "incomplete_extension"  # fault before unsure
        app.fault_picker.value = "lower_back_arch"
        assert "Cannot judge: hips out of view" in app.card.details.value

    def test_scrubber_moves_through_the_rep(self, clips):
        app = make_analyzer_app(analyze=F.make_fake_analyze())
        app.exercise.value = "glute_bridge"
        app.path.value = str(clips["bridge"])
        app.analyse.click()
        assert app.card.scrubber.max == 20  # 2 s at 10 fps, both ends included
        before, t0 = app.card.frame.value, app.card.frame_time()
        assert t0 == pytest.approx(3.5)  # opens on the worst moment
        app.card.scrubber.value = 0
        assert app.card.frame_time() == pytest.approx(2.5)
        assert app.card.time_label.value == "2.50 s" and app.card.frame.value != before

    def test_export_json_and_csv(self, clips, tmp_path):
        video = tmp_path / "set.mp4"
        video.write_bytes(clips["plank"].read_bytes())
        app = make_analyzer_app(analyze=F.make_fake_analyze())
        app.path.value = str(video)
        app.analyse.click()
        app.export.click()
        doc = json.loads((tmp_path / "set.repcheck.json").read_text())
        assert doc["schema"] == "repcheck.report/1" and doc["segments"][0]["faults"][0]["verdict"] == "fault"
        assert "hips_sag" in (tmp_path / "set.repcheck.csv").read_text()
        assert 'download="set.repcheck.json" href="data:application/json;base64,' in app.downloads.value
        assert 'download="set.repcheck.csv"' in app.downloads.value

    @pytest.mark.parametrize(
        "setup, expected",
        [
            (lambda app, c: None, "Choose a video first"),
            (lambda app, c: setattr(app.path, "value", "/no/such/video.mp4"), "No video file at /no/such"),
            (lambda app, c: setattr(app.upload, "value", upload_value(c["dir"] / "notes.mp4")),
             "notes.mp4 is not a video"),
            (lambda app, c: setattr(app.upload, "value", upload_value(c["dir"] / "empty.mp4")),
             "empty.mp4 is empty"),
        ],
        ids=["nothing", "missing-path", "text-upload", "empty-upload"],
    )
    def test_bad_input_messages(self, clips, setup, expected):
        (clips["dir"] / "notes.mp4").write_text("not a video\n")
        (clips["dir"] / "empty.mp4").write_bytes(b"")
        app = make_analyzer_app(analyze=F.make_fake_analyze())
        setup(app, clips)
        assert app.run() is None
        assert expected in app.message.value and "repcheck-error" in app.message.value
        assert app.results.layout.display == "none" and not app.analyse.disabled

    def test_upload_error_names_the_file_not_the_temp_folder(self, clips, tmp_path):
        def fail(path, exercise=None, progress=None):
            raise NotAVideoError(f"{path} is not a video OpenCV can read")

        app = make_analyzer_app(analyze=fail, upload_dir=tmp_path / "up")
        app.upload.value = upload_value(clips["plank"], "holiday.mp4")
        app.analyse.click()
        assert "holiday.mp4 is not a video" in app.message.value and str(tmp_path) not in app.message.value

    def test_unexpected_exception_is_one_line_and_app_recovers(self, clips):
        state = {"fail": True}
        fake = F.make_fake_analyze()

        def flaky(path, exercise=None, progress=None):
            if state["fail"]:
                raise RuntimeError("decoder exploded\n  File 'x.py', line 3")
            return fake(path, exercise=exercise, progress=progress)

        app = make_analyzer_app(analyze=flaky)
        app.path.value = str(clips["plank"])
        app.analyse.click()
        assert "Could not analyse plank.mp4: RuntimeError: decoder exploded" in app.message.value
        assert "Traceback" not in app.message.value and "line 3" not in app.message.value
        assert app.progress.bar_style == "danger"
        state["fail"] = False
        app.analyse.click()
        assert app.message.value == "" and "hips_sag" in app.table.value

    def test_repcheck_error_message_as_is(self, clips):
        def no_person(path, exercise=None, progress=None):
            raise NoPersonError("no person found in 98% of the frames: is the whole body in view?")

        app = make_analyzer_app(analyze=no_person)
        app.path.value = str(clips["plank"])
        app.analyse.click()
        assert "no person found in 98% of the frames" in app.message.value

    def test_the_part_of_the_frame_to_read_goes_to_the_analysis(self, clips, monkeypatch):
        """Someone else in the picture: the trainer narrows the frame with two sliders, sees the chosen video's
        middle frame with the rest darkened, and the analysis gets that region (shares); all of the frame
        sends none, and an empty part is a message, not an analysis."""
        seen, reads = [], []
        import repcheck.widgets.analyzer as analyzer_mod

        real_read = analyzer_mod.read_frame
        monkeypatch.setattr(analyzer_mod, "read_frame", lambda *a, **k: reads.append(a[0]) or real_read(*a, **k))

        def analyze(path, exercise=None, progress=None, **kwargs):
            seen.append(kwargs.get("region"))
            return F.make_fake_analyze()(path, exercise, progress)

        app = make_analyzer_app(analyze=analyze)
        app.path.value = str(clips["plank"])
        assert app.region_box.selected_index is None  # closed: most sets need no region
        app.analyse.click()
        assert seen == [None]
        app.region_box.selected_index = 0
        whole = cv2.imdecode(np.frombuffer(app.region_preview.value, np.uint8), cv2.IMREAD_COLOR)
        app.region_across.value, app.region_down.value = (0, 60), (20, 100)
        part = cv2.imdecode(np.frombuffer(app.region_preview.value, np.uint8), cv2.IMREAD_COLOR)
        h, w = part.shape[:2]
        assert part[h // 2, int(0.3 * w)].tolist() == whole[h // 2, int(0.3 * w)].tolist()  # inside: as filmed
        assert part[h // 2, int(0.8 * w)].sum() < 0.5 * whole[h // 2, int(0.8 * w)].sum()  # outside: darkened
        assert part[int(0.1 * h), int(0.3 * w)].sum() < 0.5 * whole[int(0.1 * h), int(0.3 * w)].sum()
        assert len(reads) == 1  # the sliders redraw the frame read when the panel opened
        app.analyse.click()
        assert seen[-1] == (0.0, 0.2, 0.6, 1.0) and app.message.value == ""
        app.region_across.value = (40, 40)
        app.analyse.click()
        assert len(seen) == 2 and "The part of the frame to read is empty" in app.message.value
        app.path.value = str(clips["bridge"])  # another video: its own frame
        assert [Path(r) for r in reads] == [clips["plank"], clips["bridge"]]

    def test_video_dir_suggestions_and_path_clears_upload(self, clips):
        app = make_analyzer_app(analyze=F.make_fake_analyze(), video_dir=clips["dir"])
        assert str(clips["plank"]) in app.path.options
        app.upload.value = upload_value(clips["plank"])
        app.path.value = str(clips["bridge"])
        assert app.upload.value == ()

    def test_real_pipeline_on_a_real_plank(self, tmp_path):
        pytest.importorskip("repcheck.pipeline", reason="repcheck.pipeline not written yet")
        src = REAL / "plank_correct_007.mp4"
        if src.exists():
            clip = cut_clip(src, tmp_path / "plank_small.mp4", start_s=0.0, seconds=4.0)  # the whole 3.8 s
        else:  # CI without the real clips: a rendered correct plank
            synth = pytest.importorskip("repcheck.synth.clip", reason=f"no real clips ({REAL}) and no synth")
            clip = synth.render_clip("plank", seconds=4, fps=10, size=(480, 270), seed=1,
                                     out=tmp_path / "plank_synth.mp4")
        app = make_analyzer_app()
        app.path.value = str(clip)
        app.exercise.value = "plank"
        app.analyse.click()
        assert app.message.value == "", app.message.value
        assert app.report is not None and app.report.segments, app.summary.value
        assert "hips_sag" in app.table.value
        assert app.report.segments[0].fault("hips_sag").verdict != "fault"  # a correct plank
        assert png_shape(app.card.frame.value)[1] == 480


def cut_clip(src: Path, dst: Path, *, start_s: float, seconds: float, width: int = 480, fps: float = 15.0) -> Path:
    """A few seconds of ``src`` resized to ``width`` px and resampled to ``fps`` (OpenCV)."""
    cap = cv2.VideoCapture(str(src))
    src_fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    cap.set(cv2.CAP_PROP_POS_FRAMES, int(start_s * src_fps))
    out = None
    step = src_fps / fps
    k, nxt = 0, 0.0
    while k < int(seconds * src_fps):
        ok, frame = cap.read()
        if not ok:
            break
        if k >= nxt:
            h = int(frame.shape[0] * width / frame.shape[1]) // 2 * 2
            frame = cv2.resize(frame, (width, h), interpolation=cv2.INTER_AREA)
            if out is None:
                out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, h))
            out.write(frame)
            nxt += step
        k += 1
    cap.release()
    if out is None:
        raise ValueError(f"no frames read from {src} after {start_s} s")
    out.release()
    return dst


# ---------------------------------------------------------------- labelling
@pytest.fixture
def labeling(tmp_path, clips):
    store = LabelStore(tmp_path / "labels.sqlite")
    app = make_labeling_app(store=store, reports=[F.bridge_report(clips["bridge"])], labeller="ann")
    yield app, store
    store.close()


class TestLabeling:
    def test_most_uncertain_first_with_frames_and_plot(self, labeling):
        app, _ = labeling
        it = app.current
        assert (it.segment_index, it.fault, it.probability) == (3, "lower_back_arch", None)
        assert "model probability not judged" in app.item_header.value
        assert "0 of 6" in app.progress.value
        assert app.card.frame.value and app.card.plot.value
        assert "fault" not in app.card.details.value.split("</h4>")[0]  # verdict hidden while labelling
        assert app.fault_button.description == "Fault: lower_back_arch (f)"

    def test_buttons_keys_undo_write_sqlite_at_once(self, labeling, tmp_path):
        app, store = labeling
        first = app.current
        app.fault_button.click()
        other = LabelStore(tmp_path / "labels.sqlite")  # what another process would see right now
        assert [(r["item_id"], r["value"], r["labeller"]) for r in other.labels()] == [(first.id, "fault", "ann")]
        assert "1 of 6" in app.progress.value and app.current.id != first.id
        second = app.current
        app.on_key({"type": "keydown", "key": "o"})
        app.on_key({"type": "keydown", "key": "S"})
        assert "3 of 6" in app.progress.value
        app.on_key({"type": "keydown", "key": "u"})
        app.undo_button.click()
        assert app.current.id == second.id and "1 of 6" in app.progress.value
        assert [r["value"] for r in other.labels()] == ["fault"]
        assert len(other.labels(include_retracted=True)) == 3  # undone labels are kept, retracted
        assert "fault" in app.recent.value
        other.close()

    def test_no_name_no_label(self, tmp_path, clips):
        store = LabelStore(tmp_path / "l.sqlite")
        app = make_labeling_app(store=store, reports=[F.bridge_report(clips["bridge"])])
        assert app.current is None and "Type your name" in app.item_header.value
        app.label("ok")
        assert store.labels() == []
        app.labeller.value = "bob"
        assert app.current is not None
        app.ok_button.click()
        assert [r["labeller"] for r in store.labels()] == ["bob"]

    def test_disagreements_between_labellers(self, labeling):
        app, store = labeling
        item = app.current
        app.fault_button.click()
        app.labeller.value = "bob"
        assert app.current.id == item.id  # bob has not labelled it yet
        app.ok_button.click()
        assert "ann: <b>fault</b>" in app.disagreements.value and "bob: <b>ok</b>" in app.disagreements.value
        assert store.labelled_examples()[0]["label"] == "fault"

    def test_done_and_empty_queue(self, tmp_path, clips):
        store = LabelStore(tmp_path / "l.sqlite")
        app = make_labeling_app(store=store, labeller="ann")
        assert "queue is empty" in app.item_header.value
        app.add_report(F.plank_report(clips["plank"]))
        app.fault_button.click()
        app.ok_button.click()
        assert app.current is None and "All done" in app.item_header.value
        assert app.fault_button.disabled

    def test_add_video_analyses_and_queues(self, tmp_path, clips):
        store = LabelStore(tmp_path / "l.sqlite")
        app = make_labeling_app(store=store, labeller="ann", analyze=F.make_fake_analyze())
        app.add_path.value = str(tmp_path / "missing.mp4")
        app.add_button.click()
        assert "No video file" in app.message.value
        app.add_exercise.value = "glute_bridge"
        app.add_path.value = str(clips["bridge"])
        app.add_button.click()
        assert "Queued 6 item(s)" in app.message.value and "0 of 6" in app.progress.value

    def test_reloaded_store_redraws_with_analyze(self, tmp_path, clips):
        path = tmp_path / "l.sqlite"
        first = make_labeling_app(store=LabelStore(path), reports=[F.bridge_report(clips["bridge"])],
                                  labeller="ann")
        first.ok_button.click()
        calls = []
        again = make_labeling_app(store=LabelStore(path), labeller="ann", analyze=F.make_fake_analyze(calls))
        assert "1 of 6" in again.progress.value and "ok" in again.recent.value
        assert calls == [(str(clips["bridge"]), "glute_bridge")] and again.card.plot.value


# ---------------------------------------------------------------- retrain
class FakeTrainer:
    def __init__(self, fail: bool = False):
        self.fail = fail
        self._versions = [{"version": "v1", "metrics": {"hips_sag": {"f1": 0.80, "brier": 0.10}}, "active": True}]
        self.rolled_back: list = []

    def train(self):
        if self.fail:
            raise ValueError("no training data in training_data/")
        m = {"hips_sag": {"f1": 0.86, "brier": 0.12}}
        for v in self._versions:
            v["active"] = False
        self._versions.append({"version": f"v{len(self._versions) + 1}", "metrics": m, "active": True})
        return m

    def versions(self):
        return list(self._versions)

    def rollback(self, version):
        self.rolled_back.append(version)
        for v in self._versions:
            v["active"] = v["version"] == version


class TestTraining:
    def test_train_shows_before_after_and_rolls_back(self):
        trainer = FakeTrainer()
        app = make_training_app(trainer=trainer)
        assert app.rollback_button.disabled  # one version: nothing to roll back to
        app.train_button.click()
        html = app.metrics.value
        assert "hips_sag/f1" in html and "0.800" in html and "0.860" in html
        assert "#e8f5e9" in html and "#fdecea" in html  # f1 up = better, brier up = worse
        assert app.versions.value == "v2" and not app.rollback_button.disabled
        app.versions.value = "v1"
        app.rollback_button.click()
        assert trainer.rolled_back == ["v1"] and "v1 is now the active model" in app.message.value

    def test_training_failure_is_a_message(self):
        app = make_training_app(trainer=FakeTrainer(fail=True))
        app.train_button.click()
        assert "Could not train the classifiers: ValueError: no training data" in app.message.value
        assert "previous model is still in use" in app.status.value

    def test_without_trainer(self):
        app = make_training_app()
        assert app.train_button.disabled and "No trainer connected" in app.message.value

    def test_retrain_from_the_labelling_app(self, tmp_path, clips):
        trainer = FakeTrainer()
        app = make_labeling_app(store=LabelStore(tmp_path / "l.sqlite"), trainer=trainer, labeller="ann",
                                reports=[F.plank_report(clips["plank"])])
        assert app.training.layout.display == "none"
        app.retrain_button.click()
        assert app.training.layout.display is None
        app.training.train_button.click()
        assert "0.860" in app.training.metrics.value


class ShapedLikeRepcheckTraining:
    """The result shapes of ``repcheck.training.train.Trainer`` (``models``/``cv``; versions with
    ``current`` and ``f1`` per model)."""

    def __init__(self):
        self.v = [{"version": "20260101T000000Z", "current": True, "f1": {"plank.hips_sag": 0.7}}]

    def train(self):
        self.v[0]["current"] = False
        self.v.append({"version": "20260102T000000Z", "current": True, "f1": {"plank.hips_sag": 0.9}})
        return {"models": {"plank.hips_sag": {"model": "logistic", "threshold": 0.41,
                                              "cv": {"f1": 0.9, "recall": 0.95, "n": 120}}},
                "config": {"seed": 0}, "seconds": 12.5, "version": "20260102T000000Z"}

    def versions(self):
        return self.v

    def rollback(self, version):
        for x in self.v:
            x["current"] = x["version"] == version


def test_training_app_reads_repcheck_training_shapes():
    app = make_training_app(trainer=ShapedLikeRepcheckTraining())
    assert "(active)" in app.versions.options[0][0]
    app.train_button.click()
    html = app.metrics.value
    assert "plank.hips_sag/f1</td><td>0.700</td><td style='background:#e8f5e9'>0.900" in html
    assert "plank.hips_sag/recall" in html and "seed" not in html and "seconds" not in html
    assert app.versions.value == "20260102T000000Z"


def test_keyboard_events_are_wired(tmp_path, clips):
    pytest.importorskip("ipyevents")
    app = make_labeling_app(store=LabelStore(tmp_path / "l.sqlite"), labeller="ann",
                            reports=[F.plank_report(clips["plank"])])
    assert app._events is not None and app._events.source is app.item_box
    assert app._events.watched_events == ["keydown"]
    app.on_key({"type": "keyup", "key": "f"})  # only keydown labels
    assert "0 of 2" in app.progress.value


def test_default_trainer_speaks_the_protocol():
    from repcheck.widgets.training import default_trainer

    trainer = default_trainer()
    if trainer is None:
        pytest.skip("repcheck.training not available")
    assert all(callable(getattr(trainer, m, None)) for m in ("train", "versions", "rollback"))


def test_on_submit_callbacks(tmp_path, clips):
    app = make_labeling_app(store=LabelStore(tmp_path / "l.sqlite"), labeller="ann",
                            reports=[F.plank_report(clips["plank"])])
    seen = []
    app.on_submit(lambda item, value, label_id: seen.append((item.fault, value, label_id)))
    with pytest.raises(TypeError, match="needs a callable"):
        app.on_submit("not a function")
    first = app.current.fault
    app.skip_button.click()
    assert seen == [(first, "skip", 1)]


def test_labelling_item_whose_video_is_gone(tmp_path, clips):
    from repcheck.labels import items_from_report

    video = tmp_path / "moved.mp4"
    video.write_bytes(clips["plank"].read_bytes())
    store = LabelStore(tmp_path / "l.sqlite")
    store.add_items(items_from_report(F.plank_report(video)))
    video.unlink()
    app = make_labeling_app(store=store, labeller="ann", analyze=F.make_fake_analyze())
    assert "No signal plot: video not found" in app.card.note.value
    app.ok_button.click()  # still labellable from what is stored
    assert [r["value"] for r in store.labels()] == ["ok"]


def test_analyzer_report_without_segments(clips):
    from dataclasses import replace

    def empty(path, exercise=None, progress=None):
        return replace(F.plank_report(path), segments=[], warnings=["no plank hold of 3 s or more found"])

    app = make_analyzer_app(analyze=empty)
    app.export_report()
    assert "Nothing to export yet" in app.message.value
    app.path.value = str(clips["plank"])
    app.analyse.click()
    assert "No rep or hold found" in app.table.value and "no plank hold" in app.summary.value
    assert app.card.layout.display == "none" and app._segment_row.layout.display == "none"


def test_training_app_with_the_real_trainer_class(tmp_path):
    train = pytest.importorskip("repcheck.training.train", reason="repcheck.training not written yet")
    trainer = train.Trainer(models_dir=tmp_path / "models", labels=tmp_path / "labels.sqlite", log=None)
    app = make_training_app(trainer=trainer)
    assert app.message.value == ""  # versions() of an empty models dir is fine
    assert app.versions.options == () and app.rollback_button.disabled
