"""The retrain app: run the trainer, compare grouped-CV metrics before/after, keep versions, roll back.

The trainer is injected; it only needs this small protocol (the TRAINING engineer's model versioning
provides it)::

    trainer.train() -> dict            # metrics of the new model (flat or nested {fault: {metric: x}})
    trainer.versions() -> list         # model versions, oldest first (str, or dicts with "version",
                                       # optional "metrics", "created", "active")
    trainer.rollback(version) -> Any   # make an earlier version the active one
    trainer.current_metrics() -> dict  # optional: metrics of the active model
"""

from __future__ import annotations

import html
from typing import Any, Protocol

import ipywidgets as widgets

from ._common import css, message_html, run_safely

__all__ = ["Trainer", "TrainingApp", "make_training_app", "flatten_metrics", "summarise_metrics", "version_id",
           "default_trainer"]


class Trainer(Protocol):
    def train(self) -> dict: ...

    def versions(self) -> list: ...

    def rollback(self, version: Any) -> Any: ...


def flatten_metrics(metrics: dict | None, prefix: str = "") -> dict[str, Any]:
    """``{"plank": {"hips_sag": {"f1": 0.9}}}`` → ``{"plank/hips_sag/f1": 0.9}`` (plain values kept)."""
    out: dict[str, Any] = {}
    for k, v in (metrics or {}).items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten_metrics(v, key + "/"))
        else:
            out[key] = v
    return out


#: Metrics shown first, in this order (the rest follow as the trainer gave them).
_METRIC_ORDER = {k: i for i, k in enumerate(("f1", "precision", "recall", "auc", "roc_auc", "brier", "log_loss",
                                             "threshold"))}


def summarise_metrics(metrics: dict | None) -> dict:
    """The comparable part of a trainer's metrics.

    ``repcheck.training`` returns ``{"models": {"plank.hips_sag": {"cv": {"f1": …}, "threshold": …}},
    "config": …, "seconds": …}``: keep each model's grouped-CV numbers (and threshold). Other shapes pass
    through; non-numeric leaves are dropped.
    """
    if not metrics:
        return {}
    if isinstance(metrics.get("models"), dict):
        out: dict[str, Any] = {}
        for name, m in metrics["models"].items():
            if not isinstance(m, dict):
                continue
            row = dict(m.get("cv") or {}) if isinstance(m.get("cv"), dict) else {}
            if isinstance(m.get("threshold"), (int, float)):
                row["threshold"] = m["threshold"]
            out[name] = dict(sorted(row.items(), key=lambda kv: _METRIC_ORDER.get(kv[0], len(_METRIC_ORDER))))
        metrics = out
    return {k: v for k, v in flatten_metrics(metrics).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _is_active(v: Any) -> bool:
    return isinstance(v, dict) and bool(v.get("active") or v.get("current"))


def _version_metrics(v: Any) -> dict | None:
    """Metrics stored with a version entry (``metrics``, or ``repcheck.training``'s ``f1`` per model)."""
    if not isinstance(v, dict):
        return None
    if isinstance(v.get("metrics"), dict):
        return v["metrics"]
    if isinstance(v.get("f1"), dict):
        return {name: {"f1": f1} for name, f1 in v["f1"].items()}
    return None


def version_id(v: Any) -> str:
    """The id of a version entry (a string, or a dict's ``version``/``id``)."""
    if isinstance(v, dict):
        return str(v.get("version", v.get("id", v)))
    return str(v)


def _version_label(v: Any) -> str:
    if not isinstance(v, dict):
        return str(v)
    bits = [version_id(v)]
    if v.get("created"):
        bits.append(str(v["created"])[:19])
    if _is_active(v):
        bits.append("(active)")
    return " ".join(bits)


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.3f}"
    return html.escape(str(x))


def metrics_table_html(before: dict | None, after: dict | None) -> str:
    """Before/after metrics side by side; better/worse numbers tinted."""
    b, a = summarise_metrics(before), summarise_metrics(after)
    keys = list(dict.fromkeys([*b, *a]))
    if not keys:
        return ""
    rows = []
    for k in keys:
        vb, va = b.get(k, "–"), a.get(k, "–")
        style = ""
        if isinstance(vb, (int, float)) and isinstance(va, (int, float)) and vb != va:
            lower_better = any(s in k.lower() for s in ("loss", "error", "brier", "ece"))
            better = (va < vb) if lower_better else (va > vb)
            style = f" style='background:{'#e8f5e9' if better else '#fdecea'}'"
        rows.append(f"<tr><td>{html.escape(k)}</td><td>{_fmt(vb)}</td><td{style}>{_fmt(va)}</td></tr>")
    return ("<table class='repcheck-table repcheck-metrics'><tr><th>metric (grouped CV)</th><th>before</th>"
            "<th>after</th></tr>" + "".join(rows) + "</table>")


