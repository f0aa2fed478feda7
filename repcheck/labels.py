"""The label store: trainers' verdicts on reps/holds, kept in SQLite so that no label is ever lost.

- :class:`LabelStore` — one SQLite file (stdlib :mod:`sqlite3`, ``journal_mode=WAL``, ``synchronous=FULL``,
  one transaction per label, a ``busy_timeout`` so several labellers/processes can write at once).
  Tables: ``items`` (one per video × segment × fault, with the model's probability) and ``labels``
  (item, fault, value ``fault | ok | skip``, labeller, time). Undo never deletes: it marks the label
  retracted, so the history of who said what and when is kept.
- :class:`LabelQueue` — the labelling order for one labeller: enqueue / pop / submit / undo / progress,
  most uncertain first (model probability closest to the decision threshold; unjudged items first).
- :func:`items_from_report` — the label items of a :class:`~repcheck.report.SetReport`.

This module imports no widgets: the labelling app (``repcheck.widgets``) is a view over it.
The trainer consumes :meth:`LabelStore.labelled_examples`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from .report import SetReport

__all__ = [
    "LABEL_VALUES",
    "LabelItem",
    "LabelStore",
    "LabelQueue",
    "items_from_report",
    "default_labels_path",
]

LabelValue = Literal["fault", "ok", "skip"]
LABEL_VALUES: tuple[str, ...] = ("fault", "ok", "skip")
#: The judge's decision threshold: a probability this close to it is the most uncertain.
DEFAULT_THRESHOLD = 0.5
#: Milliseconds a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id            INTEGER PRIMARY KEY,
    video_sha256  TEXT    NOT NULL,
    video_path    TEXT    NOT NULL,
    exercise      TEXT    NOT NULL,
    segment_index INTEGER NOT NULL,
    start_s       REAL    NOT NULL,
    end_s         REAL    NOT NULL,
    fault         TEXT    NOT NULL,
    probability   REAL,
    threshold     REAL,
    added_at      TEXT    NOT NULL,
    UNIQUE (video_sha256, exercise, segment_index, fault)
);
CREATE TABLE IF NOT EXISTS labels (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items(id),
    fault        TEXT    NOT NULL,
    value        TEXT    NOT NULL CHECK (value IN ('fault', 'ok', 'skip')),
    labeller     TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    retracted_at TEXT
);
CREATE INDEX IF NOT EXISTS labels_item ON labels (item_id, labeller);
"""

# The latest label each labeller gave each item (retracted labels don't count).
_CURRENT = """
SELECT l.* FROM labels l
WHERE l.retracted_at IS NULL AND l.id = (
    SELECT MAX(l2.id) FROM labels l2
    WHERE l2.item_id = l.item_id AND l2.labeller = l.labeller AND l2.retracted_at IS NULL)
"""


def default_labels_path() -> Path:
    """Where the label store lives: ``$REPCHECK_LABELS``, else ``~/.repcheck/labels.sqlite``."""
    env = os.environ.get("REPCHECK_LABELS")
    return Path(env).expanduser() if env else Path.home() / ".repcheck" / "labels.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class LabelItem:
    """One thing to label: a fault on one rep/hold of one video.

    Attributes
    ----------
    video_sha256 : str
        Content hash of the video (the identity; paths move).
    video_path : str
        Where the video was when the item was added.
    exercise : str
    segment_index : int
        1-based segment index of the report.
    start_s, end_s : float
        Segment bounds in seconds.
    fault : str
        Fault id.
    probability : float or None
        The model's fault probability (None when it answered ``unsure``).
    threshold : float or None
        The model's decision threshold for this fault (``evidence["threshold"]``), when known.
    id : int or None
        Row id once stored.
    """

    video_sha256: str
    video_path: str
    exercise: str
    segment_index: int
    start_s: float
    end_s: float
    fault: str
    probability: float | None = None
    threshold: float | None = None
    id: int | None = None

    def uncertainty_key(self, threshold: float = DEFAULT_THRESHOLD) -> float:
        """Distance of the probability from the decision threshold (the item's own when known, else
        ``threshold``): 0 = most uncertain; an unjudged item (probability None) counts as 0."""
        if self.probability is None:
            return 0.0
        return abs(float(self.probability) - (threshold if self.threshold is None else float(self.threshold)))

    def describe(self) -> str:
        """``"glute_bridge rep 2 (2.5–4.5 s) · lower_back_arch"``."""
        return (f"{self.exercise} segment {self.segment_index} ({self.start_s:.1f}–{self.end_s:.1f} s)"
                f" · {self.fault}")


def items_from_report(report: SetReport, video_path: str | Path | None = None) -> list[LabelItem]:
    """One :class:`LabelItem` per segment × fault of a report.

    Raises
    ------
    ValueError
        If the report has no video sha256 (landmark-only reports cannot be labelled against video).
    """
    sha = (report.video or {}).get("sha256")
    path = video_path if video_path is not None else (report.video or {}).get("path")
    if not sha or not path:
        raise ValueError("report has no video path/sha256: only reports of video files can be labelled")
    return [
        LabelItem(video_sha256=str(sha), video_path=str(path), exercise=report.exercise,
                  segment_index=int(seg.index), start_s=float(seg.start_s), end_s=float(seg.end_s),
                  fault=f.id, probability=None if f.probability is None else float(f.probability),
                  threshold=_float_or_none(f.evidence.get("threshold")))
        for seg in report.segments for f in seg.faults
    ]


