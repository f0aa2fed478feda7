"""The ``repcheck`` console script, as a user runs it: bad input is one clear line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from repcheck.cli import main


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed console script in a fresh process (what a user types)."""
    exe = Path(sys.executable).with_name("repcheck")
    cmd = [str(exe), *args] if exe.exists() else [sys.executable, "-m", "repcheck", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600)


def assert_one_clear_line(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "analyze" in out


def test_unknown_exercise_is_one_line_exit_2(tmp_path):
    video = tmp_path / "set.mp4"
    video.write_bytes(b"not a video")
    proc = run_cli("analyze", str(video), "--exercise", "burpee")
    assert_one_clear_line(proc, "unknown exercise", "burpee", "plank")


def test_missing_exercise_asks_to_choose_one(tmp_path):
    video = tmp_path / "set.mp4"
    video.write_bytes(b"not a video")
    proc = run_cli("analyze", str(video))
    assert_one_clear_line(proc, "--exercise")


@pytest.mark.parametrize("region", ["0,0,120,100", "70,0,30,100", "left"])
def test_a_bad_region_is_one_line_exit_2(tmp_path, region):
    video = tmp_path / "set.mp4"
    video.write_bytes(b"not a video")
    proc = run_cli("analyze", str(video), "--exercise", "plank", "--region", region)
    assert_one_clear_line(proc, "--region", region)


def test_unknown_command_is_one_line_exit_2():
    proc = run_cli("squat")
    assert_one_clear_line(proc, "invalid choice")


# ---------------------------------------------------------------- bad videos through `repcheck analyze`
def _write_video(path: Path, frames: int = 30, size=(320, 240), fps: float = 15.0, noise: bool = True) -> Path:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    rng = np.random.default_rng(0)
    for _ in range(frames):
        img = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8) if noise else np.full(
            (size[1], size[0], 3), 200, np.uint8)
        writer.write(img)
    writer.release()
    return path


@pytest.fixture
def bad_inputs(tmp_path):
    import cv2
    import numpy as np

    text = tmp_path / "notes.mp4"
    text.write_text("this is a shopping list, not a video\n" * 50)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    png = tmp_path / "photo.png"
    cv2.imwrite(str(png), np.full((240, 320, 3), 128, np.uint8))
    whole = _write_video(tmp_path / "whole.mp4", frames=60)
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    nobody = _write_video(tmp_path / "empty_room.mp4", frames=45, noise=False)
    return {"text": text, "empty": empty, "png": png, "truncated": truncated, "nobody": nobody}


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("text", ("notes.mp4", "video")),
        ("empty", ("empty.mp4", "empty")),
        ("png", ("photo.png", "image")),
        ("truncated", ("cut.mp4",)),
        ("nobody", ("empty_room.mp4", "no person")),
    ],
)
def test_bad_video_is_one_clear_line_exit_2(bad_inputs, kind, words, tmp_path, monkeypatch):
    monkeypatch.setenv("REPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    proc = run_cli("analyze", str(bad_inputs[kind]), "--exercise", "plank", "--quiet")
    assert_one_clear_line(proc, *words)


def test_missing_file_is_one_clear_line(tmp_path):
    proc = run_cli("analyze", str(tmp_path / "nowhere.mp4"), "--exercise", "plank")
    assert_one_clear_line(proc, "nowhere.mp4")


@pytest.mark.parametrize("kind", ["text", "empty"])
def test_bad_video_with_progress_on_prints_only_the_error(bad_inputs, kind, tmp_path, monkeypatch):
    """Without --quiet, input refused before any frame is read shows no empty progress bar."""
    monkeypatch.setenv("REPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    proc = run_cli("analyze", str(bad_inputs[kind]), "--exercise", "plank")
    assert_one_clear_line(proc, bad_inputs[kind].name)
    assert "frame" not in proc.stderr


@pytest.fixture
def shared_video(tmp_path, monkeypatch):
    """A video in a folder ``shared/`` and the working folder ``work/`` as the cwd; ``analyze`` replaced by a
    stored plank report. Returns (video, shared folder, working folder)."""
    from fixtures_reports import plank_report

    from repcheck import pipeline

    videos = tmp_path / "shared"
    videos.mkdir()
    video = videos / "plank.mp4"
    video.write_bytes(b"not read: analyze is replaced")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(pipeline, "analyze", lambda path, **kw: plank_report(path))
    return video, videos, work


def test_report_lands_in_working_folder_when_video_folder_is_read_only(shared_video, monkeypatch, capsys):
    """A shared, read-only video folder does not lose the finished analysis: the JSON goes to the cwd."""
    from repcheck.report import SetReport

    video, videos, work = shared_video
    real_to_json = SetReport.to_json

    def to_json(self, path=None, **kw):
        if path is not None and Path(path).parent == videos:
            raise PermissionError(13, "Read-only file system")
        return real_to_json(self, path, **kw)

    monkeypatch.setattr(SetReport, "to_json", to_json)
    assert main(["analyze", str(video), "--exercise", "plank", "--quiet"]) == 0
    out = capsys.readouterr().out
    written = work / "plank.report.json"
    assert written.exists() and f"report written to {written}" in out
    assert not (videos / "plank.report.json").exists()


def test_folder_without_write_permission_is_left_alone_even_for_root(shared_video, capsys):
    """A folder shared read-only (mode r-x) gets no report file, even when the user (root, in a container) could
    write there anyway: the report goes to the working folder."""
    video, videos, work = shared_video
    videos.chmod(0o555)
    try:
        assert main(["analyze", str(video), "--exercise", "plank", "--quiet"]) == 0
        assert sorted(p.name for p in videos.iterdir()) == ["plank.mp4"]
    finally:
        videos.chmod(0o755)
    assert (work / "plank.report.json").exists()
    assert f"report written to {work / 'plank.report.json'}" in capsys.readouterr().out