class TrainingApp(widgets.VBox):
    """Retrain / compare / roll back (see :func:`make_training_app`).

    Attributes
    ----------
    train_button : Button
    status : Label
    message : HTML
    metrics : HTML
        The before/after table.
    versions : Dropdown
    rollback_button : Button
    before, after : dict or None
        Metrics of the previous and the newly trained model.
    """

    def __init__(self, trainer: Trainer | None = None):
        self.trainer = trainer
        self.before: dict | None = None
        self.after: dict | None = None
        self.title = widgets.HTML("<h4 style='margin:4px 0'>Retrain the classifiers</h4>"
                                  "<div style='color:#555;font-size:12px'>Trains on the training data plus "
                                  "every label in the store; the previous model is kept and can be restored."
                                  "</div>")
        self.train_button = widgets.Button(description="Retrain", icon="refresh", button_style="warning")
        self.status = widgets.Label("")
        self.message = widgets.HTML("")
        self.metrics = widgets.HTML("")
        self.versions = widgets.Dropdown(options=[], description="Versions",
                                         layout=widgets.Layout(width="360px"))
        self.rollback_button = widgets.Button(description="Roll back to this version", icon="undo")
        self.train_log = widgets.Output(layout=widgets.Layout(max_height="160px", overflow="auto",
                                                        border="1px solid #eee"))
        self.train_log.layout.display = "none"
        self.train_button.on_click(lambda _b: self.train())
        self.rollback_button.on_click(lambda _b: self.rollback())
        super().__init__([css(), self.title, widgets.HBox([self.train_button, self.status]), self.message,
                          self.metrics, widgets.HBox([self.versions, self.rollback_button]), self.train_log])
        self.add_class("repcheck-training")
        if trainer is None:
            self.train_button.disabled = self.rollback_button.disabled = True
            self.message.value = message_html("No trainer connected: training is not available here.", "info")
        else:
            self._refresh_versions()
            self.before = self._current_metrics()

    def show_message(self, text: str, kind: str = "error") -> None:
        self.message.value = message_html(text, kind)

    def _versions(self) -> list:
        return list(run_safely(self.show_message, self.trainer.versions, what="list model versions") or [])

    def _refresh_versions(self) -> None:
        vs = self._versions()
        self.versions.options = [(_version_label(v), version_id(v)) for v in vs]
        active = [version_id(v) for v in vs if _is_active(v)]
        if active:
            self.versions.value = active[-1]
        elif vs:
            self.versions.value = version_id(vs[-1])
        self.rollback_button.disabled = len(vs) < 2

    def _current_metrics(self) -> dict | None:
        if hasattr(self.trainer, "current_metrics"):
            return run_safely(self.show_message, self.trainer.current_metrics, what="read the model's metrics")
        vs = self._versions()
        active = [v for v in vs if _is_active(v)] or vs[-1:]
        return _version_metrics(active[-1]) if active else None

    def train(self) -> dict | None:
        """Run the trainer; show before/after metrics. Returns the new metrics (None on failure)."""
        if self.trainer is None:
            return None
        self.message.value = ""
        before = self._current_metrics() if self.after is None else self.after
        self.before = before if before is not None else self.before
        self.train_button.disabled = True
        self.status.value = "Training… (the kernel is busy until it finishes)"
        self.train_log.clear_output()
        self.train_log.layout.display = None
        try:
            with self.train_log:  # the trainer's progress lines
                metrics = run_safely(self.show_message, self.trainer.train, what="train the classifiers")
        finally:
            self.train_button.disabled = False
        if metrics is None:
            self.status.value = "Training failed; the previous model is still in use."
            return None
        self.after = dict(metrics)
        self.status.value = "Trained. The previous model is kept: roll back below if the new one is worse."
        self.metrics.value = metrics_table_html(self.before, self.after)
        self._refresh_versions()
        return self.after

    def rollback(self) -> None:
        """Make the selected version the active one."""
        v = self.versions.value
        if self.trainer is None or v is None:
            return
        self.message.value = ""
        target = next((x for x in self._versions() if version_id(x) == v), v)
        arg = version_id(target) if isinstance(target, dict) else target
        if run_safely(self.show_message, lambda: self.trainer.rollback(arg) or True, what="roll back") is None:
            return
        self.status.value = f"Rolled back: version {v} is active."
        self.show_message(f"Version {v} is now the active model.", "ok")
        self.after = None
        self.before = self._current_metrics()
        self._refresh_versions()


def default_trainer(labels_path=None) -> Trainer | None:
    """``repcheck.training``'s trainer over the checkout's training data and the label store (None when
    the training package is unavailable)."""
    try:
        from ..training.train import Trainer as _Trainer
    except Exception:  # training package missing or broken: the panel says training is unavailable
        return None
    from ..labels import default_labels_path

    return _Trainer(labels=labels_path or default_labels_path())


def make_training_app(*, trainer: Trainer | None = None) -> TrainingApp:
    """The retrain panel as one displayable widget.

    Parameters
    ----------
    trainer : object, optional
        ``train() -> metrics dict``, ``versions() -> list``, ``rollback(version)`` (and optionally
        ``current_metrics() -> dict``). Without one the panel says training is unavailable.
    """
    return TrainingApp(trainer=trainer)
