"""Fake SetReports (with a PoseTrack and signals) and a matching tiny stick-figure video, for widget tests.

Nothing here runs MediaPipe: :func:`plank_report` and :func:`bridge_report` build the report the pipeline
would return for a side-view plank hold (hips sagging from 4 s on) and a set of glute bridges (rep 2 arches,
rep 3 cannot be judged), and :func:`write_stick_video` renders the same landmarks as a small mp4 so the
evidence frames have real video to read. :func:`fake_analyze` mimics ``repcheck.analyze``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from repcheck.errors import NotAVideoError
from repcheck.landmarks import LM, SKELETON_EDGES, PoseTrack
from repcheck.report import FaultResult, SegmentResult, SetReport

FPS = 10.0
SIZE = (320, 180)  # w, h


def _plank_pose(sag: float) -> np.ndarray:
    """One side-view plank pose, shape (33, 4); ``sag`` lowers the hips (normalised units, + = down)."""
    p = np.full((33, 4), np.nan)
    pts = {
        "nose": (0.16, 0.50), "left_ear": (0.19, 0.49), "right_ear": (0.19, 0.49),
        "left_shoulder": (0.27, 0.55), "right_shoulder": (0.27, 0.55),
        "left_elbow": (0.27, 0.72), "right_elbow": (0.27, 0.72),
        "left_wrist": (0.37, 0.72), "right_wrist": (0.37, 0.72),
        "left_index": (0.40, 0.72), "right_index": (0.40, 0.72),
        "left_hip": (0.52, 0.58 + sag), "right_hip": (0.52, 0.58 + sag),
        "left_knee": (0.67, 0.62 + sag / 3), "right_knee": (0.67, 0.62 + sag / 3),
        "left_ankle": (0.82, 0.66), "right_ankle": (0.82, 0.66),
        "left_heel": (0.84, 0.65), "right_heel": (0.84, 0.65),
        "left_foot_index": (0.83, 0.70), "right_foot_index": (0.83, 0.70),
    }
    for name, (x, y) in pts.items():
        p[LM[name]] = (x, y, 0.0, 0.95)
    return p


def _bridge_pose(lift: float) -> np.ndarray:
    """One side-view glute-bridge pose, shape (33, 4); ``lift`` in 0..1.3 raises the hips."""
    p = np.full((33, 4), np.nan)
    hip_y = 0.75 - 0.22 * lift
    pts = {
        "nose": (0.15, 0.74), "left_ear": (0.17, 0.73), "right_ear": (0.17, 0.73),
        "left_shoulder": (0.27, 0.76), "right_shoulder": (0.27, 0.76),
        "left_elbow": (0.37, 0.80), "right_elbow": (0.37, 0.80),
        "left_wrist": (0.47, 0.80), "right_wrist": (0.47, 0.80),
        "left_hip": (0.52, hip_y), "right_hip": (0.52, hip_y),
        "left_knee": (0.68, 0.48), "right_knee": (0.68, 0.48),
        "left_ankle": (0.74, 0.78), "right_ankle": (0.74, 0.78),
        "left_heel": (0.73, 0.80), "right_heel": (0.73, 0.80),
        "left_foot_index": (0.80, 0.80), "right_foot_index": (0.80, 0.80),
    }
    for name, (x, y) in pts.items():
        p[LM[name]] = (x, y, 0.0, 0.95)
    return p


def plank_track(seconds: float = 8.0, fps: float = FPS, source: dict | None = None) -> tuple[PoseTrack, np.ndarray]:
    """A plank track and its hip offset (cm, shape (T,)): level until 4 s, then sagging to ~-9 cm."""
    t = np.arange(int(seconds * fps)) / fps
    sag = np.clip((t - 4.0) / 1.5, 0, 1) * 0.06
    image = np.stack([_plank_pose(s) for s in sag])
    image[:3] = np.nan  # nobody in the first 0.3 s: missing landmarks are normal
    offset = 2.0 - sag / 0.06 * 11.0
    offset[:3] = np.nan
    return PoseTrack(image=image, t=t, frame_size=SIZE, fps=fps, source=source or {}), offset


def plank_report(video_path: str | Path | None = None, *, seconds: float = 8.0) -> SetReport:
    """A plank hold from 0.5 s to the end; ``hips_sag`` is a fault from 4.5 s, ``hips_pike`` ok."""
    track, offset = plank_track(seconds)
    end = float(track.t[-1])
    p_sag = np.clip((track.t - 3.8) / 1.0, 0, 1) * 0.93 + 0.03
    p_pike = np.full_like(track.t, 0.02)
    p_sag[:3] = np.nan
    p_pike[:3] = np.nan
    sag = FaultResult(
        id="hips_sag", probability=0.91, verdict="fault", intervals=[(4.5, end)],
        evidence={"measure": "hip_offset_cm", "value": -9.0, "unit": "cm above the shoulder–ankle line",
                  "boundary": -3.0, "worst_s": 6.5},
        cue="Your lower back is sagging. Tuck your tail under so your hips come up level with your shoulders.",
    )
    pike = FaultResult(
        id="hips_pike", probability=0.04, verdict="ok",
        evidence={"measure": "hip_offset_cm", "value": 2.0, "unit": "cm above the shoulder–ankle line",
                  "boundary": 10.0, "worst_s": 1.0},
        cue="Your hips are too high.",
    )
    seg = SegmentResult(index=1, kind="hold", start_s=0.5, end_s=end, faults=[sag, pike])
    return SetReport(
        exercise="plank",
        video=_video_dict(video_path, track),
        segments=[seg],
        timeline={"t": track.t.copy(), "hips_sag": p_sag, "hips_pike": p_pike},
        warnings=["no person seen in the first 0.3 s"],
        track=track,
        signals={"hip_offset_cm": offset},
    )


def bridge_track(reps: int = 3, rep_s: float = 2.0, fps: float = FPS) -> tuple[PoseTrack, np.ndarray]:
    """Glute bridges: ``reps`` reps of ``rep_s`` seconds after 0.5 s of rest; rep 2 pushes past the line."""
    t = np.arange(int((0.5 + reps * rep_s + 0.5) * fps)) / fps
    phase = np.clip((t - 0.5) / rep_s, 0, reps)
    k = np.minimum(phase.astype(int), reps - 1)
    lift = np.sin(np.pi * (phase - np.floor(phase))) * np.where(k == 1, 1.3, 1.0)
    lift[(t < 0.5) | (t > 0.5 + reps * rep_s)] = 0
    image = np.stack([_bridge_pose(v) for v in lift])
    ext = -60.0 + lift * 62.0  # degrees past the shoulder–hip–knee line
    return PoseTrack(image=image, t=t, frame_size=SIZE, fps=fps), ext


def bridge_report(video_path: str | Path | None = None) -> SetReport:
    """Three glute-bridge reps: 1 ok, 2 ``lower_back_arch`` fault, 3 ``unsure`` (hips out of view)."""
    track, ext = bridge_track()
    segs = []
    specs = [(0.12, "ok", 0.08, "ok"), (0.88, "fault", 0.10, "ok"), (None, "unsure", 0.55, "fault")]
    for i, (p_arch, v_arch, p_inc, v_inc) in enumerate(specs):
        a, b = 0.5 + 2.0 * i, 0.5 + 2.0 * (i + 1)
        mid = (a + b) / 2
        ev = {"measure": "hip_extension_deg", "value": float(ext[int(mid * FPS)]),
              "unit": "degrees past the shoulder–hip–knee line", "boundary": 10.0, "worst_s": mid}
        if v_arch == "unsure":
            ev["reason"] = "hips out of view for most of the rep"
        segs.append(SegmentResult(index=i + 1, kind="rep", start_s=a, end_s=b, faults=[
            FaultResult("lower_back_arch", p_arch, v_arch, [(a, b)] if v_arch == "fault" else [], ev,
                        "Stop when shoulders, hips and knees make a straight line."),
            FaultResult("incomplete_extension", p_inc, v_inc, [(a, b)] if v_inc == "fault" else [],
                        {**ev, "boundary": -15.0, "reason": None},
                        "Drive the hips higher with your glutes."),
        ]))
    return SetReport(
        exercise="glute_bridge",
        video=_video_dict(video_path, track),
        segments=segs,
        timeline={"t": track.t.copy(), "lower_back_arch": np.zeros_like(track.t),
                  "incomplete_extension": np.zeros_like(track.t)},
        warnings=[],
        track=track,
        signals={"hip_extension_deg": ext},
    )


def _video_dict(video_path: str | Path | None, track: PoseTrack) -> dict:
    return {
        "path": None if video_path is None else str(video_path),
        "sha256": None if video_path is None else _sha256(video_path),
        "fps": track.fps, "frames": track.n_frames, "duration_s": float(track.t[-1] + 1 / track.fps),
        "width": track.frame_size[0], "height": track.frame_size[1],
    }


def _sha256(path: str | Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_stick_video(path: str | Path, track: PoseTrack) -> Path:
    """Render ``track`` as a small mp4 of a white stick figure on grey, one frame per sample."""
    path = Path(path)
    w, h = track.frame_size
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), track.fps, (w, h))
    for k in range(track.n_frames):
        img = np.full((h, w, 3), 90, np.uint8)
        cv2.rectangle(img, (0, int(h * 0.74)), (w, h), (60, 70, 80), -1)  # floor
        lm = track.image[k]
        for a, b in SKELETON_EDGES:
            if np.isfinite(lm[[a, b], 0]).all():
                pa = tuple(int(v) for v in lm[a, :2] * (w, h))
                pb = tuple(int(v) for v in lm[b, :2] * (w, h))
                cv2.line(img, pa, pb, (235, 235, 235), 5, cv2.LINE_AA)
        cv2.putText(img, f"{track.t[k]:.1f}s", (5, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1)
        out.write(img)
    out.release()
    return path


def make_fake_analyze(calls: list | None = None) -> Callable:
    """A stand-in for ``repcheck.analyze(path, exercise=..., progress=...)``.

    Plank / glute-bridge reports for a readable video, a :class:`NotAVideoError` for anything OpenCV
    cannot open; it reports progress 0..4 of 4. Each call is appended to ``calls`` as (path, exercise).
    """

    def fake_analyze(path, exercise=None, progress=None, **kwargs):
        if calls is not None:
            calls.append((str(path), exercise))
        cap = cv2.VideoCapture(str(path))
        ok = cap.isOpened() and cap.read()[0]
        cap.release()
        if not ok:
            raise NotAVideoError(f"{Path(path).name} is not a video OpenCV can read")
        for k in range(5):
            if progress is not None:
                progress(k, 4)
        if exercise == "glute_bridge":
            return bridge_report(path)
        return plank_report(path)

    return fake_analyze
