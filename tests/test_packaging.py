"""The installed package: pinned native dependencies agree, and the layers import what they should."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_cv2_matches_both_opencv_distributions():
    """mediapipe pulls opencv-contrib-python; we also name opencv-python. Both write the same cv2
    package, so they must be one identical version or one silently overwrites the other."""
    import cv2

    contrib = metadata.version("opencv-contrib-python")
    plain = metadata.version("opencv-python")
    assert contrib == plain, f"opencv-python {plain} != opencv-contrib-python {contrib}"
    assert contrib.startswith(cv2.__version__), (cv2.__version__, contrib)


def test_mediapipe_is_the_offline_release_with_numpy_1():
    import numpy as np

    assert metadata.version("mediapipe") == "0.10.21"
    assert int(np.__version__.split(".")[0]) < 2
    import mediapipe as mp

    model = Path(mp.__file__).parent / "modules/pose_landmark/pose_landmark_full.tflite"
    assert model.is_file(), "the pose model must ship inside the wheel (no downloads at run time)"


def _imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, cwd=REPO,
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("module", ["repcheck", "repcheck.pipeline", "repcheck.cli"])
def test_core_never_imports_widgets_or_the_synthetic_generator(module):
    mods = _imported_after(f"import {module}")
    assert "ipywidgets" not in mods
    assert not any(m.startswith("repcheck.synth") for m in mods), sorted(
        m for m in mods if m.startswith("repcheck.synth")
    )


def test_no_pickle_or_joblib_in_the_package():
    pattern = re.compile(r"^\s*(import pickle|from pickle|import joblib|from joblib|import cloudpickle)", re.M)
    offenders = [
        str(p.relative_to(REPO)) for p in (REPO / "repcheck").rglob("*.py") if pattern.search(p.read_text())
    ]
    assert offenders == []
