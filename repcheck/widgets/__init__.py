"""The Jupyter layer: apps built from ipywidgets over the headless core (they compute nothing).

- :func:`make_analyzer_app` — upload/pick a video, analyse, review each rep/hold's evidence, export.
- :func:`make_labeling_app` — a trainer labels reps (most uncertain first) into the SQLite label store.
- :func:`make_training_app` — retrain the classifiers, compare metrics, roll back.

Only this package imports ipywidgets.
"""

from .analyzer import AnalyzerApp, make_analyzer_app
from .card import EvidenceCard
from .labeling import LabelingApp, make_labeling_app
from .training import TrainingApp, make_training_app

__all__ = [
    "make_analyzer_app",
    "make_labeling_app",
    "make_training_app",
    "AnalyzerApp",
    "LabelingApp",
    "TrainingApp",
    "EvidenceCard",
]
