"""The evidence card: one rep/hold × one fault, as the analyzer and the labelling app show it.

Frame at the worst moment with the skeleton, a frame scrubber (with a looping Play button) over the
segment's samples, the measured signal against its tolerance band, the verdict/probability/cue, and for
holds the timeline strip. All pictures come from :mod:`repcheck.evidence`.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from .. import evidence
from ..exercises import EXERCISES
from ..report import FaultResult, SegmentResult, SetReport
from ._common import message_html, png_image, run_safely, verdict_badge


class EvidenceCard(widgets.VBox):
    """Shows one segment × fault of a report.

    Attributes
    ----------
    frame : ipywidgets.Image
        The video frame with the skeleton (PNG).
    scrubber : ipywidgets.IntSlider
        Sample index within the segment.
    play : ipywidgets.Play
        Loops the scrubber (a short clip of the rep).
    plot : ipywidgets.Image
        The signal vs tolerance band (PNG).
    details : ipywidgets.HTML
        Verdict, probability, measured value vs the limit, cue, reason when unsure.
    timeline : ipywidgets.Image
        Good form vs fault over time (holds only; hidden for reps).
    """

    def __init__(self, *, show_verdict: bool = True, max_width: int = 480):
        self.max_width = max_width
        self.show_verdict = show_verdict
        self.report: SetReport | None = None
        self.segment: SegmentResult | None = None
        self.fault: FaultResult | None = None
        self.video_path: str | None = None
        self._idx = np.zeros(0, int)
        self.frame = png_image("480px")
        self.time_label = widgets.Label("")
        self.scrubber = widgets.IntSlider(value=0, min=0, max=0, description="frame", readout=False,
                                          continuous_update=False, layout=widgets.Layout(width="300px"))
        self.play = widgets.Play(value=0, min=0, max=0, interval=150, description="Play the rep")
        widgets.jslink((self.play, "value"), (self.scrubber, "value"))
        self.plot = png_image("500px")
        self.details = widgets.HTML("")
        self.timeline = png_image("500px")
        self.timeline.layout.display = "none"
        self.note = widgets.HTML("")
        self.scrubber.observe(self._on_scrub, names="value")
        left = widgets.VBox([self.frame, widgets.HBox([self.play, self.scrubber, self.time_label])])
        right = widgets.VBox([self.plot, self.details], layout=widgets.Layout(width="510px", margin="0 0 0 16px"))
        super().__init__([self.note, widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap")),
                          self.timeline])
        self.add_class("repcheck-card")

    # ------------------------------------------------------------------ public
    def clear(self) -> None:
        self.report = self.segment = self.fault = None
        self.frame.value = b""
        self.plot.value = b""
        self.details.value = ""
        self.note.value = ""
        self.timeline.layout.display = "none"
        self.layout.display = "none"

    def show(self, report: SetReport | None, segment: SegmentResult, fault: FaultResult | None,
             video_path: str | Path | None = None) -> None:
        """Display a segment × fault (``report`` may be None: then only the frame at the middle)."""
        self.layout.display = None
        self.report, self.segment, self.fault = report, segment, fault
        self.video_path = None if video_path is None else str(video_path)
        self.note.value = ""
        self._idx = evidence.segment_sample_indices(report, segment) if report is not None else np.zeros(0, int)
        worst = evidence.evidence_time(segment, fault)
        n = len(self._idx)
        with self.scrubber.hold_trait_notifications():
            self.scrubber.max = max(n - 1, 0)
            self.play.max = max(n - 1, 0)
            k = int(np.argmin(np.abs(report.track.t[self._idx] - worst))) if n else 0
            changed = self.scrubber.value != k
            self.scrubber.value = k
        if not changed:
            self._draw_frame()
        self.scrubber.disabled = self.play.disabled = n < 2
        self._draw_plot(worst)
        self._draw_details()
        self._draw_timeline()

    def frame_time(self) -> float | None:
        """Time (s) of the frame on show."""
        if self.segment is None:
            return None
        if len(self._idx) and self.report is not None and self.report.track is not None:
            return float(self.report.track.t[self._idx[min(self.scrubber.value, len(self._idx) - 1)]])
        return evidence.evidence_time(self.segment, self.fault)

    # ------------------------------------------------------------------ drawing
    def _on_scrub(self, change) -> None:
        self._draw_frame()

    def _draw_frame(self) -> None:
        if self.segment is None:
            return
        t = self.frame_time()
        self.time_label.value = "" if t is None else f"{t:.2f} s"

        def draw():
            if self.report is None:
                img = evidence.read_frame(self.video_path, t, max_width=self.max_width) if self.video_path else None
                if img is None:
                    self.note.value = message_html("The video cannot be read from "
                                                   f"{self.video_path or 'nowhere'}.", "warn")
                    return
            else:
                img = evidence.evidence_frame(self.report, self.segment, self.fault, t_s=t,
                                              video_path=self.video_path, max_width=self.max_width)
            self.frame.value = evidence.to_png(img)

        run_safely(self._note, draw, what="draw the frame")

    def _note(self, text: str, kind: str) -> None:
        self.note.value = message_html(text, kind)

    def _draw_plot(self, worst: float) -> None:
        if self.report is None or self.fault is None:
            self.plot.value = b""
            self.plot.layout.display = "none"
            return
        self.plot.layout.display = None
        png = run_safely(self._note, lambda: evidence.signal_plot_png(self.report, self.segment, self.fault,
                                                                     show_verdict=self.show_verdict),
                         what="plot the signal")
        self.plot.value = png or b""

    def _draw_details(self) -> None:
        f, seg = self.fault, self.segment
        if f is None:
            self.details.value = ""
            return
        spec = EXERCISES.get(self.report.exercise) if self.report is not None else None
        title = next((x.title for x in spec.faults if x.id == f.id), f.id) if spec else f.id
        ev = f.evidence
        parts = [f"<h4 style='margin:4px 0'>{html.escape(title)} "
                 + (verdict_badge(f.verdict, f.probability) if self.show_verdict else "") + "</h4>"]
        if self.show_verdict and f.probability is not None:
            parts.append(f"<div>Probability of the fault: <b>{f.probability:.2f}</b></div>")
        measured = f.measured()
        if measured is not None:
            number, _, words = measured.partition(" ")
            limit = f.limit()
            limit = "" if limit is None else f" (limit: {html.escape(limit)})"
            parts.append(f"<div>Measured: <b>{html.escape(number)}</b> {html.escape(words)}{limit}</div>")
        if ev.get("worst_s") is not None:
            parts.append(f"<div>Worst moment: {float(ev['worst_s']):.1f} s</div>")
        if f.verdict == "unsure" and ev.get("reason"):
            parts.append(f"<div style='color:#666'>Cannot judge: {html.escape(str(ev['reason']))}</div>")
        if self.show_verdict and f.verdict == "fault" and f.cue:
            parts.append(f"<div style='margin-top:6px;padding:6px;background:#fff3f3;border-left:4px solid "
                         f"#c62828'><b>Cue:</b> {html.escape(f.cue)}</div>")
        parts.append(f"<div style='color:#666;font-size:12px'>{seg.kind} {seg.index}: "
                     f"{seg.start_s:.1f}–{seg.end_s:.1f} s ({seg.duration_s:.1f} s)</div>")
        self.details.value = "".join(parts)

    def _draw_timeline(self) -> None:
        if self.report is None or self.segment is None or self.segment.kind != "hold" or not self.show_verdict:
            self.timeline.layout.display = "none"
            return
        png = run_safely(self._note, lambda: evidence.timeline_strip_png(self.report, self.segment),
                         what="draw the timeline")
        self.timeline.value = png or b""
        self.timeline.layout.display = None
