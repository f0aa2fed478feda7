"""The analyzer app: choose a video, analyse it, review each rep/hold with its evidence, export."""

from __future__ import annotations

import html
import inspect
import os
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from ..errors import RepcheckError
from ..evidence import draw_region, read_frame, to_png
from ..exercises import EXERCISES
from ..pose import PoseSettings
from ..report import SetReport
from ..video import probe
from ._common import (
    ACCEPT,
    VIDEO_EXTENSIONS,
    css,
    data_uri_link,
    exercise_options,
    message_html,
    png_image,
    report_table_html,
    run_safely,
    save_upload,
    segment_label,
    work_dir,
)
from .card import EvidenceCard

__all__ = ["AnalyzerApp", "make_analyzer_app"]


def _default_analyze(path, exercise=None, progress=None, region=None):
    import repcheck

    return repcheck.analyze(path, exercise=exercise, progress=progress, region=region)


def _accepts(func: Callable[..., object], name: str) -> bool:
    """Whether ``func`` takes a keyword argument ``name`` (an injected ``analyze`` may not)."""
    params = inspect.signature(func).parameters
    return name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


class AnalyzerApp(widgets.VBox):
    """Upload or pick a video, analyse it, review the reps/holds (see :func:`make_analyzer_app`).

    Attributes (the widgets tests drive)
    ------------------------------------
    upload : FileUpload
    path : Combobox
        A video path on the server (for files too big to upload); suggestions from ``video_dir``.
    exercise : Dropdown
    region_across, region_down : IntRangeSlider
        The part of the frame to read, in percent of its width and height (all of it by default), inside
        ``region_box`` (an Accordion, closed) with ``region_preview``, the chosen video's middle frame with
        the rest darkened.
    analyse : Button
    progress : IntProgress
    status : Label
    message : HTML
        Red for bad input, amber for warnings.
    summary : HTML
    table : HTML
        The per-rep/hold table.
    segment_picker : ToggleButtons
        Selects the rep/hold whose evidence is shown.
    fault_picker : ToggleButtons
    card : EvidenceCard
    export : Button
    downloads : HTML
        Data-URI download links (JSON, CSV) and where the files were written.
    report : SetReport or None
        The last report.
    video_path : Path or None
        The analysed video.
    """

    def __init__(self, *, analyze: Callable[..., SetReport] | None = None,
                 video_dir: str | Path | None = None, upload_dir: str | Path | None = None):
        self._analyze = analyze or _default_analyze
        video_dir = video_dir if video_dir is not None else os.environ.get("REPCHECK_VIDEO_DIR") or None
        self.video_dir = None if video_dir is None else Path(video_dir).expanduser()
        self._upload_dir = None if upload_dir is None else Path(upload_dir)
        self.report: SetReport | None = None
        self._region_frame = None  # the chosen video's middle frame, for the region's preview
        self.video_path: Path | None = None
        self._quiet = False

        self.title = widgets.HTML("<div style='color:#555'>Upload a video of one set (or type the path of "
                                  "a video on this server), choose the exercise, press <b>Analyse</b>.</div>")
        self.upload = widgets.FileUpload(accept=ACCEPT, multiple=False, description="Upload video",
                                         layout=widgets.Layout(width="180px"))
        self.path = widgets.Combobox(placeholder="…or a video path on the server", options=self._server_videos(),
                                     ensure_option=False, layout=widgets.Layout(width="420px"))
        self.exercise = widgets.Dropdown(options=exercise_options(), description="Exercise",
                                         layout=widgets.Layout(width="360px"))
        self.camera_hint = widgets.HTML("")
        self.region_across = widgets.IntRangeSlider(value=(0, 100), min=0, max=100, description="Across %",
                                                    continuous_update=False, layout=widgets.Layout(width="380px"))
        self.region_down = widgets.IntRangeSlider(value=(0, 100), min=0, max=100, description="Down %",
                                                  continuous_update=False, layout=widgets.Layout(width="380px"))
        self.region_preview = png_image("320px")
        self.region_preview.add_class("repcheck-region")
        self.region_box = widgets.Accordion(children=[widgets.HBox([
            widgets.VBox([widgets.HTML("<div style='color:#555;font-size:12px;line-height:1.4;max-width:380px'>"
                                       "The pose model follows one person. If someone else is in the picture, "
                                       "keep only the part of the frame where you exercise (the rest is "
                                       "darkened).</div>"),
                          self.region_across, self.region_down]),
            self.region_preview])], selected_index=None)
        self.region_box.set_title(0, "Someone else in the picture? Mark the part of the frame to read")
        self.analyse = widgets.Button(description="Analyse", button_style="primary", icon="play")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="300px"))
        self.status = widgets.Label("")
        self.message = widgets.HTML("")
        self.summary = widgets.HTML("")
        self.table = widgets.HTML("")
        self.segment_picker = widgets.ToggleButtons(options=[], style={"button_width": "auto"},
                                                    tooltip="Show this rep/hold")
        self.fault_picker = widgets.ToggleButtons(options=[], style={"button_width": "auto"})
        self.card = EvidenceCard()
        self.export = widgets.Button(description="Export JSON + CSV", icon="download", disabled=True,
                                     layout=widgets.Layout(width="200px"))
        self.downloads = widgets.HTML("")
        label = "<div style='width:80px;padding-top:4px;font-weight:600'>{}</div>".format
        self._segment_row = widgets.HBox([widgets.HTML(label("Show")), self.segment_picker])
        self._fault_row = widgets.HBox([widgets.HTML(label("Fault")), self.fault_picker])
        self.results = widgets.VBox([self.summary, self.table, self._segment_row, self._fault_row,
                                     self.card, widgets.HBox([self.export]), self.downloads])
        self.results.layout.display = "none"
        self.card.clear()

        self.upload.observe(self._on_upload, names="value")
        self.path.observe(self._on_path, names="value")
        self.exercise.observe(self._on_exercise, names="value")
        for control in (self.region_across, self.region_down, self.region_box, self.path, self.upload):
            control.observe(self._on_region, names="selected_index" if control is self.region_box else "value")
        self.analyse.on_click(lambda _b: self.run())
        self.segment_picker.observe(self._on_segment, names="value")
        self.fault_picker.observe(self._on_fault, names="value")
        self.export.on_click(lambda _b: self.export_report())
        self._on_exercise(None)

        super().__init__([
            css(), self.title,
            widgets.HBox([self.upload, self.path]),
            widgets.HBox([self.exercise, self.analyse]),
            self.camera_hint,
            self.region_box,
            widgets.HBox([self.progress, self.status]),
            self.message,
            self.results,
        ])
        self.add_class("repcheck-analyzer")

    # ------------------------------------------------------------------ inputs
    def _server_videos(self) -> list[str]:
        if self.video_dir is None or not self.video_dir.is_dir():
            return []
        return sorted(str(p) for p in self.video_dir.iterdir() if p.suffix.lower() in VIDEO_EXTENSIONS)

    def _on_upload(self, change) -> None:
        if self.upload.value:
            self.path.value = ""
            f = self.upload.value[-1]
            self.status.value = f"{f.get('name')} ready ({int(f.get('size') or 0) / 1e6:.1f} MB)"
            self.message.value = ""

    def _on_path(self, change) -> None:
        if self.path.value and self.upload.value:
            self.upload.value = ()

    def _on_exercise(self, change) -> None:
        spec = EXERCISES.get(self.exercise.value or "")
        self.camera_hint.value = ("" if spec is None else
                                  f"<div style='color:#555;font-size:12px'>Camera: {html.escape(spec.camera)}</div>")

    @property
    def region(self) -> tuple[float, float, float, float] | None:
        """The part of the frame to read as (left, top, right, bottom) shares, or None for all of it."""
        (left, right), (top, bottom) = self.region_across.value, self.region_down.value
        if (left, top, right, bottom) == (0, 0, 100, 100):
            return None
        return left / 100, top / 100, right / 100, bottom / 100

    def _on_region(self, change) -> None:
        """Redraw the preview while the region's panel is open. The video's middle frame is read once per chosen
        video (an upload saved once); moving a slider only redraws it."""
        if change is not None and change.owner in (self.path, self.upload):
            self._region_frame = None  # another video
        if self.region_box.selected_index is None:
            return
        if self._region_frame is None:
            video = self._video_from_inputs(quiet=True)
            try:
                self._region_frame = None if video is None else read_frame(video, probe(video).duration_s / 2)
            except RepcheckError:
                self._region_frame = None
        if self._region_frame is None:
            self.region_preview.layout.display = "none"
            return
        self.region_preview.value = to_png(draw_region(self._region_frame, self.region))
        self.region_preview.layout.display = None

    def show_message(self, text: str, kind: str = "error") -> None:
        self.message.value = message_html(text, kind)

    def _video_from_inputs(self, quiet: bool = False) -> Path | None:
        """The chosen video (an upload is saved first); None, with a message unless ``quiet``, when there is
        none."""
        show = (lambda text, kind="error": None) if quiet else self.show_message
        if self.upload.value:
            folder = self._upload_dir or work_dir()
            self._upload_dir = folder
            return run_safely(show, lambda: save_upload(self.upload.value, folder), what="save the upload")
        text = (self.path.value or "").strip()
        if not text:
            show("Choose a video first: upload one, or type the path of a video on the server.")
            return None
        p = Path(text).expanduser()
        if not p.is_file():
            show(f"No video file at {text}.")
            return None
        return p

    # ------------------------------------------------------------------ analysis
    def _progress(self, done: int, total: int) -> None:
        total = max(int(total), 1)
        self.progress.max = total
        self.progress.value = min(max(int(done), 0), total)
        self.status.value = f"Analysing… {100 * self.progress.value / total:.0f} %"

    def run(self) -> SetReport | None:
        """Analyse the chosen video (what the Analyse button does); returns the report or None."""
        self.message.value = ""
        video = self._video_from_inputs()
        if video is None:
            return None
        region = self.region
        try:  # the bounds are PoseSettings' own check
            PoseSettings(region=region)
        except ValueError:
            self.show_message("The part of the frame to read is empty: widen it (Across % and Down %).")
            return None
        self.analyse.disabled = True
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.status.value = f"Analysing {video.name}…"
        try:
            kwargs = {"exercise": self.exercise.value}
            if _accepts(self._analyze, "progress"):
                kwargs["progress"] = self._progress
            if region is not None and _accepts(self._analyze, "region"):
                kwargs["region"] = region

            def show(text: str, kind: str) -> None:  # an upload's temporary folder means nothing to the user
                self.show_message(text.replace(str(video), video.name) if uploaded else text, kind)

            uploaded = self._upload_dir is not None and video.parent == self._upload_dir
            report = run_safely(show, lambda: self._analyze(str(video), **kwargs), what=f"analyse {video.name}")
        finally:
            self.analyse.disabled = False
        if report is None:
            self.progress.bar_style = "danger"
            self.status.value = "Analysis failed."
            return None
        self.progress.value = self.progress.max
        self.progress.bar_style = "success"
        self.status.value = f"Done: {video.name}"
        self.video_path = video
        self.show_report(report)
        return report

    def show_report(self, report: SetReport) -> None:
        """Fill the summary, table and pickers from a report."""
        self.report = report
        self.downloads.value = ""
        self.export.disabled = False
        n = len(report.segments)
        kind = "hold" if report.segments and report.segments[0].kind == "hold" else "rep"
        n_fault = sum(any(f.verdict == "fault" for f in s.faults) for s in report.segments)
        spec = EXERCISES.get(report.exercise)
        head = (f"<h4 style='margin:6px 0'>{html.escape(spec.title if spec else report.exercise)}: "
                f"{n} {kind}{'s' if n != 1 else ''}, {n_fault} with a fault</h4>")
        warn = "".join(message_html(w, "warn") for w in report.warnings)
        self.summary.value = head + warn
        self.results.layout.display = None
        opts = [(segment_label(s), s.index) for s in report.segments]
        first = next((s.index for s in report.segments if any(f.verdict == "fault" for f in s.faults)),
                     opts[0][1] if opts else None)
        self._quiet = True
        try:
            self.segment_picker.options = opts
            if first is not None:
                self.segment_picker.value = first
        finally:
            self._quiet = False
        self._segment_row.layout.display = None if opts else "none"
        self._fault_row.layout.display = None if opts else "none"
        if first is None:
            self.card.clear()
            self.table.value = report_table_html(report)
            return
        self._on_segment(None)

    def _segment(self):
        if self.report is None:
            return None
        return next((s for s in self.report.segments if s.index == self.segment_picker.value), None)

    def _on_segment(self, change) -> None:
        seg = self._segment()
        if seg is None or self._quiet:
            return
        self.table.value = report_table_html(self.report, selected=seg.index)
        ranked = sorted(seg.faults, key=lambda f: ({"fault": 0, "unsure": 1, "ok": 2}[f.verdict],
                                                   -(f.probability or 0)))
        opts = [(f.id, f.id) for f in seg.faults]
        best = ranked[0].id if ranked else None
        self._quiet = True
        try:
            self.fault_picker.options = opts
            if best is not None:
                self.fault_picker.value = best
        finally:
            self._quiet = False
        if best is None:
            self.card.show(self.report, seg, None, self.video_path)
        else:
            self._on_fault(None)

    def _on_fault(self, change) -> None:
        seg = self._segment()
        if seg is None or self.fault_picker.value is None or self._quiet:
            return
        fault = next((f for f in seg.faults if f.id == self.fault_picker.value), None)
        self.card.show(self.report, seg, fault, self.video_path)

    # ------------------------------------------------------------------ export
    def export_report(self) -> list[Path]:
        """Write ``<video>.repcheck.json`` and ``.csv`` next to the video (or the upload folder) and
        offer both as download links; returns the written paths."""
        if self.report is None:
            self.show_message("Nothing to export yet: analyse a video first.")
            return []
        report = self.report
        json_text = report.to_json()
        csv_text = report.to_dataframe().to_csv(index=False)
        stem = (self.video_path.stem if self.video_path else "report") + ".repcheck"
        written: list[Path] = []

        def write():
            folder = self.video_path.parent if self.video_path else Path.cwd()
            for ext, text in (("json", json_text), ("csv", csv_text)):
                p = folder / f"{stem}.{ext}"
                p.write_text(text + ("\n" if ext == "json" else ""), encoding="utf-8")
                written.append(p)

        try:
            write()
        except OSError as exc:
            self.show_message(f"Could not write the report next to the video ({exc.strerror}); "
                              "use the download links.", "warn")
        links = (data_uri_link(json_text.encode(), f"{stem}.json", "application/json", "⬇ report JSON")
                 + data_uri_link(csv_text.encode(), f"{stem}.csv", "text/csv", "⬇ table CSV"))
        where = ("<div style='font-size:12px;color:#555'>Saved: " +
                 ", ".join(html.escape(str(p)) for p in written) + "</div>") if written else ""
        self.downloads.value = f"<div>{links}</div>{where}"
        return written


def make_analyzer_app(*, analyze: Callable[..., SetReport] | None = None, video_dir: str | Path | None = None,
                      upload_dir: str | Path | None = None) -> AnalyzerApp:
    """The analyzer as one displayable widget.

    Parameters
    ----------
    analyze : callable, optional
        ``analyze(path, exercise=..., progress=callable(done, total)) -> SetReport``; defaults to
        :func:`repcheck.analyze`. Tests inject a fake.
    video_dir : path, optional
        A folder of videos on the server offered as suggestions in the path box (default:
        ``$REPCHECK_VIDEO_DIR`` when set).
    upload_dir : path, optional
        Where uploads are saved (a fresh temporary folder by default).

    Returns
    -------
    AnalyzerApp
        An ``ipywidgets.VBox``; its children are attributes (``upload``, ``analyse``, ``table``, …).
    """
    return AnalyzerApp(analyze=analyze, video_dir=video_dir, upload_dir=upload_dir)
