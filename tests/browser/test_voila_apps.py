"""The apps in a real browser: headless Chromium driving Voilà (``notebooks/``), the way a trainer uses them.

1. Analyzer: upload a small clip through the file chooser, open the part-of-the-frame panel and see the clip's
   frame in it, analyse, wait for the per-rep table, select the hold, see the evidence frame and the signal plot.
2. Labelling: type a name, label an item with a button and one with a key, reload, the labels are there.

The clip is a rendered synthetic sagging plank (``repcheck.synth``) — or, without the synth package, a few
seconds of the real plank clip. Screenshots of each app go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REAL = Path(__file__).resolve().parents[3] / "shared/data/real"
LOAD_TIMEOUT_MS = 120_000  # kernel start + imports on a busy 2-core machine
ANALYSE_TIMEOUT_MS = 240_000  # MediaPipe on ~100 frames


@pytest.fixture(scope="session")
def small_clip(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("clip")
    try:
        from repcheck.synth.clip import render_clip
    except ImportError:
        render_clip = None
    if render_clip is not None:
        return render_clip("plank", fault="hips_sag", severity=0.8, seconds=5, fps=10, size=(480, 270),
                           seed=3, out=d / "sagging_plank.mp4")
    src = REAL / "plank_correct_007.mp4"
    if not src.exists():
        pytest.skip("neither repcheck.synth nor the real clips are available")
    from test_widgets import cut_clip  # tests/ is on sys.path (rootdir-relative package browser)

    return cut_clip(src, d / "plank.mp4", start_s=0.0, seconds=4.0)


def _image_loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def shot(page, name: str, height: int = 2000) -> Path:
    """Screenshot the whole app: Voilà scrolls inside its own container, so grow the viewport instead."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(1000)  # let the last widget messages render (a picture, not an assertion)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def test_voila_analyzer_upload_table_evidence(voila_server, app_page, small_clip):
    page = app_page
    page.goto(f"{voila_server.url}/voila/render/01_analyze_a_set.ipynb", timeout=LOAD_TIMEOUT_MS)
    upload = page.locator("button.widget-upload")
    upload.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert page.locator("text=repcheck — analyse a set").is_visible()
    assert page.get_by_text("make_analyzer_app").count() == 0  # no code shown
    with page.expect_file_chooser() as fc:
        upload.click()
    fc.value.set_files(str(small_clip))
    page.get_by_text(re.compile(r"ready \(\d")).wait_for(timeout=30_000)
    # the panel for someone else in the picture opens on the uploaded video's frame
    page.get_by_text("Someone else in the picture?").click()
    page.wait_for_function("() => { const i = document.querySelector('img.repcheck-region');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)
    assert page.get_by_text("Across %").is_visible()
    shot(page, "voila_analyzer_region", height=900)
    page.get_by_role("button", name="Analyse").click()
    table = page.locator("table.repcheck-report")
    table.wait_for(timeout=ANALYSE_TIMEOUT_MS)
    text = table.inner_text()
    assert "hips_sag" in text and "hips_pike" in text
    assert page.locator(".repcheck-error").count() == 0
    page.get_by_role("button", name=re.compile(r"^Hold 1")).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.repcheck-card img')].filter("
        "i => i.complete && i.naturalWidth > 0).length >= 3", timeout=30_000)  # frame, plot, strip
    assert _image_loaded(page, ".repcheck-card img")
    assert page.get_by_text("Measured:").is_visible()
    shot(page, "voila_analyzer", height=1900)
    assert page.errors == []


def test_voila_labelling_round_trip(voila_server, app_page, small_clip):
    from repcheck import analyze
    from repcheck.labels import LabelStore, items_from_report

    store = LabelStore(voila_server.labels)
    items = store.add_items(items_from_report(analyze(str(small_clip), exercise="plank")))
    n = len(store.items())
    page = app_page
    url = f"{voila_server.url}/voila/render/02_label_examples.ipynb"
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    name = page.get_by_placeholder("your name, then Enter")
    name.wait_for(timeout=LOAD_TIMEOUT_MS)
    name.fill("ann")
    name.press("Enter")
    page.get_by_text(f"0 of {n}").wait_for(timeout=60_000)
    page.wait_for_function("() => [...document.querySelectorAll('.repcheck-item img')].filter("
                           "i => i.complete && i.naturalWidth > 0).length >= 2", timeout=60_000)
    shot(page, "voila_labelling", height=1500)
    page.get_by_role("button", name=re.compile(r"^Fault: ")).click()
    page.get_by_text(f"1 of {n}").wait_for(timeout=30_000)
    assert [r["value"] for r in store.labels()] == ["fault"]  # in SQLite at once
    page.hover(".repcheck-item")
    page.keyboard.press("o")
    page.get_by_text(f"2 of {n}").wait_for(timeout=30_000)

    page.reload(timeout=LOAD_TIMEOUT_MS)
    name = page.get_by_placeholder("your name, then Enter")
    name.wait_for(timeout=LOAD_TIMEOUT_MS)
    name.fill("ann")
    name.press("Enter")
    page.get_by_text(f"2 of {n}").wait_for(timeout=60_000)
    recent = page.locator("table.repcheck-recent").inner_text()
    assert "fault" in recent and "ok" in recent
    assert sorted((r["item_id"], r["value"], r["labeller"]) for r in store.labels()) == sorted(
        [(items[0].id, "fault", "ann"), (items[1].id, "ok", "ann")]) or len(store.labels()) == 2
    assert page.errors == []
    store.close()


def test_voila_bad_upload_is_a_red_message(voila_server, app_page, tmp_path):
    bad = tmp_path / "holiday.mp4"
    bad.write_text("this is not a video\n")
    page = app_page
    page.goto(f"{voila_server.url}/voila/render/01_analyze_a_set.ipynb", timeout=LOAD_TIMEOUT_MS)
    upload = page.locator("button.widget-upload")
    upload.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="Analyse").click()
    page.get_by_text("Choose a video first").wait_for(timeout=30_000)
    with page.expect_file_chooser() as fc:
        upload.click()
    fc.value.set_files(str(bad))
    page.get_by_role("button", name="Analyse").click()
    err = page.locator(".repcheck-error")
    err.get_by_text("holiday.mp4").wait_for(timeout=60_000)
    assert "Traceback" not in err.inner_text() and "/tmp" not in err.inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('.repcheck-error')).color") == "rgb(183, 28, 28)"
    shot(page, "voila_bad_upload", height=900)
    assert page.errors == []


def test_jupyterlab_labelling_notebook_runs_with_keyboard_extension(lab_server, app_page):
    """In JupyterLab the notebook runs (Run All) and the ipyevents extension loads: the app renders with no
    widget errors and a name typed in it starts the queue."""
    page = app_page
    page.goto(f"{lab_server.url}/lab/tree/02_label_examples.ipynb", timeout=LOAD_TIMEOUT_MS)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    app = page.locator(".repcheck-labeling")
    app.wait_for(timeout=LOAD_TIMEOUT_MS)
    name = page.get_by_placeholder("your name, then Enter")
    name.fill("ann")
    name.press("Enter")
    page.get_by_text("The queue is empty").wait_for(timeout=30_000)
    text = page.locator(".jp-Cell-outputArea").first.inner_text()
    assert "Error" not in text and "Failed to load" not in text, text[:500]
    assert page.get_by_text("Keys (mouse over the rep)").is_visible()
    shot(page, "lab_labelling", height=1100)
    assert page.errors == []
