"""``repcheck evaluate DIR``: score a folder of labelled clips the way a user would meet them.

Ground truth is read from ``<clip>.json`` beside each ``<clip>.mp4`` (``schema: "repcheck.synth/1"``,
written by ``repcheck synth`` / ``render_clip``) or from trainer labels in the label store
(``--labels DB``). Every clip is analysed with ``repcheck.analyze`` (the pose cache makes re-runs cheap).

Scoring, per (exercise, fault), over ground-truth reps/holds:

- each ground-truth segment is matched to the found segment with the largest overlap (IoU ≥
  :data:`MATCH_IOU`, one-to-one); an unmatched one is ``missed``;
- outcome per segment and fault: ``ok`` | ``fault`` | ``unsure`` | ``missed``;
- ``unsure`` and ``missed`` are never correct: on a faulty segment they count as false negatives, on a
  correct one as false positives; a found segment matching no ground truth that is judged ``fault``
  counts as a false positive too;
- precision, recall, F1, the confusion matrix (truth × outcome), the unsure rate (unsure / judged
  segments; also per camera view), and per-segment errors;
- boundaries: |start| and |end| errors of matched segments (s), rep-count errors per clip;
- **clear cases**: a segment whose true physical value lies at least the fault's margin
  (:data:`repcheck.training.train.DEFAULT_MARGIN`: 3 cm, 5°) past the boundary on either side is *clear*;
  inside that band even trainers disagree ("a few cm above the line is still correct"), so the headline
  ``f1_clear`` scores the clear segments and ``f1`` scores all of them;
- **holds, moment by moment** (synthetic clips with ``truth_per_frame``): every analysed sample inside a
  ground-truth hold is judged ``fault`` when its timeline probability reaches the model's threshold and
  compared with the true value at that instant — the timeline a trainer reads to see *when* the form broke
  (``samples``: accuracy and F1 per fault, all and clear samples; samples outside every found hold count as
  missed), and each moment as one position — correct, sagging or piked (``positions``: accuracy and confusion
  per exercise; the fault flagged with the highest probability is the moment's verdict).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RepcheckError

__all__ = ["MATCH_IOU", "LabelledClip", "find_clips", "score_report", "score_samples", "fault_margin",
           "evaluate_folder", "format_table",
           "EVALUATION_SCHEMA"]

EVALUATION_SCHEMA = "repcheck.evaluation/1"
#: Minimum overlap (intersection over union) for a found segment to stand for a ground-truth one.
MATCH_IOU = 0.3
OUTCOMES = ("ok", "fault", "unsure", "missed")


@dataclass(frozen=True)
class LabelledClip:
    """A video with its ground truth.

    Attributes
    ----------
    video : Path
    exercise : str
    segments : list of dict
        ``{"kind", "start_s", "end_s", "side", "faults": {fault_id: {"label": bool, ...}}}``.
    view : str or None
        Camera view name (synthetic clips).
    source : {"synthetic", "trainer"}
    """

    video: Path
    exercise: str
    segments: list[dict[str, Any]]
    view: str | None = None
    source: str = "synthetic"
    fps: float | None = None
    truth_per_frame: dict[str, list[float]] | None = None


def find_clips(folder: str | Path, *, labels: Any = None, exercise: str | None = None) -> list[LabelledClip]:
    """Labelled clips in ``folder``: every ``*.mp4`` with a ``repcheck.synth/1`` JSON beside it, plus the
    videos of the label store (``labels``: path or ``LabelStore``) that lie in ``folder``.

    Raises
    ------
    RepcheckError
        The folder does not exist or holds no labelled clip.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RepcheckError(f"no such folder: {folder}")
    clips: list[LabelledClip] = []
    for mp4 in sorted(folder.rglob("*.mp4")):
        js = mp4.with_suffix(".json")
        if not js.exists():
            continue
        try:
            truth = json.loads(js.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(truth, dict) or truth.get("schema") != "repcheck.synth/1":
            continue
        if exercise and truth.get("exercise") != exercise:
            continue
        clips.append(LabelledClip(video=mp4, exercise=str(truth["exercise"]), segments=list(truth["segments"]),
                                  view=(truth.get("params") or {}).get("view"), source="synthetic",
                                  fps=truth.get("fps"), truth_per_frame=truth.get("truth_per_frame")))
    if labels is not None:
        clips += _label_clips(folder, labels, exercise)
    if not clips:
        raise RepcheckError(f"no labelled clips in {folder}: expected VIDEO.mp4 with VIDEO.json ground truth "
                            "(repcheck synth) or --labels with trainer labels of videos in that folder")
    return clips


def _label_clips(folder: Path, labels: Any, exercise: str | None) -> list[LabelledClip]:
    if isinstance(labels, (str, Path)):
        from ..labels import LabelStore

        labels = LabelStore(labels)
    rows = labels.labelled_examples()
    root = folder.resolve()
    by: dict[tuple[str, str], dict[tuple[float, float], dict[str, list[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for r in rows:
        p = Path(r["video_path"]).resolve()
        if root not in p.parents or (exercise and r["exercise"] != exercise):
            continue
        by[(str(p), r["exercise"])][(float(r["start_s"]), float(r["end_s"]))][r["fault"]].append(r["label"])
    out = []
    for (path, ex), segs in sorted(by.items()):
        segments = []
        for (s, e), faults in sorted(segs.items()):
            fd = {}
            for f, votes in faults.items():
                nf, no = votes.count("fault"), votes.count("ok")
                if nf != no:
                    fd[f] = {"label": nf > no}
            segments.append({"kind": None, "start_s": s, "end_s": e, "side": None, "faults": fd})
        out.append(LabelledClip(video=Path(path), exercise=ex, segments=segments, view=None, source="trainer"))
    return out


def _iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _match(truth: list[dict[str, Any]], found: list[Any]) -> dict[int, int]:
    """Greedy one-to-one matching by IoU: truth index -> found index."""
    pairs = sorted(((_iou((t["start_s"], t["end_s"]), (f.start_s, f.end_s)), i, j)
                    for i, t in enumerate(truth) for j, f in enumerate(found)), reverse=True)
    out: dict[int, int] = {}
    used: set[int] = set()
    for iou, i, j in pairs:
        if iou < MATCH_IOU or i in out or j in used:
            continue
        out[i] = j
        used.add(j)
    return out


def fault_margin(fault: Any) -> float:
    """Half-width of the band around ``fault.boundary`` where the truth is ambiguous (3 cm or 5°)."""
    from .train import DEFAULT_MARGIN

    return float(DEFAULT_MARGIN[fault.unit_kind])


def _is_clear(value: Any, fault: Any) -> bool | None:
    if value is None or not np.isfinite(float(value)):
        return None
    return bool(abs(float(value) - fault.boundary) >= fault_margin(fault))


def score_samples(clip: LabelledClip, report: Any, thresholds: dict[str, float]) -> list[dict[str, Any]]:
    """Moment-by-moment scoring of a hold clip: one row per analysed sample inside a ground-truth hold and
    fault (``t``, ``truth``, ``clear``, ``outcome`` ∈ ok | fault | missed); empty without per-frame truth.

    Parameters
    ----------
    clip : LabelledClip
        Needs ``fps`` and ``truth_per_frame`` (synthetic holds).
    report : SetReport
    thresholds : dict of str -> float
        The models' decision thresholds per fault id (probability at and above which a sample is a fault).
    """
    from ..exercises import get_exercise

    spec = get_exercise(clip.exercise)
    if spec.kind != "hold" or not clip.truth_per_frame or not clip.fps:
        return []
    t = np.asarray(report.timeline.get("t", []), float)
    holds = [(s["start_s"], s["end_s"]) for s in clip.segments if s.get("kind") == "hold"]
    inside = np.zeros(t.shape, bool)
    for a, b in holds:
        inside |= (t >= a) & (t <= b)
    rows: list[dict[str, Any]] = []
    for fs in spec.faults:
        truth_track = clip.truth_per_frame.get(fs.measure)
        if truth_track is None or fs.id not in report.timeline:
            continue
        frame_t = np.arange(len(truth_track)) / float(clip.fps)
        value = np.interp(t, frame_t, np.asarray(truth_track, float))
        prob = np.asarray(report.timeline[fs.id], float)
        thr = float(thresholds.get(fs.id, 0.5))
        for i in np.flatnonzero(inside):
            outcome = "missed" if not np.isfinite(prob[i]) else ("fault" if prob[i] >= thr else "ok")
            rows.append({"video": clip.video.name, "view": clip.view, "exercise": spec.id, "fault": fs.id,
                         "t": round(float(t[i]), 3), "truth": bool(fs.direction * (value[i] - fs.boundary) > 0),
                         "truth_value": round(float(value[i]), 3), "clear": _is_clear(value[i], fs),
                         "outcome": outcome, "probability": None if outcome == "missed" else float(prob[i])})
    return rows


def _sample_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def one(rs: list[dict[str, Any]]) -> dict[str, Any]:
        y = np.array([r["truth"] for r in rs], bool)
        pred = np.array([r["outcome"] == "fault" for r in rs], bool)
        tp, fp, fn = int(np.sum(y & pred)), int(np.sum(~y & pred)), int(np.sum(y & ~pred))
        correct = np.array([r["outcome"] == ("fault" if r["truth"] else "ok") for r in rs], bool)
        return {"n": len(rs), "n_fault": int(y.sum()),
                "accuracy": round(float(correct.mean()), 4) if rs else None,
                "f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 1.0,
                "missed": int(sum(r["outcome"] == "missed" for r in rs))}

    out = one(rows)
    clear = one([r for r in rows if r["clear"]])
    out.update({f"{k}_clear": v for k, v in clear.items()})
    return out


def _position_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One hold exercise's moments scored as one position each — ``correct`` or the fault that is true — against
    the verdict the timeline gives (the fault at or above its threshold with the highest probability, else
    ``correct``; ``missed`` outside every found hold): the accuracy a trainer reading the timeline sees.

    ``rows`` are :func:`score_samples` rows of one exercise (several faults per moment). Returns ``n``,
    ``accuracy``, ``n_clear``/``accuracy_clear`` (moments clear for every fault) and ``confusion`` (truth →
    verdict → count).
    """
    moments: dict[tuple[str, float], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        moments[r["video"], r["t"]].append(r)
    right, clear_right, n_clear = 0, 0, 0
    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rs in moments.values():
        truth = next((r["fault"] for r in rs if r["truth"]), "correct")
        flagged = [r for r in rs if r["outcome"] == "fault"]
        if any(r["outcome"] == "missed" for r in rs):
            got = "missed"
        else:
            got = max(flagged, key=lambda r: r["probability"])["fault"] if flagged else "correct"
        confusion[truth][got] += 1
        right += got == truth
        if all(r["clear"] for r in rs):
            n_clear += 1
            clear_right += got == truth
    n = len(moments)
    return {"n": n, "accuracy": round(right / n, 4) if n else None, "n_clear": n_clear,
            "accuracy_clear": round(clear_right / n_clear, 4) if n_clear else None,
            "confusion": {t: dict(c) for t, c in confusion.items()}}


def score_report(clip: LabelledClip, report: Any) -> dict[str, Any]:
    """Per-segment outcomes of one analysed clip against its ground truth.

    Returns
    -------
    dict
        ``rows`` (one per ground-truth segment × fault: truth, clear, outcome, probability, value, reason),
        ``extra`` (found segments without ground truth, with their fault verdicts), ``boundaries`` (start/end
        errors of matched segments), ``count`` (ground-truth vs found segment counts).
    """
    from ..exercises import get_exercise

    spec = get_exercise(clip.exercise)
    found = list(report.segments)
    m = _match(clip.segments, found)
    rows, bounds = [], []
    for i, seg in enumerate(clip.segments):
        j = m.get(i)
        f = found[j] if j is not None else None
        if f is not None:
            bounds.append({"kind": f.kind, "exercise": spec.id, "video": clip.video.name, "view": clip.view,
                           "segment": i + 1,
                           "start_err_s": round(f.start_s - seg["start_s"], 3),
                           "end_err_s": round(f.end_s - seg["end_s"], 3),
                           "side_ok": None if not seg.get("side") else f.side == seg["side"]})
        for fs in spec.faults:
            lab = (seg.get("faults") or {}).get(fs.id, {}).get("label")
            if lab is None:
                continue
            row = {"video": clip.video.name, "view": clip.view, "exercise": spec.id, "fault": fs.id,
                   "segment": i + 1, "start_s": seg["start_s"], "end_s": seg["end_s"], "truth": bool(lab),
                   "truth_value": (seg.get("faults") or {}).get(fs.id, {}).get("value"),
                   "severity": (seg.get("faults") or {}).get(fs.id, {}).get("severity")}
            row["clear"] = _is_clear(row["truth_value"], fs)
            if f is None:
                row.update(outcome="missed", probability=None, value=None, reason="segment not found")
            else:
                r = f.fault(fs.id)
                row.update(outcome=r.verdict, probability=r.probability, value=r.evidence.get("value"),
                           reason=r.evidence.get("reason"))
            rows.append(row)
    extra = []
    matched = set(m.values())
    for j, f in enumerate(found):
        if j in matched:
            continue
        extra.append({"video": clip.video.name, "view": clip.view, "exercise": spec.id, "start_s": f.start_s,
                      "end_s": f.end_s, "verdicts": {r.id: r.verdict for r in f.faults}})
    return {"rows": rows, "extra": extra, "boundaries": bounds,
            "count": {"video": clip.video.name, "truth": len(clip.segments), "found": len(found)}}


def _fault_metrics(rows: list[dict[str, Any]], extra_faults: int) -> dict[str, Any]:
    out = _outcome_metrics(rows, extra_faults)
    clear = _outcome_metrics([r for r in rows if r.get("clear") is not False], extra_faults)
    out.update({"n_clear": clear["n"], "f1_clear": clear["f1"], "unsure_rate_clear": clear["unsure_rate"]})
    return out


def _outcome_metrics(rows: list[dict[str, Any]], extra_faults: int) -> dict[str, Any]:
    conf = {t: {o: 0 for o in OUTCOMES} for t in ("ok", "fault")}
    for r in rows:
        conf["fault" if r["truth"] else "ok"][r["outcome"]] += 1
    tp = conf["fault"]["fault"]
    fn = conf["fault"]["ok"] + conf["fault"]["unsure"] + conf["fault"]["missed"]
    fp = conf["ok"]["fault"] + conf["ok"]["unsure"] + conf["ok"]["missed"] + extra_faults
    judged = sum(conf[t][o] for t in conf for o in ("ok", "fault", "unsure"))
    unsure = conf["ok"]["unsure"] + conf["fault"]["unsure"]
    prec = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    by_view: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "unsure": 0, "errors": 0})
    for r in rows:
        v = by_view[str(r["view"])]
        v["n"] += 1
        v["unsure"] += r["outcome"] == "unsure"
        v["errors"] += r["outcome"] != ("fault" if r["truth"] else "ok")
    return {"n": len(rows), "n_fault": sum(r["truth"] for r in rows), "precision": round(prec, 4),
            "recall": round(rec, 4), "f1": round(f1, 4), "unsure_rate": round(unsure / judged, 4) if judged else 0.0,
            "missed": conf["ok"]["missed"] + conf["fault"]["missed"], "extra_fault": extra_faults,
            "confusion": conf, "by_view": {k: dict(v) for k, v in sorted(by_view.items())}}


def evaluate_folder(
    folder: str | Path,
    *,
    labels: Any = None,
    exercise: str | None = None,
    models_dir: str | Path | None = None,
    analyze: Callable[..., Any] | None = None,
    log: Callable[..., Any] | None = print,
) -> dict[str, Any]:
    """Analyse every labelled clip of ``folder`` and score the verdicts (see the module docstring).

    Parameters
    ----------
    folder : path
    labels : path or LabelStore, optional
        Trainer labels of videos in the folder.
    exercise : str, optional
        Only clips of this exercise.
    models_dir : path, optional
        Judge with the models in this folder (verified by :mod:`repcheck.modelfile`); default:
        the installed models.
    analyze : callable ``(path, exercise=..., models=...) -> SetReport``, optional
        Default :func:`repcheck.analyze`.
    log : callable or None

    Returns
    -------
    dict
        ``schema``, ``folder``, ``clips``, ``faults`` ({"exercise.fault": metrics}), ``boundaries``,
        ``samples`` (holds moment by moment: {"exercise.fault": metrics}), ``positions`` (holds moment by
        moment, one position per moment: {"exercise": metrics}), ``rep_count``, ``errors`` (wrong
        per-segment verdicts), ``boundary_errors`` (signed start/end error in s of every matched segment,
        found − true), ``failed`` (clips that could not be analysed).
    """
    from ..modelfile import default_models_dir, load_models

    log = log or (lambda *a, **k: None)
    if analyze is None:
        from ..pipeline import analyze as analyze
    clips = find_clips(folder, labels=labels, exercise=exercise)
    mdir = Path(models_dir) if models_dir is not None else default_models_dir()
    models_cache: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    extras: list[dict[str, Any]] = []
    bounds: list[dict[str, Any]] = []
    counts: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    sample_rows: list[dict[str, Any]] = []
    for k, clip in enumerate(clips, 1):
        if clip.exercise not in models_cache:
            models_cache[clip.exercise] = load_models(clip.exercise, mdir)
        try:
            report = analyze(clip.video, exercise=clip.exercise, models=models_cache[clip.exercise] or None)
        except RepcheckError as exc:
            failed.append({"video": clip.video.name, "error": str(exc)})
            for i, seg in enumerate(clip.segments):
                for fid, fd in (seg.get("faults") or {}).items():
                    rows.append({"video": clip.video.name, "view": clip.view, "exercise": clip.exercise,
                                 "fault": fid, "segment": i + 1, "start_s": seg["start_s"], "end_s": seg["end_s"],
                                 "truth": bool(fd.get("label")), "outcome": "missed", "probability": None,
                                 "value": None, "reason": str(exc), "truth_value": fd.get("value"),
                                 "severity": fd.get("severity")})
            log(f"[{k}/{len(clips)}] {clip.video.name}: FAILED {exc}")
            continue
        s = score_report(clip, report)
        thresholds = {fid: float(m.threshold) for fid, m in (models_cache[clip.exercise] or {}).items()}
        sample_rows += score_samples(clip, report, thresholds)
        rows += s["rows"]
        extras += s["extra"]
        bounds += s["boundaries"]
        counts.append(s["count"])
        wrong = sum(r["outcome"] != ("fault" if r["truth"] else "ok") for r in s["rows"])
        log(f"[{k}/{len(clips)}] {clip.video.name}: {s['count']['found']}/{s['count']['truth']} segments, "
            f"{wrong} wrong verdicts", flush=True)
    faults: dict[str, Any] = {}
    for key in sorted({f"{r['exercise']}.{r['fault']}" for r in rows}):
        ex, fid = key.split(".", 1)
        mine = [r for r in rows if r["exercise"] == ex and r["fault"] == fid]
        extra_faults = sum(1 for e in extras if e["exercise"] == ex and e["verdicts"].get(fid) == "fault")
        faults[key] = _fault_metrics(mine, extra_faults)
    samples = {key: _sample_metrics([r for r in sample_rows if f"{r['exercise']}.{r['fault']}" == key])
               for key in sorted({f"{r['exercise']}.{r['fault']}" for r in sample_rows})}
    positions = {ex: _position_metrics([r for r in sample_rows if r["exercise"] == ex])
                 for ex in sorted({r["exercise"] for r in sample_rows})}
    return {
        "schema": EVALUATION_SCHEMA,
        "folder": str(folder),
        "clips": len(clips),
        "faults": faults,
        "samples": samples,
        "positions": positions,
        "boundaries": _boundary_summary(bounds),
        "boundary_errors": bounds,
        "rep_count": _count_summary(counts),
        "errors": [r for r in rows if r["outcome"] != ("fault" if r["truth"] else "ok")],
        "extra_segments": extras,
        "failed": failed,
    }


def _boundary_summary(bounds: list[dict[str, Any]]) -> dict[str, Any]:
    """|start|/|end| error statistics (s) per segment kind, with a ``by_exercise`` breakdown and the worst."""
    def one(bs: list[dict[str, Any]]) -> dict[str, Any]:
        errs = np.abs([[b["start_err_s"], b["end_err_s"]] for b in bs])
        worst = bs[int(np.argmax(errs.max(axis=1)))]
        return {"n": len(bs), "start_mae_s": round(float(errs[:, 0].mean()), 3),
                "end_mae_s": round(float(errs[:, 1].mean()), 3),
                "max_s": round(float(errs.max()), 3),
                "within_0_5_s": round(float(np.mean(errs.max(axis=1) <= 0.5)), 4),
                "within_1_s": round(float(np.mean(errs.max(axis=1) <= 1.0)), 4),
                "worst": {k: worst.get(k) for k in ("video", "segment", "start_err_s", "end_err_s")},
                "sides_judged": sum(b.get("side_ok") is not None for b in bs),
                "wrong_side": sum(b.get("side_ok") is False for b in bs)}

    out = {}
    for kind in sorted({b["kind"] for b in bounds}):
        bs = [b for b in bounds if b["kind"] == kind]
        out[kind] = one(bs)
        exercises = sorted({b.get("exercise", "") for b in bs})
        if len(exercises) > 1:
            out[kind]["by_exercise"] = {ex: one([b for b in bs if b.get("exercise", "") == ex]) for ex in exercises}
    return out


def _count_summary(counts: list[dict[str, Any]]) -> dict[str, Any]:
    if not counts:
        return {"clips": 0}
    diff = [c["found"] - c["truth"] for c in counts]
    return {"clips": len(counts), "exact": int(sum(d == 0 for d in diff)),
            "mean_abs_error": round(float(np.mean(np.abs(diff))), 3),
            "wrong": [c for c in counts if c["found"] != c["truth"]]}


def _boundary_line(title: str, b: dict[str, Any]) -> str:
    w = b.get("worst") or {}
    worst = f" (worst {w['video']} #{w['segment']})" if w.get("video") else ""
    return (f"{title} n={b['n']}, mean |start| {b['start_mae_s']:.2f} s, mean |end| {b['end_mae_s']:.2f} s, "
            f"max {b['max_s']:.2f} s{worst}, within 0.5 s {100 * b['within_0_5_s']:.0f} %, "
            f"within 1 s {100 * b['within_1_s']:.0f} %"
            + (f", wrong side {b['wrong_side']}/{b['sides_judged']}" if b.get("sides_judged") else ""))


def format_table(result: dict[str, Any]) -> str:
    """The human summary ``repcheck evaluate`` prints."""
    lines = [f"{result['clips']} clips from {result['folder']}"
             + (f" ({len(result['failed'])} could not be analysed)" if result["failed"] else ""), ""]
    head = f"{'exercise.fault':38s} {'n':>4s} {'fault':>5s} {'prec':>6s} {'recall':>6s} {'F1':>6s} " \
           f"{'clear':>5s} {'F1 clr':>6s} {'unsure':>6s} {'missed':>6s}   confusion truth→(ok/fault/unsure/missed)"
    lines += [head, "-" * len(head)]
    for key, m in result["faults"].items():
        c = m["confusion"]
        conf = "  ".join(f"{t}: {c[t]['ok']}/{c[t]['fault']}/{c[t]['unsure']}/{c[t]['missed']}"
                         for t in ("ok", "fault"))
        lines.append(f"{key:38s} {m['n']:4d} {m['n_fault']:5d} {m['precision']:6.3f} {m['recall']:6.3f} "
                     f"{m['f1']:6.3f} {m['n_clear']:5d} {m['f1_clear']:6.3f} {100 * m['unsure_rate']:5.1f}% "
                     f"{m['missed']:6d}   {conf}")
    lines.append("(clear: true value at least the margin — 3 cm / 5° — past the boundary; F1 clr scores those)")
    lines.append("")
    if result.get("samples"):
        lines.append("holds moment by moment (every analysed sample inside a true hold):")
        for key, m in result["samples"].items():
            lines.append(f"  {key:36s} samples {m['n']:5d}  accuracy {m['accuracy']:.3f}  F1 {m['f1']:.3f}   "
                         f"clear {m['n_clear']:5d}  accuracy {m['accuracy_clear']:.3f}  F1 {m['f1_clear']:.3f}"
                         f"   outside found holds {m['missed']}")
        for ex, m in (result.get("positions") or {}).items():
            c = m["confusion"]
            names = ["correct"] + sorted({k for k in c} - {"correct"})
            conf = "  ".join(f"{t}: " + "/".join(str(c.get(t, {}).get(g, 0)) for g in names + ["missed"])
                             for t in names if t in c)
            lines.append(f"  {ex + ' position':36s} moments {m['n']:5d}  accuracy {m['accuracy']:.3f}              "
                         f"clear {m['n_clear']:5d}  accuracy {m['accuracy_clear']:.3f}   "
                         f"truth→({'/'.join(names)}/missed) {conf}")
        lines.append("")
    for kind, b in result["boundaries"].items():
        lines.append(_boundary_line(f"{kind} boundaries:", b))
        for ex, be in (b.get("by_exercise") or {}).items():
            lines.append(_boundary_line(f"  {ex}:", be))
    rc = result["rep_count"]
    if rc.get("clips"):
        lines.append(f"segment counts exact in {rc['exact']}/{rc['clips']} clips (mean |error| "
                     f"{rc['mean_abs_error']:.2f})")
    if result["errors"]:
        lines.append("")
        lines.append(f"{len(result['errors'])} wrong verdicts (first 15):")
        for r in result["errors"][:15]:
            p = "" if r["probability"] is None else f" p={r['probability']:.2f}"
            v = "" if r.get("truth_value") is None else f" true value {r['truth_value']}"
            lines.append(f"  {r['video']} #{r['segment']} {r['fault']}: truth {'fault' if r['truth'] else 'ok'}, "
                         f"got {r['outcome']}{p}{v}" + (f" ({r['reason']})" if r.get("reason") else ""))
    return "\n".join(lines)
