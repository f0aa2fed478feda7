"""Drawing the evidence behind a verdict: plain functions returning images / PNG bytes.

The widgets only *display* what these functions draw, so every picture the apps show can also be made
from a script or a test without ipywidgets:

- :func:`read_frame` — the video frame shown at a time in seconds (upright, as analysed).
- :func:`draw_skeleton` — the pose landmarks drawn over a frame.
- :func:`evidence_frame` — the frame where a fault is worst, with the skeleton (falls back to the skeleton
  on a blank canvas when the video cannot be read).
- :func:`signal_plot_png` — the measured signal over a rep/hold against the fault's tolerance band.
- :func:`timeline_strip_png` — a hold's good form vs fault over time, from ``report.timeline``.

Images are RGB ``uint8`` arrays of shape (H, W, 3); PNGs are ``bytes``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from .errors import VideoError
from .exercises import EXERCISES, FaultSpec
from .landmarks import SKELETON_EDGES
from .report import FaultResult, SegmentResult, SetReport
from .video import frame_at

__all__ = [
    "VERDICT_COLOURS",
    "read_frame",
    "draw_skeleton",
    "evidence_time",
    "segment_sample_indices",
    "evidence_frame",
    "signal_plot_png",
    "timeline_strip_png",
    "to_png",
    "blank_frame",
    "draw_region",
]

#: Colours (hex) used for verdicts everywhere: tables, plots, strips.
VERDICT_COLOURS: dict[str, str] = {"ok": "#2e7d32", "fault": "#c62828", "unsure": "#9e9e9e"}

#: Probability above which a timeline sample counts as "in fault" (the judge's decision threshold).
FAULT_THRESHOLD = 0.5

_BONE_BGR = (80, 220, 255)  # light amber bones
_JOINT_BGR = (255, 255, 255)
_HIGHLIGHT_BGR = (40, 40, 230)  # red joints for the hips/shoulders line of the fault


def to_png(image: np.ndarray) -> bytes:
    """Encode an RGB image of shape (H, W, 3) ``uint8`` as PNG bytes."""
    ok, buf = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2BGR))
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise ValueError("could not encode image as PNG")
    return buf.tobytes()


def blank_frame(frame_size: tuple[int, int], max_width: int = 480) -> np.ndarray:
    """A dark canvas of the video's aspect ratio, shape (H, W, 3), for drawing a skeleton without video."""
    w, h = frame_size
    scale = min(1.0, max_width / max(w, 1))
    return np.full((max(int(h * scale), 1), max(int(w * scale), 1), 3), 40, np.uint8)


def read_frame(video_path: str | Path, t_s: float, *, max_width: int | None = 480) -> np.ndarray | None:
    """Read the frame shown at ``t_s`` seconds.

    Parameters
    ----------
    video_path : path
        Video file (its rotation metadata applied, as the analysis did).
    t_s : float
        Time in seconds from the start of the video.
    max_width : int or None
        Downscale so the width is at most this many pixels (None keeps the size).

    Returns
    -------
    ndarray of shape (H, W, 3) uint8 RGB, or None when the file or the frame cannot be read.

    The frame is found by the time the container shows it (:func:`repcheck.video.frame_at`), as the analysis
    timed its samples, so the skeleton drawn over it is the pose read from it, at a variable frame rate too.
    """
    try:
        frame = frame_at(video_path, t_s)
    except VideoError:
        return None
    if frame is None:
        return None
    if max_width is not None and frame.shape[1] > max_width:
        scale = max_width / frame.shape[1]
        frame = cv2.resize(frame, (max_width, max(int(frame.shape[0] * scale), 1)),
                           interpolation=cv2.INTER_AREA)
    return frame


