"""Plank clips that are all hold, as public exercise datasets cut them (a few seconds of a plank held
correct, sagging or piked, no getting in or out).

Windows of 3 s inside the true holds of the stored rendered tracks (``training_data/synthetic``: what
MediaPipe returned for rendered videos), each all correct, all sagging or all piked by the per-sample truth
(at least 2 cm clear of a boundary), are analysed as landmark clips of their own. The segmenter is not
trained; the verdicts come from models trained on these tracks' whole sets, so the verdict check here is
about the short clip (no getting in, no resting level), not about unseen bodies (see
``test_training.py`` for held-out renders).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import rendered_examples

from repcheck import analyze_landmarks
from repcheck.exercises import get_exercise

#: Clip length (s): the real correct plank clips in ``../shared/data/real`` are 2.6 and 3.8 s.
CLIP_S = 3.0
#: How far inside a true hold, and how far clear of a boundary (cm), a window must be to have one answer.
INSIDE_S, CLEAR_CM = 0.5, 2.0
#: (Windows overlap by half, :func:`_windows`: the hips are at every phase of a hold's first seconds at some window's
#: start, a pike still rising, a sag still sinking.)
#: The hold starts within this of a clip that is all hold (one analysed sample at 4 per second).
START_S = 0.3


def _windows(clip_s: float = CLIP_S) -> list[tuple[str, str, object]]:
    """(example id + start, class, report) for every clear window of ``clip_s`` seconds (windows overlapping by
    half)."""
    spec = get_exercise("plank")
    sag, pike = spec.fault("hips_sag").boundary, spec.fault("hips_pike").boundary
    examples = rendered_examples("plank")
    out = []
    for ex in examples:
        track = ex.track
        t = np.asarray(track.t, float)
        truth = np.asarray(ex.sample_values["hips_sag"], float)
        fps = 1.0 / float(np.median(np.diff(t)))
        for seg in ex.segments:
            for a in np.arange(seg.start_s + INSIDE_S, seg.end_s - INSIDE_S - clip_s, clip_s / 2):
                m = (t >= a) & (t < a + clip_s)
                v = truth[m]
                if not np.isfinite(v).all():
                    continue
                if (v < sag - CLEAR_CM).all():
                    kind = "sag"
                elif (v > pike + CLEAR_CM).all():
                    kind = "pike"
                elif ((v > sag + CLEAR_CM) & (v < pike - CLEAR_CM)).all():
                    kind = "correct"
                else:
                    continue
                world = None if track.world is None else track.world[m]
                report = analyze_landmarks(track.image[m], fps, "plank", frame_size=tuple(track.frame_size),
                                           world_landmarks=world, t=t[m] - t[m][0])
                out.append((f"{ex.id}@{a:.1f}s", kind, report))
    return out


@pytest.fixture(scope="module")
def windows():
    return _windows()


def test_a_clip_that_is_all_hold_is_one_hold_from_its_start_to_its_end(windows):
    assert {k for _, k, _ in windows} == {"correct", "sag", "pike"}, "expected all three kinds of clip"
    for name, kind, report in windows:
        holds = [(s.start_s, s.end_s) for s in report.segments]
        assert len(holds) == 1, f"{name} ({kind}): holds {holds}"
        start, end = holds[0]
        assert start <= START_S, f"{name} ({kind}): the hold starts {start:.1f} s into a clip that is all hold"
        assert end >= CLIP_S - 0.5, f"{name} ({kind}): the hold ends {CLIP_S - end:.1f} s before the clip"


def test_a_clip_that_is_all_hold_gets_the_verdict_of_its_shape(windows):
    want = {"correct": ("ok", "ok"), "sag": ("fault", "ok"), "pike": ("ok", "fault")}
    wrong = []
    for name, kind, report in windows:
        (hold,) = report.segments
        got = (hold.fault("hips_sag").verdict, hold.fault("hips_pike").verdict)
        if got != want[kind]:
            wrong.append(f"{name} {kind}: sag {got[0]}, pike {got[1]}")
    assert len(wrong) <= 0.05 * len(windows), wrong
    sags = [r for _, k, r in windows if k == "sag"]
    assert all(r.segments[0].fault("hips_sag").verdict == "fault" for r in sags), "a sagging clip judged not sagging"


def test_a_second_of_a_hold_is_one_hold_with_the_verdict_of_its_shape():
    """Clips of one second (4 analysed samples), as short as a dataset may cut them: one hold over the clip with
    its shape's verdict. 2026-11-25, 594 windows of the training tracks: 581 right; 10 pikes in their first
    seconds (hips still rising) gave no hold, one correct plank 8 cm above the line was called piked in 3 windows.
    Before whole-clip holds were kept from 0.5 s on (``MIN_WHOLE_HOLD_S``), none of them was a hold."""
    want = {"correct": ("ok", "ok"), "sag": ("fault", "ok"), "pike": ("ok", "fault")}
    windows = _windows(1.0)
    wrong = []
    for name, kind, report in windows:
        holds = [(s.start_s, s.end_s) for s in report.segments]
        if len(holds) != 1 or holds[0][0] > START_S or holds[0][1] < 0.5:
            wrong.append(f"{name} ({kind}): holds {holds}")
            continue
        (hold,) = report.segments
        got = (hold.fault("hips_sag").verdict, hold.fault("hips_pike").verdict)
        if got != want[kind]:
            wrong.append(f"{name} {kind}: sag {got[0]}, pike {got[1]}")
    assert len(windows) > 500 and len(wrong) <= 0.04 * len(windows), wrong
