"""Every notebook runs top to bottom in a fresh ``python3`` kernel (nbclient) and builds its app.

Assertions read the saved widget state (``nb.metadata.widgets``): the app's widgets are there with the
values a user would see. The kernel gets an isolated label store (``REPCHECK_LABELS``) and models dir.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures_reports as F  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = "python3"  # the venv's kernelspec (`python -m ipykernel install --sys-prefix`)


def run_notebook(name: str, cwd: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks cleared"
    NotebookClient(nb, timeout=240, kernel_name=KERNEL, resources={"metadata": {"path": str(cwd)}},
                   store_widget_state=True).execute()
    return nb


def widget_states(nb) -> list[dict]:
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return [m["state"] for m in state.get("state", {}).values()]


def displayed_app_classes(nb) -> list[list[str]]:
    """The ``_dom_classes`` of every widget displayed as a cell output."""
    states = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            view = o.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                out.append(list(states[view["model_id"]]["state"].get("_dom_classes", [])))
    return out


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("REPCHECK_LABELS", str(tmp_path / "labels.sqlite"))
    monkeypatch.setenv("REPCHECK_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


def test_01_analyze_a_set(isolated):
    nb = run_notebook("01_analyze_a_set.ipynb", isolated)
    assert ["repcheck-analyzer"] in displayed_app_classes(nb)
    states = widget_states(nb)
    uploads = [s for s in states if s.get("_model_name") == "FileUploadModel"]
    assert uploads and uploads[0]["accept"] == ".mp4,.mov,.avi,.webm"
    dropdown = next(s for s in states if s.get("description") == "Exercise")
    assert "Forearm plank (plank)" in dropdown["_options_labels"]
    assert any(s.get("description") == "Analyse" for s in states)


def test_02_label_examples_shows_stored_progress(isolated, monkeypatch):
    from repcheck.labels import LabelQueue, LabelStore, items_from_report

    video = F.write_stick_video(isolated / "bridge.mp4", F.bridge_track()[0])
    store = LabelStore(isolated / "labels.sqlite")
    q = LabelQueue(store, "ann")
    q.enqueue(items_from_report(F.bridge_report(video)))
    q.submit(q.pop(), "fault")
    store.close()
    monkeypatch.setenv("REPCHECK_LABELLER", "ann")
    nb = run_notebook("02_label_examples.ipynb", isolated)
    assert ["repcheck-labeling"] in displayed_app_classes(nb)
    html = json.dumps(widget_states(nb))
    assert "1 of 6</b> labelled" in html  # the label written before the kernel started is there
    assert "incomplete_extension" in html  # the next most uncertain item is on show


def test_03_train_and_evaluate(isolated):
    nb = run_notebook("03_train_and_evaluate.ipynb", isolated)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "0 trainer label(s)" in text
    assert ["repcheck-training"] in displayed_app_classes(nb)
    assert any(s.get("description") == "Retrain" for s in widget_states(nb))
