"""The labelling app: a trainer's queue of reps to label, most uncertain first, into the label store.

Each item is one fault on one rep/hold: the frames (scrubber / looping Play) and the signal plot are
shown, the trainer answers *fault* / *ok* / *skip* (keys ``f`` / ``o`` / ``s``, ``u`` to undo, via
ipyevents while the mouse is over the app). Every answer is committed to SQLite at once. Items where
labellers disagree are listed. A Retrain panel runs the injected trainer.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import ipywidgets as widgets

from ..labels import LabelItem, LabelQueue, LabelStore, items_from_report
from ..report import SetReport
from ._common import css, exercise_options, message_html, run_safely
from .card import EvidenceCard
from .training import Trainer, TrainingApp

__all__ = ["LabelingApp", "make_labeling_app", "KEYS"]

#: Keyboard shortcuts (key → action).
KEYS: dict[str, str] = {"f": "fault", "o": "ok", "s": "skip", "u": "undo"}


class LabelingApp(widgets.VBox):
    """See :func:`make_labeling_app`.

    Attributes
    ----------
    labeller : Text
        The labeller's name (labels are refused until it is filled in).
    progress : HTML
        ``"12 of 40 labelled"``.
    message : HTML
    item_header : HTML
        What is being labelled.
    card : EvidenceCard
        Frames and signal plot of the rep (the model's verdict is hidden to avoid anchoring; its
        probability shows in the header).
    fault_button, ok_button, skip_button, undo_button : Button
    disagreements : HTML
        Items where labellers differ.
    add_path, add_exercise, add_button : Combobox, Dropdown, Button
        Add a video to the queue (analysed with ``analyze``).
    retrain_button : Button
        Opens the :class:`TrainingApp` panel (``training``).
    current : LabelItem or None
    queue : LabelQueue
    """

    def __init__(self, *, store: LabelStore, queue_items: Iterable[LabelItem] | None = None,
                 labeller: str | None = None, trainer: Trainer | None = None,
                 reports: Iterable[SetReport] = (), analyze: Callable[..., SetReport] | None = None,
                 threshold: float = 0.5):
        self.store = store
        if labeller is None:
            labeller = os.environ.get("REPCHECK_LABELLER", "")
        self.queue = LabelQueue(store, labeller, threshold=threshold)
        self._analyze = analyze
        self._submit_callbacks: list[Callable[[LabelItem, str, int], object]] = []
        self._reports: dict[tuple[str, str], SetReport] = {}  # (video sha256, exercise) -> report
        self._failed: dict[tuple[str, str], str] = {}
        self.current: LabelItem | None = None
        for r in reports:
            self.add_report(r, refresh=False)
        if queue_items is not None:
            self.queue.enqueue(queue_items)

        self.title = widgets.HTML("<div style='color:#555'>Look at the rep, then say whether the fault is "
                                  "there. The reps the model is least sure about come first.</div>")
        self.labeller = widgets.Text(value=labeller or "", placeholder="your name, then Enter", description="Labeller",
                                     continuous_update=False, layout=widgets.Layout(width="280px"))
        self.progress = widgets.HTML("")
        self.message = widgets.HTML("")
        self.add_path = widgets.Combobox(placeholder="video path on the server", ensure_option=False,
                                         layout=widgets.Layout(width="360px"))
        self.add_exercise = widgets.Dropdown(options=exercise_options(), layout=widgets.Layout(width="260px"))
        self.add_button = widgets.Button(description="Add to queue", icon="plus")
        add_row = widgets.HBox([self.add_path, self.add_exercise, self.add_button])
        if analyze is None:
            add_row.layout.display = "none"
        self.item_header = widgets.HTML("")
        self.card = EvidenceCard(show_verdict=False)
        self.fault_button = widgets.Button(description="Fault (f)", button_style="danger",
                                           tooltip="The fault is there (key f)")
        self.ok_button = widgets.Button(description="OK (o)", button_style="success",
                                        tooltip="Good form for this fault (key o)")
        self.skip_button = widgets.Button(description="Skip (s)", tooltip="Can't tell (key s)")
        self.undo_button = widgets.Button(description="Undo (u)", icon="undo", tooltip="Take back the last label")
        self.keys_hint = widgets.HTML("")
        self.disagreements = widgets.HTML("")
        self.recent = widgets.HTML("")
        self.retrain_button = widgets.Button(description="Retrain…", icon="refresh")
        self.training = TrainingApp(trainer)
        self.training.layout.display = "none"
        if trainer is None:
            self.retrain_button.layout.display = "none"
        self.buttons = widgets.HBox([self.fault_button, self.ok_button, self.skip_button, self.undo_button])
        self.item_box = widgets.VBox([self.item_header, self.card, self.buttons, self.keys_hint])
        self.item_box.add_class("repcheck-item")

        for b, value in ((self.fault_button, "fault"), (self.ok_button, "ok"), (self.skip_button, "skip")):
            b.on_click(lambda _b, v=value: self.label(v))
        self.undo_button.on_click(lambda _b: self.undo())
        self.add_button.on_click(lambda _b: self.add_video())
        self.retrain_button.on_click(lambda _b: self._toggle_training())
        self.labeller.observe(self._on_labeller, names="value")
        self._events = self._key_events()

        super().__init__([
            css(), self.title, widgets.HBox([self.labeller, self.progress]), add_row, self.message,
            self.item_box,
            widgets.HTML("<h4 style='margin:10px 0 2px'>Where labellers disagree</h4>"), self.disagreements,
            widgets.HTML("<h4 style='margin:10px 0 2px'>Your latest labels</h4>"), self.recent,
            self.retrain_button, self.training,
        ])
        self.add_class("repcheck-labeling")
        self.next_item()

    # ------------------------------------------------------------------ keyboard
    def _key_events(self):
        try:
            from ipyevents import Event
        except ImportError:  # documented fallback: the buttons carry the letters
            self.keys_hint.value = ("<div style='font-size:12px;color:#666'>Keyboard shortcuts need the "
                                    "ipyevents package; use the buttons.</div>")
            return None
        ev = Event(source=self.item_box, watched_events=["keydown"], prevent_default_action=True)
        ev.on_dom_event(self.on_key)
        self.keys_hint.value = ("<div style='font-size:12px;color:#666'>Keys (mouse over the rep): "
                                "<b>f</b> fault · <b>o</b> ok · <b>s</b> skip · <b>u</b> undo</div>")
        return ev

    def on_key(self, event: dict) -> None:
        """Handle an ipyevents keydown dict (``{"type": "keydown", "key": "f"}``)."""
        if event.get("type") not in (None, "keydown"):
            return
        action = KEYS.get(str(event.get("key", "")).lower())
        if action == "undo":
            self.undo()
        elif action is not None:
            self.label(action)

    # ------------------------------------------------------------------ queue
    def show_message(self, text: str, kind: str = "error") -> None:
        self.message.value = message_html(text, kind)

    def _on_labeller(self, change) -> None:
        self.current = None
        self.queue.reset(self.labeller.value.strip())
        self.message.value = ""
        self.next_item()

    def add_report(self, report: SetReport, *, refresh: bool = True) -> list[LabelItem]:
        """Queue every segment × fault of a report (and keep the report to draw its plots)."""
        items = self.queue.enqueue(items_from_report(report))
        self._reports[(str(report.video["sha256"]), report.exercise)] = report
        if refresh and self.current is None:
            self.next_item()
        elif refresh:
            self._refresh_status()
        return items

    def add_video(self) -> list[LabelItem]:
        """Analyse the video in ``add_path`` and queue its reps (the Add button)."""
        self.message.value = ""
        path = Path((self.add_path.value or "").strip()).expanduser()
        if not self.add_path.value.strip() or not path.is_file():
            self.show_message(f"No video file at {self.add_path.value.strip() or '(empty path)'}.")
            return []
        self.add_button.disabled = True
        try:
            report = run_safely(self.show_message,
                                lambda: self._analyze(str(path), exercise=self.add_exercise.value),
                                what=f"analyse {path.name}")
        finally:
            self.add_button.disabled = False
        if report is None:
            return []
        items = run_safely(self.show_message, lambda: self.add_report(report), what="queue the reps")
        if items is not None:
            self.show_message(f"Queued {len(items)} item(s) from {path.name}.", "ok")
        return items or []

    def _report_for(self, item: LabelItem) -> SetReport | None:
        key = (item.video_sha256, item.exercise)
        rep = self._reports.get(key)
        if rep is not None or self._analyze is None or key in self._failed:
            return rep
        if not Path(item.video_path).is_file():
            self._failed[key] = f"video not found at {item.video_path}"
            return None
        errors: list[str] = []
        rep = run_safely(lambda t, k: errors.append(t),
                         lambda: self._analyze(item.video_path, exercise=item.exercise),
                         what="re-analyse the video")
        if rep is None:
            self._failed[key] = errors[0] if errors else "analysis failed"
            return None
        self._reports[key] = rep
        return rep

    def next_item(self) -> LabelItem | None:
        """Show the next item of the queue (most uncertain first)."""
        if self.current is not None:
            self.queue.release(self.current)
        self.current = self.queue.pop() if self.queue.labeller else None
        self._show_current()
        return self.current

    def _show_current(self) -> None:
        self._refresh_status()
        it = self.current
        for b in (self.fault_button, self.ok_button, self.skip_button):
            b.disabled = it is None
        self.undo_button.disabled = not self.queue.can_undo
        if it is None:
            self.card.clear()
            if not self.queue.labeller:
                self.item_header.value = message_html("Type your name (Labeller) to start labelling.", "info")
            elif self.store.items():
                self.item_header.value = message_html("All done: every item in the queue has your label.", "ok")
            else:
                self.item_header.value = message_html("The queue is empty: add a video to label.", "info")
            return
        self.fault_button.description = f"Fault: {it.fault} (f)"
        p = "not judged" if it.probability is None else f"{it.probability:.2f}"
        self.item_header.value = (
            f"<div style='font-size:15px;margin:6px 0'><b>{html.escape(it.fault)}</b> on "
            f"{html.escape(it.exercise)} segment {it.segment_index} "
            f"({it.start_s:.1f}–{it.end_s:.1f} s) of <code>{html.escape(Path(it.video_path).name)}</code>"
            f" <span style='color:#666'>— model probability {p}</span></div>"
        )
        report = self._report_for(it)
        seg = fault = None
        if report is not None:
            seg = next((s for s in report.segments if s.index == it.segment_index), None)
            fault = next((f for f in seg.faults if f.id == it.fault), None) if seg else None
        if seg is None:
            from ..report import SegmentResult

            seg = SegmentResult(index=it.segment_index, kind="rep", start_s=it.start_s, end_s=it.end_s)
            report = None
        self.card.show(report, seg, fault, it.video_path)
        failed = self._failed.get((it.video_sha256, it.exercise))
        if failed:
            self.card.note.value = message_html(f"No signal plot: {failed}", "warn")

    def _refresh_status(self) -> None:
        done, total = self.queue.progress
        self.progress.value = (f"<div style='margin:6px 12px;font-size:14px' class='repcheck-progress'>"
                               f"<b>{done} of {total}</b> labelled</div>")
        self.disagreements.value = self._disagreements_html()
        self.recent.value = self._recent_html()

    def _disagreements_html(self) -> str:
        rows = self.store.disagreements()
        if not rows:
            return "<div style='color:#666;font-size:12px'>No disagreements.</div>"
        out = ["<table class='repcheck-table repcheck-disagreements'><tr><th>item</th><th>labels</th></tr>"]
        for r in rows:
            labels = ", ".join(f"{html.escape(who)}: <b>{v}</b>" for who, v in r["labels"].items())
            out.append(f"<tr><td>{html.escape(r['item'].describe())}</td><td>{labels}</td></tr>")
        return "".join(out) + "</table>"

    def _recent_html(self, n: int = 8) -> str:
        who = self.queue.labeller
        if not who:
            return ""
        cur = sorted(self.store.current_labels(who).values(), key=lambda r: -r["id"])[:n]
        if not cur:
            return "<div style='color:#666;font-size:12px'>None yet.</div>"
        rows = []
        for r in cur:
            it = self.store.item(r["item_id"])
            rows.append(f"<tr><td>{html.escape(it.describe())}</td><td><b>{r['value']}</b></td>"
                        f"<td>{html.escape(r['created_at'][:19].replace('T', ' '))}</td></tr>")
        return ("<table class='repcheck-table repcheck-recent'><tr><th>item</th><th>label</th><th>when (UTC)</th>"
                "</tr>" + "".join(rows) + "</table>")

    # ------------------------------------------------------------------ actions
    def label(self, value: str) -> int | None:
        """Label the current item ``fault`` / ``ok`` / ``skip`` (committed at once) and move on."""
        if not self.queue.labeller:
            self.show_message("Type your name (Labeller) first: every label records who gave it.")
            return None
        if self.current is None:
            self.show_message("Nothing to label.", "info")
            return None
        self.message.value = ""
        item = self.current
        label_id = run_safely(self.show_message, lambda: self.queue.submit(item, value), what="save the label")
        if label_id is None:
            return None
        for cb in self._submit_callbacks:
            run_safely(self.show_message, lambda cb=cb: cb(item, value, label_id), what="run a label callback")
        self.current = None
        self.next_item()
        return label_id

    def on_submit(self, callback: Callable[[LabelItem, str, int], object]) -> None:
        """Call ``callback(item, value, label_id)`` after every label is committed.

        Raises
        ------
        TypeError
            If ``callback`` is not callable (at registration, not at the first label).
        """
        if not callable(callback):
            raise TypeError(f"on_submit needs a callable, got {type(callback).__name__}")
        self._submit_callbacks.append(callback)

    def undo(self) -> LabelItem | None:
        """Take back this session's last label and show that item again."""
        item = run_safely(self.show_message, self.queue.undo, what="undo")
        if item is None:
            self.show_message("Nothing to undo.", "info")
            return None
        if self.current is not None:
            self.queue.release(self.current)
        self.queue.hold(item)
        self.current = item
        self.message.value = message_html(f"Label taken back: {item.describe()}.", "info")
        self._show_current()
        return item

    def _toggle_training(self) -> None:
        self.training.layout.display = None if self.training.layout.display == "none" else "none"


