"""Small helpers shared by the apps: messages, uploads, the per-rep table, download links.

Nothing here computes anything about form: it formats what the core returned.
"""

from __future__ import annotations

import base64
import html
import logging
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import RepcheckError
from ..evidence import VERDICT_COLOURS
from ..exercises import EXERCISES, JUDGED_EXERCISES
from ..report import SegmentResult, SetReport

log = logging.getLogger("repcheck.widgets")

VIDEO_EXTENSIONS: tuple[str, ...] = (".mp4", ".mov", ".avi", ".webm")
ACCEPT = ",".join(VIDEO_EXTENSIONS)

_CSS = """
<style>
.repcheck-table {border-collapse: collapse; font-size: 13px; margin: 4px 0;}
.repcheck-table th, .repcheck-table td {border: 1px solid #ddd; padding: 4px 8px; text-align: left;}
.repcheck-table th {background: #f3f3f3;}
.repcheck-table tr.selected td {background: #e3ecf8; font-weight: 600;}
.repcheck-verdict {font-weight: 600; border-radius: 3px; padding: 1px 6px; color: white;}
.repcheck-msg {padding: 6px 10px; border-radius: 4px; margin: 4px 0;}
.repcheck-error {color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0;}
.repcheck-info {color: #1b3d6d; background: #eef4fb; border: 1px solid #c9dbf0;}
.repcheck-warn {color: #7a4f01; background: #fff6e0; border: 1px solid #f3dfa8;}
.repcheck-ok {color: #1b5e20; background: #edf7ee; border: 1px solid #c3e3c5;}
</style>
"""


def css() -> widgets.HTML:
    """The apps' stylesheet as an (invisible) HTML widget."""
    return widgets.HTML(_CSS, layout=widgets.Layout(height="0px", margin="0"))


def message_html(text: str, kind: str = "error") -> str:
    """A coloured one-line message box (kind: ``error`` red, ``warn``, ``info``, ``ok``)."""
    if not text:
        return ""
    role = ' role="alert"' if kind == "error" else ""
    return f'<div class="repcheck-msg repcheck-{kind}"{role}>{html.escape(text)}</div>'


def run_safely(show: Callable[[str, str], None], action: Callable[[], Any], *, what: str) -> Any:
    """Run ``action``; show a :class:`RepcheckError`'s one-line message, or any other exception as a
    one-line message (traceback to the log only), and return None on failure. The kernel stays alive."""
    try:
        return action()
    except RepcheckError as exc:
        show(str(exc) or type(exc).__name__, "error")
    except Exception as exc:  # never a traceback in the UI
        log.info("%s failed", what, exc_info=True)  # for developers; the UI gets one line
        first = (str(exc).strip().splitlines() or [""])[0]
        show(f"Could not {what}: {type(exc).__name__}{': ' + first if first else ''}", "error")
    return None


def exercise_options(include_auto: bool = False) -> list[tuple[str, str | None]]:
    """Dropdown options (title, id) for the judged exercises."""
    opts: list[tuple[str, str | None]] = [(f"{EXERCISES[e].title} ({e})", e) for e in JUDGED_EXERCISES]
    if include_auto:
        opts.append(("Detect automatically", None))
    return opts


def safe_filename(name: str) -> str:
    """A file name without folders or odd characters (for saving uploads)."""
    base = Path(str(name)).name
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .") or "upload"
    return base[:120]


def save_upload(value: Sequence[dict], folder: Path) -> Path:
    """Write the last file of a ``FileUpload.value`` into ``folder``; returns its path.

    Raises
    ------
    ValueError
        When the upload holds no bytes.
    """
    f = value[-1]
    content = f.get("content", b"")
    data = content.tobytes() if isinstance(content, memoryview) else bytes(content)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_filename(f.get("name", "upload.mp4"))
    if not data:
        raise ValueError(f"{path.name} is empty (0 bytes)")
    path.write_bytes(data)
    return path


def work_dir() -> Path:
    """A fresh temporary folder for uploads of this app instance."""
    return Path(tempfile.mkdtemp(prefix="repcheck-upload-"))


def data_uri_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An ``<a download>`` link carrying the file as a base64 data URI (no server file needed)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:{mime};base64,{b64}" '
            f'style="margin-right:12px">{html.escape(label)}</a>')


def _fmt_p(p: float | None) -> str:
    return "" if p is None else f" {100 * p:.0f}%"


def verdict_badge(verdict: str, probability: float | None = None, title: str = "") -> str:
    colour = VERDICT_COLOURS.get(verdict, "#555")
    t = f' title="{html.escape(title)}"' if title else ""
    return (f'<span class="repcheck-verdict" style="background:{colour}"{t}>'
            f"{html.escape(verdict)}{_fmt_p(probability)}</span>")


def segment_label(seg: SegmentResult) -> str:
    side = f" {seg.side}" if seg.side else ""
    return f"{'Hold' if seg.kind == 'hold' else 'Rep'} {seg.index}{side}"


def report_table_html(report: SetReport, selected: int | None = None) -> str:
    """The per-rep/hold table: index, start–end, duration, side, each fault's verdict and probability.

    Cells are coloured by verdict; ``unsure`` says so, with the reason as a tooltip.
    """
    fault_ids: list[str] = []
    for seg in report.segments:
        for f in seg.faults:
            if f.id not in fault_ids:
                fault_ids.append(f.id)
    per_side = any(seg.side for seg in report.segments)
    head = ["#", "kind", "start–end (s)", "duration (s)"] + (["side"] if per_side else []) + fault_ids
    rows = []
    for seg in report.segments:
        cells = [str(seg.index), seg.kind, f"{seg.start_s:.1f}–{seg.end_s:.1f}", f"{seg.duration_s:.1f}"]
        if per_side:
            cells.append(html.escape(seg.side or "–"))
        by_id = {f.id: f for f in seg.faults}
        for fid in fault_ids:
            f = by_id.get(fid)
            if f is None:
                cells.append("–")
                continue
            reason = f.evidence.get("reason") or ""
            cells.append(verdict_badge(f.verdict, f.probability, reason))
        cls = ' class="selected"' if selected == seg.index else ""
        rows.append(f"<tr{cls} data-index=\"{seg.index}\">" + "".join(f"<td>{c}</td>" for c in cells)
                    + "</tr>")
    if not rows:
        return message_html("No rep or hold found in this video.", "warn")
    return (
        '<table class="repcheck-table repcheck-report">'
        + "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
        + "".join(rows) + "</table>"
        + '<div style="font-size:11px;color:#666">% = the model\'s probability that the fault is present; '
          "unsure = this footage cannot show it (hover for the reason).</div>"
    )


def png_image(width: str = "auto") -> widgets.Image:
    return widgets.Image(format="png", layout=widgets.Layout(width=width, max_width="100%"))
