"""The ``training_data/`` format: one example = a pose track (``.npz``) + its labels (``.json``).

Layout (documented for users in ``training_data/README.md``)::

    training_data/
        README.md
        synthetic/<id>.json   labels + provenance of a rendered synthetic clip
        synthetic/<id>.npz    the pose track MediaPipe returned on that clip
        real/<id>.json        a trainer-labelled real video (same format, ``source: "trainer"``)
        real/<id>.npz

``<id>.npz`` (``np.load(..., allow_pickle=False)``):

- ``image`` float16 (T, 33, 4) — MediaPipe's normalised image landmarks x, y, z, visibility; NaN rows
  where no person was found;
- ``world`` float16 (T, 33, 4) — world landmarks (metres), optional;
- ``t`` float32 (T,) — sample times in seconds;
- ``value__<fault_id>`` float16 (T,) — per-sample ground-truth fault value (the fault's physical
  ``measure``, e.g. hip offset in cm) for holds of synthetic clips; NaN outside holds.

``<id>.json`` (``schema: "repcheck.example/1"``): ``id``, ``exercise``, ``source`` (``synthetic`` |
``trainer``), ``track`` (npz file name), ``fps`` (source video fps), ``frame_size`` [w, h], ``segments``
(list of {``kind``, ``start_s``, ``end_s``, ``side``, ``faults``: {fault_id: {``severity``, ``value``,
``unit``, ``label`` (bool), ``labellers``}}}), ``groups`` ({``body``, ``room``, ``camera``} — identities
for grouped cross-validation), ``provenance`` (generator parameters and seed, or trainer + video sha256),
``pose`` (extractor and settings).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RepcheckError
from ..exercises import EXERCISES
from ..landmarks import PoseTrack

__all__ = [
    "EXAMPLE_SCHEMA",
    "LabelledSegment",
    "Example",
    "TrainingDataError",
    "default_training_dir",
    "write_example",
    "read_example",
    "load_examples",
    "dataset_hash",
    "examples_from_labels",
]

EXAMPLE_SCHEMA = "repcheck.example/1"
_ID_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


class TrainingDataError(RepcheckError):
    """An example in ``training_data/`` is missing, malformed or inconsistent."""


def default_training_dir() -> Path:
    """``training_data/`` at the top of the checkout (beside the ``repcheck`` package)."""
    return Path(__file__).resolve().parents[2] / "training_data"


@dataclass(frozen=True)
class LabelledSegment:
    """One ground-truth rep or hold with its per-fault labels.

    Attributes
    ----------
    kind : {"hold", "rep"}
    start_s, end_s : float
        Bounds in seconds.
    side : str or None
    faults : dict
        fault id -> {``severity`` (float | None), ``value`` (float | None, physical measure),
        ``unit``, ``label`` (bool: the fault is present), ``labellers`` (list, trainer labels)}.
    """

    kind: str
    start_s: float
    end_s: float
    side: str | None = None
    faults: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start_s": round(float(self.start_s), 3), "end_s": round(float(self.end_s), 3),
                "side": self.side, "faults": _clean(self.faults)}


@dataclass(frozen=True)
class Example:
    """One training example.

    Attributes
    ----------
    id : str
    exercise : str
    source : {"synthetic", "trainer"}
    track : PoseTrack
        Landmarks as MediaPipe returned them (float64 in memory).
    segments : list of LabelledSegment
    sample_values : dict of str -> ndarray of shape (T,)
        Per-sample ground-truth fault value (holds of synthetic clips).
    groups : dict of str -> str
        ``body``, ``room``, ``camera`` identities.
    provenance : dict
    pose : dict
    """

    id: str
    exercise: str
    source: str
    track: PoseTrack
    segments: list[LabelledSegment]
    sample_values: dict[str, np.ndarray] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    pose: dict[str, Any] = field(default_factory=dict)

    def group(self, key: str = "body") -> str:
        """The identity used to group CV folds (falls back to the example id)."""
        return str(self.groups.get(key) or self.id)


def _clean(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, floats rounded to 4 decimals, NaN to None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if not np.isfinite(f) else round(f, 4)
    return value


#: Quantisation steps per column (x, y, z, visibility) before float16: image x, y to 1/2048 of the frame
#: (0.25 px at 480 px, below MediaPipe's ~1 px jitter), z to 1/512, visibility to 0.01; world x, y, z to
#: 5 mm, visibility to 0.05. About 27 kB per 13 s clip at 10 fps after compression.
IMAGE_STEPS = (2048.0, 2048.0, 512.0, 100.0)
WORLD_STEPS = (200.0, 200.0, 200.0, 20.0)


def _quantise(a: np.ndarray, steps: tuple[float, ...]) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64).copy()
    for i, s in enumerate(steps):
        a[..., i] = np.round(a[..., i] * s) / s
    return a.astype(np.float16)


def _f16(a: np.ndarray, decimals: int = 4) -> np.ndarray:
    return np.round(np.asarray(a, dtype=np.float64), decimals).astype(np.float16)


def write_example(out_dir: str | Path, example: Example) -> Path:
    """Write ``<id>.npz`` and ``<id>.json`` into ``out_dir``; return the JSON path.

    Landmarks are quantised (:data:`IMAGE_STEPS`, :data:`WORLD_STEPS`) and stored as float16, times as
    float32.
    """
    if not _ID_RE.match(example.id):
        raise TrainingDataError(f"example id {example.id!r} must be letters, digits, '.', '_' or '-'")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tr = example.track
    arrays: dict[str, np.ndarray] = {"image": _quantise(tr.image, IMAGE_STEPS), "t": tr.t.astype(np.float32)}
    if tr.world is not None:
        arrays["world"] = _quantise(tr.world, WORLD_STEPS)
    for fault, values in example.sample_values.items():
        v = np.asarray(values, dtype=float)
        if v.shape != tr.t.shape:
            raise TrainingDataError(f"sample values of {fault!r} have shape {v.shape}, expected {tr.t.shape}")
        arrays[f"value__{fault}"] = _f16(v, 2)
    npz = out_dir / f"{example.id}.npz"
    np.savez_compressed(npz, **arrays)
    meta = {
        "schema": EXAMPLE_SCHEMA,
        "id": example.id,
        "exercise": example.exercise,
        "source": example.source,
        "track": npz.name,
        "fps": float(tr.fps),
        "frame_size": [int(tr.frame_size[0]), int(tr.frame_size[1])],
        "segments": [s.to_dict() for s in example.segments],
        "groups": {k: str(v) for k, v in example.groups.items()},
        "provenance": _clean(example.provenance),
        "pose": _clean(example.pose),
    }
    js = out_dir / f"{example.id}.json"
    js.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return js


def read_example(json_path: str | Path) -> Example:
    """Read one example (its ``.json`` and the ``.npz`` it names).

    Raises
    ------
    TrainingDataError
        Wrong schema, missing track file, inconsistent shapes.
    """
    json_path = Path(json_path)
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrainingDataError(f"cannot read example {json_path}: {exc}") from None
    if not isinstance(meta, dict) or meta.get("schema") != EXAMPLE_SCHEMA:
        raise TrainingDataError(f"{json_path} is not a repcheck example (schema {EXAMPLE_SCHEMA!r})")
    npz = json_path.parent / str(meta.get("track", ""))
    try:
        with np.load(npz, allow_pickle=False) as z:
            image = z["image"].astype(np.float64)
            world = z["world"].astype(np.float64) if "world" in z.files else None
            t = z["t"].astype(np.float64)
            values = {k.split("__", 1)[1]: z[k].astype(np.float64) for k in z.files if k.startswith("value__")}
    except (OSError, KeyError, ValueError) as exc:
        raise TrainingDataError(f"cannot read the track {npz} of example {meta.get('id')}: {exc}") from None
    try:
        track = PoseTrack(image=image, t=t, frame_size=tuple(meta["frame_size"]), fps=float(meta["fps"]),
                          world=world, source={"example": meta["id"], **meta.get("pose", {})})
        segments = [LabelledSegment(kind=s["kind"], start_s=float(s["start_s"]), end_s=float(s["end_s"]),
                                    side=s.get("side"), faults=dict(s.get("faults") or {}))
                    for s in meta["segments"]]
    except (KeyError, TypeError, ValueError, RepcheckError) as exc:
        raise TrainingDataError(f"example {json_path} is malformed: {exc}") from None
    return Example(id=str(meta["id"]), exercise=str(meta["exercise"]), source=str(meta.get("source", "synthetic")),
                   track=track, segments=segments, sample_values=values, groups=dict(meta.get("groups") or {}),
                   provenance=dict(meta.get("provenance") or {}), pose=dict(meta.get("pose") or {}))


def example_files(root: str | Path) -> list[Path]:
    """Sorted example JSON files under ``root`` (recursively)."""
    root = Path(root)
    if not root.exists():
        raise TrainingDataError(f"no training data at {root}: build it with `python -m repcheck.training.build`")
    return sorted(p for p in root.rglob("*.json") if p.with_suffix(".npz").exists())


def load_examples(root: str | Path | None = None, *, exercise: str | None = None) -> list[Example]:
    """Load every example under ``root`` (default ``training_data/``), optionally of one exercise."""
    out = []
    for p in example_files(root or default_training_dir()):
        if exercise is not None:
            # cheap filter before loading arrays
            meta = json.loads(p.read_text(encoding="utf-8"))
            if meta.get("exercise") != exercise:
                continue
        out.append(read_example(p))
    return out


def dataset_hash(paths: Iterable[Path], extra: Sequence[Any] = ()) -> str:
    """sha256 over the bytes of the given files (in sorted order) and any extra JSON-able records."""
    h = hashlib.sha256()
    for p in sorted(Path(p) for p in paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    for rec in extra:
        h.update(json.dumps(_clean(rec), sort_keys=True).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- trainer labels


def examples_from_labels(
    rows: Sequence[dict[str, Any]],
    *,
    track_for: Any = None,
) -> list[Example]:
    """Turn label-store rows (``LabelStore.labelled_examples()``) into examples, one per video.

    Several labellers on the same (segment, fault): the majority wins; a tie is left out (the trainers
    disagree — the label store shows it as a disagreement).

    Parameters
    ----------
    rows : sequence of dict
        ``video_sha256, video_path, exercise, start_s, end_s, fault, label ("fault"|"ok"), labeller``.
    track_for : callable ``(video_path, exercise) -> PoseTrack``, optional
        How to get the pose track (default: :func:`repcheck.pose.extract_pose` at the exercise's analysis
        rate, cached — the analyser's own track of that video).
    """
    if track_for is None:
        from ..pose import extract_pose

        def track_for(path: str, exercise: str) -> Any:  # the analyser's rate and cache for that exercise
            return extract_pose(path, exercise=exercise)
    by_video: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r.get("label") in ("fault", "ok"):
            by_video[(str(r["video_sha256"]), str(r["exercise"]))].append(r)
    out = []
    for (sha, exercise), rs in sorted(by_video.items()):
        segs: dict[tuple[float, float], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for r in rs:
            segs[(round(float(r["start_s"]), 2), round(float(r["end_s"]), 2))][str(r["fault"])].append(r)
        segments = []
        kind = "hold" if EXERCISES.get(exercise) is not None and EXERCISES[exercise].kind == "hold" else "rep"
        for (s, e), faults in sorted(segs.items()):
            fd = {}
            for fault, votes in faults.items():
                c = Counter(v["label"] for v in votes)
                if c["fault"] == c["ok"]:
                    continue
                fd[fault] = {"severity": None, "value": None, "unit": None, "label": c["fault"] > c["ok"],
                             "labellers": sorted({str(v["labeller"]) for v in votes})}
            if fd:
                segments.append(LabelledSegment(kind=kind, start_s=s, end_s=e, side=None, faults=fd))
        if not segments:
            continue
        path = rs[0]["video_path"]
        track = track_for(path, exercise)
        labellers = sorted({str(r["labeller"]) for r in rs})
        out.append(Example(
            id=f"real-{exercise}-{sha[:12]}", exercise=exercise, source="trainer", track=track,
            segments=segments, groups={"body": f"video-{sha[:12]}", "room": f"video-{sha[:12]}",
                                       "camera": f"video-{sha[:12]}"},
            provenance={"trainer": labellers, "video_sha256": sha, "video_path": str(path),
                        "labelled_at": max(str(r.get("labelled_at") or "") for r in rs)},
            pose=dict(track.source.get("settings") and {"settings": track.source["settings"],
                                                         "extractor": track.source.get("extractor")} or {}),
        ))
    return out