def draw_region(image: np.ndarray, region: tuple[float, float, float, float] | None) -> np.ndarray:
    """Show the part of the frame the analysis reads: the rest darkened, the region outlined.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) uint8 RGB
    region : (left, top, right, bottom) in shares of the frame (0..1), or None for the whole frame

    Returns
    -------
    ndarray of shape (H, W, 3) uint8 RGB — a new image (a copy when ``region`` is None).
    """
    out = np.array(image, dtype=np.uint8, copy=True)
    if region is None:
        return out
    h, w = out.shape[:2]
    x0, y0 = int(round(region[0] * w)), int(round(region[1] * h))
    x1, y1 = int(round(region[2] * w)), int(round(region[3] * h))
    inside = out[y0:y1, x0:x1].copy()
    out = (out * 0.35).astype(np.uint8)
    out[y0:y1, x0:x1] = inside
    cv2.rectangle(out, (x0, y0), (max(x0, x1 - 1), max(y0, y1 - 1)), (255, 196, 0), max(2, w // 240))
    return out

def draw_skeleton(
    image: np.ndarray,
    landmarks: np.ndarray,
    *,
    highlight: Sequence[int] = (),
    min_visibility: float = 0.3,
) -> np.ndarray:
    """Draw the pose over an image.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) uint8 RGB
    landmarks : ndarray of shape (33, 4)
        Normalised image landmarks (x, y, z, visibility) of one sample; NaN points are skipped.
    highlight : sequence of int
        Landmark indices drawn larger and in red (the joints the fault is about).
    min_visibility : float
        Points less visible than this are not drawn.

    Returns
    -------
    ndarray of shape (H, W, 3) uint8 RGB — a new image.
    """
    out = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2BGR)
    h, w = out.shape[:2]
    lm = np.asarray(landmarks, dtype=float)
    vis = lm[:, 3] if lm.shape[1] > 3 else np.ones(len(lm))
    ok = np.isfinite(lm[:, 0]) & np.isfinite(lm[:, 1]) & ~(np.nan_to_num(vis, nan=1.0) < min_visibility)
    pts = np.zeros((len(lm), 2), int)
    pts[ok] = np.round(lm[ok, :2] * [w, h]).astype(int)
    thick = max(2, int(round(w / 240)))
    for a, b in SKELETON_EDGES:
        if ok[a] and ok[b]:
            cv2.line(out, tuple(pts[a]), tuple(pts[b]), _BONE_BGR, thick, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        if i in (1, 2, 3, 4, 5, 6, 9, 10, 17, 18, 21, 22):  # face detail and fingers: too busy
            continue
        big = i in highlight
        cv2.circle(out, tuple(pts[i]), thick * (3 if big else 2), _HIGHLIGHT_BGR if big else _JOINT_BGR,
                   -1, cv2.LINE_AA)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


def evidence_time(segment: SegmentResult, fault: FaultResult | None = None) -> float:
    """The time (s) to show for a segment: the fault's ``evidence["worst_s"]``, else the segment middle."""
    if fault is not None:
        worst = fault.evidence.get("worst_s")
        if worst is not None and np.isfinite(float(worst)):
            return float(worst)
    return 0.5 * (segment.start_s + segment.end_s)


def segment_sample_indices(report: SetReport, segment: SegmentResult) -> np.ndarray:
    """Indices into ``report.track.t`` of the samples inside the segment, shape (K,) (empty without track)."""
    if report.track is None:
        return np.zeros(0, int)
    t = np.asarray(report.track.t, float)
    return np.flatnonzero((t >= segment.start_s - 1e-9) & (t <= segment.end_s + 1e-9))


def _highlight_for(fault_id: str | None) -> tuple[int, ...]:
    # Shoulders, hips, knees, ankles: the body line every judged fault is measured on.
    return (11, 12, 23, 24, 25, 26, 27, 28) if fault_id else ()


def evidence_frame(
    report: SetReport,
    segment: SegmentResult,
    fault: FaultResult | None = None,
    *,
    t_s: float | None = None,
    video_path: str | Path | None = None,
    max_width: int = 480,
) -> np.ndarray:
    """The frame at the worst moment of a fault (or at ``t_s``) with the skeleton drawn.

    Parameters
    ----------
    report : SetReport
        Its ``track`` gives the skeleton; ``video["path"]`` the frames unless ``video_path`` is given.
    segment : SegmentResult
    fault : FaultResult, optional
        Whose ``evidence["worst_s"]`` picks the time (segment middle otherwise).
    t_s : float, optional
        Explicit time in seconds (the scrubber); overrides the fault's worst moment.
    video_path : path, optional
    max_width : int
        Width cap of the returned image in pixels.

    Returns
    -------
    ndarray of shape (H, W, 3) uint8 RGB. Without a readable video the skeleton is drawn on a dark
    canvas; without a track the bare frame is returned.
    """
    t = evidence_time(segment, fault) if t_s is None else float(t_s)
    path = video_path if video_path is not None else (report.video or {}).get("path")
    frame = read_frame(path, t, max_width=max_width) if path else None
    track = report.track
    if frame is None:
        size = track.frame_size if track is not None else (
            int(report.video.get("width") or 640), int(report.video.get("height") or 360))
        frame = blank_frame(size, max_width)
    if track is None or track.n_frames == 0:
        return frame
    i = int(np.argmin(np.abs(np.asarray(track.t, float) - t)))
    return draw_skeleton(frame, track.image[i], highlight=_highlight_for(fault.id if fault else None))


def _fault_spec(exercise: str, fault_id: str) -> FaultSpec | None:
    spec = EXERCISES.get(exercise)
    if spec is None:
        return None
    for f in spec.faults:
        if f.id == fault_id:
            return f
    return None


def _fig_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def _new_figure(width_px: int, height_px: int, dpi: int = 100):
    # A bare Figure (no pyplot): no global state, no GUI backend, nothing to close.
    from matplotlib.figure import Figure

    return Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, layout="constrained")


def signal_plot_png(
    report: SetReport,
    segment: SegmentResult,
    fault: FaultResult,
    *,
    width_px: int = 500,
    height_px: int = 260,
    marker_s: float | None = None,
    show_verdict: bool = True,
) -> bytes:
    """Plot the fault's measured signal over the segment against its tolerance band.

    The measure is ``fault.evidence["measure"]`` (else the exercise spec's), read from
    ``report.signals[measure]`` (shape (T,), aligned with ``report.track.t``). The side of the
    boundary that is the fault is shaded red, the accepted side green; the worst moment (or
    ``marker_s``) is a vertical line.

    show_verdict : bool
        Put the verdict and probability in the title (False while labelling, to avoid anchoring).

    Returns
    -------
    bytes
        A PNG. When the signal is missing the plot says so instead of raising.
    """
    fig = _new_figure(width_px, height_px)
    ax = fig.add_subplot(1, 1, 1)
    spec = _fault_spec(report.exercise, fault.id)
    measure = fault.evidence.get("measure") or (spec.measure if spec else None)
    unit = fault.evidence.get("unit") or (spec.unit if spec else "")
    boundary = fault.evidence.get("boundary", spec.boundary if spec else None)
    direction = spec.direction if spec else 1
    title = spec.title if spec else fault.id
    values = report.signals.get(measure) if measure else None
    idx = segment_sample_indices(report, segment)
    if values is None or report.track is None or len(idx) == 0:
        ax.text(0.5, 0.5, f"no {measure or 'signal'} recorded for this segment", ha="center",
                va="center", transform=ax.transAxes, color="#555")
        ax.set_axis_off()
        return _fig_png(fig)
    t = np.asarray(report.track.t, float)[idx]
    y = np.asarray(values, float)[idx]
    finite = y[np.isfinite(y)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if boundary is not None:
        b = float(boundary)
        lo, hi = min(lo, b), max(hi, b)
    pad = max(0.15 * (hi - lo), 1.0)
    lo, hi = lo - pad, hi + pad
    if boundary is not None:
        bad = (b, hi) if direction > 0 else (lo, b)
        good = (lo, b) if direction > 0 else (b, hi)
        ax.axhspan(*good, color=VERDICT_COLOURS["ok"], alpha=0.10, lw=0)
        ax.axhspan(*bad, color=VERDICT_COLOURS["fault"], alpha=0.13, lw=0)
        ax.axhline(b, color=VERDICT_COLOURS["fault"], lw=1, ls="--")
        ax.text(t[0], b, f" limit {b:g}", va="bottom" if direction < 0 else "top", ha="left",
                fontsize=8, color=VERDICT_COLOURS["fault"])
    colour = VERDICT_COLOURS.get(fault.verdict, "#333") if show_verdict else "#1f3b73"
    ax.plot(t, y, color="#1f3b73", lw=1.8)
    if segment.kind == "hold" and show_verdict:  # when the fault was present: a red bar along the bottom
        for a, bnd in fault.intervals:
            ax.axvspan(max(a, t[0]), min(bnd, t[-1]), ymin=0, ymax=0.04, color=VERDICT_COLOURS["fault"],
                       alpha=0.8, lw=0)
    mark = marker_s if marker_s is not None else fault.evidence.get("worst_s")
    if mark is not None and np.isfinite(float(mark)):
        ax.axvline(float(mark), color=colour, lw=1.2)
    ax.set_ylim(lo, hi)
    ax.set_xlim(t[0], t[-1] if t[-1] > t[0] else t[0] + 1)
    ax.set_xlabel("time (s)", fontsize=9)
    ax.set_ylabel(measure, fontsize=9)
    p = "" if fault.probability is None else f" — p={fault.probability:.2f}"
    head = f"{title}: {fault.verdict}{p}" if show_verdict else title
    ax.set_title(f"{head}\n{unit}", fontsize=9, color=colour)
    ax.tick_params(labelsize=8)
    return _fig_png(fig)


def timeline_strip_png(
    report: SetReport,
    segment: SegmentResult | None = None,
    *,
    threshold: float = FAULT_THRESHOLD,
    width_px: int = 500,
    row_px: int = 26,
) -> bytes:
    """A strip per fault showing, over time, good form (green), fault (red) and no data (grey).

    Parameters
    ----------
    report : SetReport
        ``report.timeline`` holds ``t`` (shape (S,)) and a probability per fault (shape (S,)).
    segment : SegmentResult, optional
        Restrict to the segment's time span (whole timeline otherwise).
    threshold : float
        Probability at or above which a sample is drawn as fault.

    Returns
    -------
    bytes
        A PNG.
    """
    from matplotlib.colors import ListedColormap

    tl = report.timeline or {}
    t = np.asarray(tl.get("t", []), float)
    faults = [k for k in tl if k != "t"]
    fig = _new_figure(width_px, row_px * max(len(faults), 1) + 44)
    ax = fig.add_subplot(1, 1, 1)
    if t.size == 0 or not faults:
        ax.text(0.5, 0.5, "no timeline for this report", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return _fig_png(fig)
    keep = np.ones(t.shape, bool) if segment is None else (t >= segment.start_s) & (t <= segment.end_s)
    if not keep.any():
        keep[:] = True
    tt = t[keep]
    codes = np.zeros((len(faults), tt.size))
    for r, fid in enumerate(faults):
        p = np.asarray(tl[fid], float)[keep]
        codes[r] = np.where(~np.isfinite(p), 2, np.where(p >= threshold, 1, 0))
    cmap = ListedColormap([VERDICT_COLOURS["ok"], VERDICT_COLOURS["fault"], "#cfcfcf"])
    dt = float(np.median(np.diff(tt))) if tt.size > 1 else 1.0
    ax.imshow(codes, aspect="auto", cmap=cmap, vmin=0, vmax=2, interpolation="nearest",
              extent=(tt[0] - dt / 2, tt[-1] + dt / 2, len(faults) - 0.5, -0.5))
    ax.set_yticks(range(len(faults)), faults, fontsize=8)
    ax.set_xlabel("time (s) — green: good form, red: fault, grey: not seen", fontsize=8)
    ax.tick_params(labelsize=8)
    return _fig_png(fig)