def _float_or_none(x: Any) -> float | None:
    try:
        return None if x is None else float(x)
    except (TypeError, ValueError):
        return None


class LabelStore:
    """SQLite label store (see module docstring).

    Parameters
    ----------
    path : path
        The database file; created (with its folder) if missing.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                                     isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        with self._transaction() as c:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    c.execute(statement)

    def __repr__(self) -> str:
        return f"LabelStore({str(self.path)!r})"

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _transaction(self):
        """One write transaction (``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on error)."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    # ------------------------------------------------------------------ items
    def add_items(self, items: Iterable[LabelItem]) -> list[LabelItem]:
        """Store items (one transaction); an item already present keeps its id and labels and gets the
        new probability and path. Returns the items with their ids."""
        out = []
        with self._transaction() as c:
            for it in items:
                c.execute(
                    "INSERT INTO items (video_sha256, video_path, exercise, segment_index, start_s, end_s,"
                    " fault, probability, threshold, added_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (video_sha256, exercise, segment_index, fault) DO UPDATE SET"
                    " probability = excluded.probability, threshold = excluded.threshold,"
                    " video_path = excluded.video_path,"
                    " start_s = excluded.start_s, end_s = excluded.end_s",
                    (it.video_sha256, it.video_path, it.exercise, int(it.segment_index), float(it.start_s),
                     float(it.end_s), it.fault, it.probability, it.threshold, _now()),
                )
                row = c.execute(
                    "SELECT id FROM items WHERE video_sha256=? AND exercise=? AND segment_index=? AND fault=?",
                    (it.video_sha256, it.exercise, int(it.segment_index), it.fault),
                ).fetchone()
                out.append(replace(it, id=int(row["id"])))
        return out

    def items(self) -> list[LabelItem]:
        """All items, in insertion order."""
        return [_item(r) for r in self._conn.execute("SELECT * FROM items ORDER BY id")]

    def item(self, item_id: int) -> LabelItem:
        row = self._conn.execute("SELECT * FROM items WHERE id = ?", (int(item_id),)).fetchone()
        if row is None:
            raise KeyError(f"no label item with id {item_id}")
        return _item(row)

    # ------------------------------------------------------------------ labels
    def add_label(self, item_id: int, value: str, labeller: str, *, fault: str | None = None) -> int:
        """Record one label in its own committed transaction; returns the label id.

        Raises
        ------
        ValueError
            For a value other than ``fault``, ``ok``, ``skip`` or an empty labeller name.
        KeyError
            For an unknown item.
        """
        if value not in LABEL_VALUES:
            raise ValueError(f"label must be one of {', '.join(LABEL_VALUES)}; got {value!r}")
        labeller = (labeller or "").strip()
        if not labeller:
            raise ValueError("labeller name is empty: type your name before labelling")
        with self._transaction() as c:
            row = c.execute("SELECT fault FROM items WHERE id = ?", (int(item_id),)).fetchone()
            if row is None:
                raise KeyError(f"no label item with id {item_id}")
            cur = c.execute(
                "INSERT INTO labels (item_id, fault, value, labeller, created_at) VALUES (?,?,?,?,?)",
                (int(item_id), fault or row["fault"], value, labeller, _now()),
            )
            return int(cur.lastrowid)

    def retract(self, label_id: int) -> None:
        """Mark a label as withdrawn (undo). The row stays, with ``retracted_at`` set."""
        with self._transaction() as c:
            c.execute("UPDATE labels SET retracted_at = ? WHERE id = ? AND retracted_at IS NULL",
                      (_now(), int(label_id)))

    def labels(self, *, include_retracted: bool = False) -> list[dict[str, Any]]:
        """Every label row as a dict (``id, item_id, fault, value, labeller, created_at, retracted_at``)."""
        q = "SELECT * FROM labels" + ("" if include_retracted else " WHERE retracted_at IS NULL")
        return [dict(r) for r in self._conn.execute(q + " ORDER BY id")]

    def current_labels(self, labeller: str | None = None) -> dict[tuple[int, str], dict[str, Any]]:
        """The standing label per (item id, labeller), optionally for one labeller."""
        rows = self._conn.execute(_CURRENT + " ORDER BY l.id")
        return {(r["item_id"], r["labeller"]): dict(r) for r in rows
                if labeller is None or r["labeller"] == labeller}

    def labellers(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT labeller FROM labels ORDER BY labeller")]

    def disagreements(self) -> list[dict[str, Any]]:
        """Items where labellers' standing fault/ok labels differ (skips ignored).

        Returns
        -------
        list of dict
            ``item`` (:class:`LabelItem`) and ``labels`` (labeller → value), one per disputed item.
        """
        by_item: dict[int, dict[str, str]] = {}
        for (item_id, who), row in self.current_labels().items():
            if row["value"] != "skip":
                by_item.setdefault(item_id, {})[who] = row["value"]
        return [{"item": self.item(i), "labels": dict(sorted(v.items()))}
                for i, v in sorted(by_item.items()) if len(set(v.values())) > 1]

    def labelled_examples(self, *, as_frame: bool = False):
        """Training examples: one per standing fault/ok label (skips and retracted labels left out).

        Returns
        -------
        list of dict (or a pandas DataFrame with ``as_frame=True``)
            ``video_sha256, video_path, exercise, segment_index, start_s, end_s, fault, label
            ("fault"|"ok"), labeller, labelled_at, probability`` (the model's at labelling time).
        """
        q = ("SELECT i.video_sha256, i.video_path, i.exercise, i.segment_index, i.start_s, i.end_s,"
             " l.fault, l.value AS label, l.labeller, l.created_at AS labelled_at, i.probability"
             f" FROM ({_CURRENT}) l JOIN items i ON i.id = l.item_id WHERE l.value != 'skip' ORDER BY l.id")
        rows = [dict(r) for r in self._conn.execute(q)]
        if as_frame:
            import pandas as pd

            return pd.DataFrame(rows, columns=["video_sha256", "video_path", "exercise", "segment_index",
                                               "start_s", "end_s", "fault", "label", "labeller",
                                               "labelled_at", "probability"])
        return rows

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` (``"ok"`` for a sound file)."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])


def _item(row: sqlite3.Row) -> LabelItem:
    return LabelItem(video_sha256=row["video_sha256"], video_path=row["video_path"], exercise=row["exercise"],
                     segment_index=int(row["segment_index"]), start_s=float(row["start_s"]),
                     end_s=float(row["end_s"]), fault=row["fault"], probability=row["probability"],
                     threshold=row["threshold"], id=int(row["id"]))


class LabelQueue:
    """One labeller's queue over a :class:`LabelStore` (superintendent's ``DatabaseQueue`` shape).

    Parameters
    ----------
    store : LabelStore
    labeller : str
        Who is labelling; the queue holds the items this labeller has not labelled yet.
    threshold : float
        The model's decision threshold; items whose probability is closest to it come first.
    """

    def __init__(self, store: LabelStore, labeller: str = "", threshold: float = DEFAULT_THRESHOLD):
        self.store = store
        self.labeller = labeller
        self.threshold = threshold
        self._popped: set[int] = set()
        self._undo: list[tuple[int, int]] = []  # (label id, item id), newest last

    def enqueue(self, items: Iterable[LabelItem]) -> list[LabelItem]:
        """Add items to the store (idempotent); returns them with ids."""
        return self.store.add_items(items)

    def _open_items(self) -> list[LabelItem]:
        done = {item for item, _ in self.store.current_labels(self.labeller)}
        todo = [it for it in self.store.items() if it.id not in done]
        return sorted(todo, key=lambda it: (it.uncertainty_key(self.threshold), it.id))

    def pending(self) -> list[LabelItem]:
        """Items still to label by this labeller, most uncertain first."""
        return self._open_items()

    def pop(self) -> LabelItem | None:
        """The most uncertain item not labelled by this labeller and not already popped (None when done)."""
        for it in self._open_items():
            if it.id not in self._popped:
                self._popped.add(int(it.id))
                return it
        return None

    def release(self, item: LabelItem) -> None:
        """Put a popped but unlabelled item back."""
        self._popped.discard(int(item.id))

    def hold(self, item: LabelItem) -> None:
        """Mark an item as on show (``pop`` will not hand it out again until it is labelled/released)."""
        self._popped.add(int(item.id))

    def reset(self, labeller: str | None = None) -> None:
        """Start a new session (optionally for another labeller): nothing popped, nothing to undo."""
        if labeller is not None:
            self.labeller = labeller
        self._popped.clear()
        self._undo.clear()

    def submit(self, item: LabelItem | int, value: str, *, fault: str | None = None) -> int:
        """Label an item (written to SQLite at once); returns the label id."""
        item_id = int(item if isinstance(item, int) else item.id)
        label_id = self.store.add_label(item_id, value, self.labeller, fault=fault)
        self._popped.discard(item_id)
        self._undo.append((label_id, item_id))
        return label_id

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> LabelItem | None:
        """Withdraw this session's last label; returns its item (to show again) or None."""
        if not self._undo:
            return None
        label_id, item_id = self._undo.pop()
        self.store.retract(label_id)
        self._popped.discard(item_id)
        return self.store.item(item_id)

    @property
    def progress(self) -> tuple[int, int]:
        """(labelled by this labeller, total items)."""
        total = len(self.store.items())
        return len(self.store.current_labels(self.labeller)), total

    def progress_text(self) -> str:
        done, total = self.progress
        return f"{done} of {total}"

    def __len__(self) -> int:
        return len(self._open_items())
