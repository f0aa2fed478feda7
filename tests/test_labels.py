"""The label store and queue: ordering, undo, progress, disagreements, training export, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repcheck.labels import LabelItem, LabelQueue, LabelStore, default_labels_path, items_from_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures_reports as F  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _item(seg: int, p: float | None, fault: str = "hips_sag", sha: str = "a" * 64) -> LabelItem:
    return LabelItem(video_sha256=sha, video_path="/videos/x.mp4", exercise="plank", segment_index=seg,
                     start_s=float(seg), end_s=seg + 1.0, fault=fault, probability=p)


@pytest.fixture
def store(tmp_path):
    s = LabelStore(tmp_path / "labels.sqlite")
    yield s
    s.close()


# ---------------------------------------------------------------- LabelStore
class TestLabelStore:
    def test_empty(self, store):
        assert store.items() == []
        assert store.labelled_examples() == []
        assert store.disagreements() == []
        assert len(store.labelled_examples(as_frame=True)) == 0

    def test_pragmas_wal_and_full_sync(self, store):
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000

    def test_add_items_is_idempotent_and_updates_probability(self, store):
        a = store.add_items([_item(1, 0.2), _item(2, 0.7)])
        b = store.add_items([_item(1, 0.45)])
        assert [i.id for i in a][:1] == [b[0].id]
        assert len(store.items()) == 2
        assert store.item(b[0].id).probability == pytest.approx(0.45)

    def test_label_is_visible_to_another_connection_at_once(self, store, tmp_path):
        (it,) = store.add_items([_item(1, 0.5)])
        store.add_label(it.id, "fault", "ann")
        other = LabelStore(tmp_path / "labels.sqlite")
        assert [(r["value"], r["labeller"]) for r in other.labels()] == [("fault", "ann")]
        other.close()

    def test_raises_on_bad_value_empty_name_unknown_item(self, store):
        (it,) = store.add_items([_item(1, 0.5)])
        with pytest.raises(ValueError, match="one of fault, ok, skip"):
            store.add_label(it.id, "maybe", "ann")
        with pytest.raises(ValueError, match="labeller name is empty"):
            store.add_label(it.id, "ok", "  ")
        with pytest.raises(KeyError, match="no label item"):
            store.add_label(999, "ok", "ann")
        assert store.labels() == []

    def test_retract_keeps_the_row(self, store):
        (it,) = store.add_items([_item(1, 0.5)])
        lid = store.add_label(it.id, "ok", "ann")
        store.retract(lid)
        assert store.labels() == []
        (row,) = store.labels(include_retracted=True)
        assert row["retracted_at"] is not None

    def test_disagreements_ignore_skips_and_agreement(self, store):
        a, b, c = store.add_items([_item(1, 0.5), _item(2, 0.5), _item(3, 0.5)])
        store.add_label(a.id, "fault", "ann")
        store.add_label(a.id, "ok", "bob")  # disagree
        store.add_label(b.id, "ok", "ann")
        store.add_label(b.id, "ok", "bob")  # agree
        store.add_label(c.id, "fault", "ann")
        store.add_label(c.id, "skip", "bob")  # a skip is no opinion
        (d,) = store.disagreements()
        assert d["item"].id == a.id
        assert d["labels"] == {"ann": "fault", "bob": "ok"}

    def test_labelled_examples_for_training(self, store):
        a, b = store.add_items([_item(1, 0.3), _item(2, 0.6)])
        store.add_label(a.id, "ok", "ann")
        store.add_label(a.id, "fault", "ann")  # changed her mind: the latest label stands
        store.add_label(b.id, "skip", "ann")
        (ex,) = store.labelled_examples()
        assert ex["label"] == "fault" and ex["labeller"] == "ann" and ex["fault"] == "hips_sag"
        assert {"video_sha256", "video_path", "exercise", "start_s", "end_s", "segment_index"} <= set(ex)
        df = store.labelled_examples(as_frame=True)
        assert list(df["label"]) == ["fault"]

    def test_items_from_report(self, tmp_path):
        video = F.write_stick_video(tmp_path / "b.mp4", F.bridge_track()[0])
        items = items_from_report(F.bridge_report(video))
        assert len(items) == 6  # 3 reps × 2 faults
        assert {i.fault for i in items} == {"lower_back_arch", "incomplete_extension"}
        assert items[4].probability is None  # rep 3 lower_back_arch was unsure
        with pytest.raises(ValueError, match="only reports of video files"):
            items_from_report(F.plank_report(None))

    def test_default_path_from_env(self, monkeypatch, tmp_path):
        monkeypatch.setenv("REPCHECK_LABELS", str(tmp_path / "x.sqlite"))
        assert default_labels_path() == tmp_path / "x.sqlite"


# ---------------------------------------------------------------- LabelQueue
class TestLabelQueue:
    def test_empty(self, store):
        q = LabelQueue(store, "ann")
        assert q.pop() is None
        assert q.undo() is None
        assert q.progress == (0, 0)

    def test_most_uncertain_first(self, store):
        q = LabelQueue(store, "ann")
        q.enqueue([_item(1, 0.95), _item(2, 0.48), _item(3, 0.05), _item(4, None), _item(5, 0.7)])
        order = []
        while (it := q.pop()) is not None:
            order.append(it.segment_index)
        assert order == [4, 2, 5, 1, 3]  # unjudged first, then |p - 0.5| ascending

    def test_per_fault_threshold_from_the_model(self, store):
        q = LabelQueue(store, "ann")
        a = _item(1, 0.30)  # 0.2 from the default 0.5
        b = LabelItem(**{**_item(2, 0.30).__dict__, "threshold": 0.25})  # 0.05 from its own threshold
        q.enqueue([a, b])
        assert q.pop().segment_index == 2
        assert store.items()[1].threshold == pytest.approx(0.25)

    def test_submit_progress_undo(self, store):
        q = LabelQueue(store, "ann")
        q.enqueue([_item(1, 0.5), _item(2, 0.9)])
        first = q.pop()
        q.submit(first, "fault")
        assert q.progress_text() == "1 of 2"
        assert q.pop().segment_index == 2
        back = q.undo()
        assert back.id == first.id
        assert q.progress_text() == "0 of 2"
        assert [r["retracted_at"] is not None for r in store.labels(include_retracted=True)] == [True]

    def test_queues_are_per_labeller(self, store):
        ann, bob = LabelQueue(store, "ann"), LabelQueue(store, "bob")
        ann.enqueue([_item(1, 0.5)])
        ann.submit(ann.pop(), "ok")
        assert ann.pop() is None
        assert bob.pop().segment_index == 1

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(ops=st.lists(st.sampled_from(["fault", "ok", "skip", "undo"]), max_size=15))
    def test_random_sessions_never_lose_or_duplicate(self, ops):
        with tempfile.TemporaryDirectory() as d:
            s = LabelStore(Path(d) / "l.sqlite")
            q = LabelQueue(s, "ann")
            q.enqueue([_item(i, i / 10) for i in range(1, 7)])
            standing: list[int] = []  # item ids with a label, in order (model of the queue)
            for op in ops:
                if op == "undo":
                    it = q.undo()
                    if standing:
                        assert it.id == standing.pop()
                    else:
                        assert it is None
                    continue
                it = q.pop()
                if it is None:
                    assert len(standing) == 6
                    continue
                assert it.id not in standing
                q.submit(it, op)
                standing.append(it.id)
            assert q.progress == (len(standing), 6)
            assert sorted(s.current_labels("ann")) == sorted((i, "ann") for i in standing)
            s.close()


# ---------------------------------------------------------------- crash safety
_WRITER = textwrap.dedent(
    """
    import sys
    from repcheck.labels import LabelStore
    store = LabelStore(sys.argv[1]); who = sys.argv[2]; n = int(sys.argv[3])
    ids = [it.id for it in store.items()]
    for k in range(n):
        lid = store.add_label(ids[k % len(ids)], ("fault", "ok", "skip")[k % 3], who)
        print(lid, flush=True)   # printed only after COMMIT returned
    """
)


def test_two_writers_one_killed_mid_write_loses_nothing(tmp_path):
    db = tmp_path / "labels.sqlite"
    s = LabelStore(db)
    s.add_items([_item(i, 0.5) for i in range(1, 11)])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    victim = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), "victim", "100000"],
                              stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
    steady = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), "steady", "150"],
                              stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        acked = []
        deadline = time.monotonic() + 60
        while len(acked) < 40 and time.monotonic() < deadline:  # the victim is writing steadily
            line = victim.stdout.readline()
            if not line:
                break
            acked.append(int(line))
        os.kill(victim.pid, signal.SIGKILL)
        rest, _ = victim.communicate(timeout=30)
        acked += [int(x) for x in rest.split()]
        out, _ = steady.communicate(timeout=120)
    finally:
        for p in (victim, steady):
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
    assert steady.returncode == 0
    assert victim.returncode == -signal.SIGKILL
    assert len(acked) >= 40
    check = LabelStore(db)
    assert check.integrity_check() == "ok"
    rows = {r["id"]: r for r in check.labels(include_retracted=True)}
    assert all(rows[i]["labeller"] == "victim" for i in acked)  # every acknowledged label survived
    assert sum(r["labeller"] == "steady" for r in rows.values()) == 150
    assert [int(x) for x in out.split()] == sorted(i for i, r in rows.items() if r["labeller"] == "steady")
    check.close()
    s.close()
