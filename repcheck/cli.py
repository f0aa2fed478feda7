"""The ``repcheck`` command line: ``analyze``, ``synth``, ``train``, ``evaluate``.

Bad input never shows a traceback: a :class:`~repcheck.errors.RepcheckError` becomes one line on stderr
and exit status 2. Set ``REPCHECK_DEBUG=1`` to see tracebacks of unexpected errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# MediaPipe/TFLite write INFO lines to stderr from C++; keep the CLI's stderr for our own messages.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from .errors import RepcheckError  # noqa: E402

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error as a single line (exit 2), like our other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def _region(text: str | None) -> tuple[float, float, float, float] | None:
    """``--region L,T,R,B`` (percent of the frame's width and height) as shares, or None."""
    if text is None:
        return None
    from .pose import PoseSettings

    try:  # the bounds are PoseSettings' own check
        return PoseSettings(region=tuple(float(v) / 100.0 for v in text.split(","))).region
    except ValueError:
        raise RepcheckError(f"--region wants left,top,right,bottom in percent of the frame, left < right and "
                            f"top < bottom, e.g. 0,0,70,100 for the left 70 %; got {text!r}") from None


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .exercises import JUDGED_EXERCISES, get_exercise

    if args.exercise is None:
        raise RepcheckError(f"choose the exercise with --exercise ({', '.join(JUDGED_EXERCISES)})")
    get_exercise(args.exercise)  # fail fast on an unknown id, before any decoding

    from .pipeline import analyze
    path = Path(args.video)
    progress = None
    if not args.quiet:
        from .pose import tqdm_progress

        progress = tqdm_progress(f"pose {path.name}")
    try:
        report = analyze(path, exercise=args.exercise, progress=progress, region=_region(args.region))
    finally:
        if progress is not None:
            progress.close()  # an error line must not land on a half-drawn bar
    print(report.summary())
    if args.json:
        out = Path(args.json)
        try:
            report.to_json(out)
        except OSError as exc:
            raise RepcheckError(f"cannot write the JSON report to {out}: {exc.strerror}") from None
    else:
        out = _write_default_report(report, path)
    print(f"report written to {out}")
    return EXIT_OK


def _read_only(folder: Path) -> bool:
    """Whether ``folder`` is marked read-only: no write permission bit, or not writable to this user. Root
    may write into a folder without write bits; a folder shared read-only is still left as it is."""
    try:
        return not folder.stat().st_mode & 0o222 or not os.access(folder, os.W_OK)
    except OSError:
        return True


def _write_default_report(report, video: Path) -> Path:
    """Write the report beside the video (``VIDEO.report.json``), or in the working directory when the
    video's folder is read-only (a shared or mounted folder), so a finished analysis is never lost."""
    out = video.with_suffix(".report.json")
    try:
        if _read_only(out.parent):
            raise PermissionError(13, "the folder is read-only")
        report.to_json(out)
        return out
    except OSError as first:
        here = Path.cwd() / out.name
        try:
            report.to_json(here)
        except OSError:
            raise RepcheckError(f"cannot write the JSON report to {out} ({first.strerror}) nor to {here}; "
                                "give a writable path with --json") from None
        return here


def _add_analyze(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="judge a recorded set: reps/holds, faults, cues → text + JSON")
    p.add_argument("video", help="video file (.mp4 .mov .avi .webm)")
    p.add_argument("--exercise", "-e", help="exercise id, e.g. plank, upper_back_roll, "
                   "lumbar_locked_rotation, glute_bridge")
    p.add_argument("--json", metavar="OUT", help="where to write the JSON report "
                   "(default: VIDEO with suffix .report.json)")
    p.add_argument("--region", metavar="L,T,R,B", help="analyse only this part of the frame, in percent of its "
                   "width and height (e.g. 0,0,70,100): leaves out someone else in the frame")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_analyze)


def _add_synth(sub: argparse._SubParsersAction) -> None:
    try:
        from .synth.clip import add_synth_arguments, run_synth
    except ModuleNotFoundError as exc:  # the synth extra is optional for analysis-only installs
        if not (exc.name or "").startswith("repcheck.synth"):
            raise
        return

    p = sub.add_parser("synth", help="render a synthetic clip with known faults (+ CLIP.json ground truth)")
    add_synth_arguments(p)
    p.set_defaults(func=run_synth)


def _add_training(sub: argparse._SubParsersAction) -> None:
    try:
        from .training.cli import add_evaluate_arguments, add_train_arguments, run_evaluate, run_train
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("repcheck.training"):
            raise
        return
    p = sub.add_parser("train", help="rebuild the fault classifiers from training_data/ (+ labels)")
    add_train_arguments(p)
    p.set_defaults(func=run_train)
    p = sub.add_parser("evaluate", help="score a folder of labelled clips: precision/recall/F1, boundaries")
    add_evaluate_arguments(p)
    p.set_defaults(func=run_evaluate)


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="repcheck",
        description="Judge exercise reps and holds from recorded video.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"repcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_ArgumentParser)
    adders: list[Callable[[argparse._SubParsersAction], None]] = [_add_analyze, _add_synth, _add_training]
    for add in adders:
        add(sub)
    return parser


def _silence_native_stderr() -> None:
    """Send C++ log lines (TFLite/absl "INFO: Created TensorFlow Lite XNNPACK delegate", "W0000 ...
    inference_feedback_manager") to /dev/null while Python's own stderr — our messages, tqdm — keeps
    the terminal. MediaPipe writes those lines to file descriptor 2 directly, before any Python logging
    setting can reach them; worker processes inherit the redirect."""
    try:
        terminal = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        sys.stderr = os.fdopen(terminal, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8",
                               errors="replace")
    except OSError:  # no real stderr (embedded, closed): nothing to protect
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status.

    ``argv=None`` means a real command line (the console script): native log noise on stderr is then
    silenced so that a bad input prints exactly one line.
    """
    if argv is None and not os.environ.get("REPCHECK_DEBUG"):
        _silence_native_stderr()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.func(args) or 0)
    except RepcheckError as exc:
        print(f"repcheck {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("repcheck: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user; keep it one line
        if os.environ.get("REPCHECK_DEBUG"):
            raise
        print(f"repcheck {args.command}: unexpected error: {type(exc).__name__}: {exc} "
              "(set REPCHECK_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
