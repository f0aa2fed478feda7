"""Real-browser fixtures: a Voilà server over ``notebooks/`` and headless Debian Chromium (Playwright sync).

- Servers listen on a free port (``port_retries=0``), log to a file, run with isolated
  ``JUPYTER_*``/``IPYTHONDIR`` folders and their own label store, in a new session; on teardown the child
  PIDs are recorded first, the server gets SIGTERM, leftover children are ended by PID (never by name).
- Readiness is the port accepting a connection (a GET would start a kernel).
- A failed test leaves a full-page screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("REPCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server did not listen on {port} within {timeout} s:\n{log.read_text()[-3000:]}")


def _children(pid: int) -> list[int]:
    """All descendant PIDs of ``pid`` (from /proc)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out += kids
        todo += kids
    return out


def stop_server(proc: subprocess.Popen) -> None:
    kids = _children(proc.pid)  # record first: they get re-parented once the server exits
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for pid in kids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@dataclass
class Server:
    url: str
    port: int
    home: Path
    labels: Path
    log: Path


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory) -> Iterator[Server]:
    if shutil.which("voila") is None and not (Path(sys.executable).parent / "voila").exists():
        pytest.skip("voila is not installed")
    home = tmp_path_factory.mktemp("voila")
    env = {**os.environ}
    for key, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                     ("TMPDIR", "tmp")):  # (the apps' upload folders too)
        (home / sub).mkdir()
        env[key] = str(home / sub)
    labels = home / "labels.sqlite"
    env.update(REPCHECK_LABELS=str(labels), REPCHECK_MODELS_DIR=env.get("REPCHECK_MODELS_DIR", ""),
               MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    if not env["REPCHECK_MODELS_DIR"]:
        env.pop("REPCHECK_MODELS_DIR")
    port = free_port()
    log = home / "voila.log"
    cmd = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--Voila.port_retries=0", str(REPO / "notebooks")]
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        wait_for_port(port, proc, log)
        yield Server(url=f"http://127.0.0.1:{port}", port=port, home=home, labels=labels, log=log)
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> Iterator[Server]:
    """JupyterLab over a *copy* of ``notebooks/`` (autosave must never write outputs into the repo)."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = {**os.environ}
    for key, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("TMPDIR", "tmp")):
        (home / sub).mkdir()
        env[key] = str(home / sub)
    settings = home / "settings"
    for plugin, values in (("@jupyterlab/docmanager-extension/plugin", {"autoStartDefaultKernel": True}),
                           ("@jupyterlab/notebook-extension/tracker", {"windowingMode": "none"}),
                           ("@jupyterlab/apputils-extension/notification", {"fetchNews": "false",
                                                                            "checkForUpdates": False})):
        f = settings / f"{plugin}.jupyterlab-settings"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(__import__("json").dumps(values))
    env.update(JUPYTERLAB_SETTINGS_DIR=str(settings), REPCHECK_LABELS=str(home / "labels.sqlite"),
               MPLBACKEND="Agg")
    port = free_port()
    log = home / "lab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
           "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}", "--LabApp.news_url=None"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        wait_for_port(port, proc, log, timeout=90)
        yield Server(url=f"http://127.0.0.1:{port}", port=port, home=home, labels=home / "labels.sqlite", log=log)
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


@pytest.fixture
def app_page(chromium, request):
    """A fresh page (1280×900); page errors collected in ``page.errors``; screenshot on failure."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        except Exception:  # the page may be gone
            pass
    context.close()
