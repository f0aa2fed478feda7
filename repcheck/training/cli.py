"""``repcheck train`` and ``repcheck evaluate`` (registered by :mod:`repcheck.cli`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import RepcheckError

__all__ = ["add_train_arguments", "run_train", "add_evaluate_arguments", "run_evaluate"]


def add_train_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Options of ``repcheck train``."""
    parser.add_argument("--data", metavar="DIR", help="training data folder (default: training_data/ of the "
                        "checkout)")
    parser.add_argument("--labels", metavar="DB", help="SQLite label store whose trainer labels join the data")
    parser.add_argument("--models", "--out", dest="models", metavar="DIR",
                        help="models folder (default $REPCHECK_MODELS_DIR or repcheck/models); the previous "
                        "set is kept in DIR/versions/")
    parser.add_argument("--exercise", nargs="*", metavar="ID", help="train only these exercises")
    parser.add_argument("--seed", type=int, default=0, help="seed of folds and models (default 0)")
    parser.add_argument("--recall", type=float, default=0.95, help="cross-validated recall the decision "
                        "threshold is chosen for (default 0.95)")
    parser.add_argument("--json", metavar="OUT", help="also write the metrics as JSON")
    parser.add_argument("--list-versions", action="store_true", help="list saved model versions and exit")
    parser.add_argument("--rollback", metavar="VERSION", help="make a saved version current and exit")
    return parser


def run_train(args: argparse.Namespace) -> int:
    """Run ``repcheck train``; returns the exit status."""
    from .train import TrainConfig, Trainer

    if not 0.5 <= args.recall < 1.0:
        raise RepcheckError(f"--recall must be in [0.5, 1), got {args.recall}")
    trainer = Trainer(data_dir=args.data, models_dir=args.models, labels=args.labels,
                      config=TrainConfig(seed=args.seed, target_recall=args.recall),
                      exercises=tuple(args.exercise) if args.exercise else None)
    if args.list_versions:
        vs = trainer.versions()
        if not vs:
            print("no saved model versions")
        for v in vs:
            f1 = ", ".join(f"{k} {x:.3f}" for k, x in v["f1"].items() if x is not None)
            print(f"{'*' if v['current'] else ' '} {v['version']}  {f1}")
        return 0
    if args.rollback:
        trainer.rollback(args.rollback)
        print(f"model version {args.rollback} is now current")
        return 0
    if args.labels and not Path(args.labels).exists():
        raise RepcheckError(f"no label store at {args.labels}")
    metrics = trainer.train()
    print(f"trained in {metrics['seconds']} s on {metrics['n_examples']} examples; version {metrics['version']} "
          f"installed (previous: {metrics.get('previous_version') or 'none'})")
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"metrics written to {args.json}")
    return 0


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Options of ``repcheck evaluate``."""
    parser.add_argument("folder", metavar="DIR", help="folder of clips: VIDEO.mp4 + VIDEO.json ground truth")
    parser.add_argument("--json", metavar="OUT", help="write the full evaluation as JSON")
    parser.add_argument("--labels", metavar="DB", help="also score trainer-labelled videos in DIR")
    parser.add_argument("--models", metavar="DIR", help="judge with the models in DIR (default: installed)")
    parser.add_argument("--exercise", metavar="ID", help="only clips of this exercise")
    parser.add_argument("--quiet", "-q", action="store_true", help="no per-clip lines")
    return parser


def run_evaluate(args: argparse.Namespace) -> int:
    """Run ``repcheck evaluate``; returns the exit status."""
    from .evaluate import evaluate_folder, format_table

    result = evaluate_folder(args.folder, labels=args.labels, exercise=args.exercise, models_dir=args.models,
                             log=None if args.quiet else print)
    print(format_table(result))
    if args.json:
        try:
            Path(args.json).write_text(json.dumps(result, indent=1, default=_json_default) + "\n", encoding="utf-8")
        except OSError as exc:
            raise RepcheckError(f"cannot write {args.json}: {exc.strerror}") from None
        print(f"evaluation written to {args.json}")
    return 0


def _json_default(o):
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(type(o).__name__)