def make_labeling_app(*, store: LabelStore, queue_items: Iterable[LabelItem] | None = None,
                      labeller: str | None = None, trainer: Trainer | None = None,
                      reports: Iterable[SetReport] = (), analyze: Callable[..., SetReport] | None = None,
                      threshold: float = 0.5) -> LabelingApp:
    """The labelling app as one displayable widget.

    Parameters
    ----------
    store : LabelStore
        Where items and labels live (labels are committed one by one).
    queue_items : iterable of LabelItem, optional
        Items to add to the queue (e.g. ``repcheck.labels.items_from_report(report)``).
    labeller : str, optional
        Pre-filled labeller name (default: ``$REPCHECK_LABELLER`` when set).
    trainer : object, optional
        Retrain protocol (see :mod:`repcheck.widgets.training`); adds a Retrain panel.
    reports : iterable of SetReport
        Reports to queue (all their segment × fault items) and draw plots from.
    analyze : callable, optional
        ``analyze(path, exercise=...) -> SetReport``: enables "Add to queue" for a video path and redraws
        the signal plots of stored items (the pose cache makes that cheap).
    threshold : float
        The model's decision threshold (items closest to it come first).
    """
    return LabelingApp(store=store, queue_items=queue_items, labeller=labeller, trainer=trainer,
                       reports=reports, analyze=analyze, threshold=threshold)
