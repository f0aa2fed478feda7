"""Training: ``training_data/`` (dataset), its build from rendered clips, ``repcheck train`` /
``repcheck evaluate``, and verified skops model files with cards and versions.

Public entry points: :class:`Trainer` (``train() -> metrics``, ``versions()``, ``rollback(v)``),
:func:`list_versions`, :func:`rollback`, :func:`load_fault_model`, :func:`load_models`,
:func:`evaluate_folder`, :func:`load_examples`.
"""

from ..modelfile import ALLOWED_TYPES, default_models_dir, load_fault_model, load_models, save_fault_model
from .dataset import EXAMPLE_SCHEMA, Example, LabelledSegment, TrainingDataError, load_examples, write_example
from .train import TrainConfig, Trainer, list_versions, rollback

__all__ = [
    "EXAMPLE_SCHEMA",
    "Example",
    "LabelledSegment",
    "TrainingDataError",
    "load_examples",
    "write_example",
    "ALLOWED_TYPES",
    "default_models_dir",
    "load_fault_model",
    "load_models",
    "save_fault_model",
    "TrainConfig",
    "Trainer",
    "list_versions",
    "rollback",
    "evaluate_folder",
]


def evaluate_folder(folder, **kwargs):
    """Score a folder of labelled clips: see :func:`repcheck.training.evaluate.evaluate_folder`."""
    from .evaluate import evaluate_folder as _evaluate_folder

    return _evaluate_folder(folder, **kwargs)
