"""Speed and memory of video analysis: the default fast path vs the naive full-rate loop, and cached
re-analysis (issue #6).

For each benchmark video (the real plank clip looped, see ``_videos.py``) it runs, each in a fresh
child process whose whole process tree's RSS is sampled for the peak:

* ``default`` — ``repcheck.pipeline.analyze(video, "plank")`` as a user calls it, with an empty pose
  cache: the exercise's sample rate (``ExerciseSpec.analysis_fps``: plank 4 fps), 640 px frames, one
  tracker thread + decoder thread per core over contiguous chunks, the classifiers loading beside the
  pose stage, then features + segmentation + judge. ``import mediapipe`` and ``import repcheck.pipeline``
  happen before the clock starts (a session's imports, as ``import mediapipe`` is for the naive loop);
  the MediaPipe graph set-up is timed in both;
* ``naive``  — every frame decoded at full size and run through one MediaPipe tracker in one process
  (for videos longer than ``--naive-max-s`` only the first seconds are run and the time is scaled up:
  marked ``~`` in the table);
* ``warm``   — the ``default`` call again in the same process with an empty pose cache: what each
  further video costs in a notebook session (mediapipe imported, classifiers loaded);
* ``cached`` — the same call as ``default`` again, now answered from the pose cache (hash memo + probe
  + cache load + model load + features + judge), in a new process.

Stage shares are of the summed per-thread stage times: ``decode`` (decoder threads), ``pose``
(MediaPipe calls), ``startup`` (graph set-up per tracker),
``models wait`` (waiting for the classifiers after the pose stage), ``features+judge``. The JSON also
has ``features+judge_share_of_wall``.

Usage::

    python benchmarks/bench_analyze.py                      # the three 60 s videos
    python benchmarks/bench_analyze.py --only 720p60s --json out.json
    python benchmarks/bench_analyze.py --only 1080p10m --naive-max-s 60
    python benchmarks/bench_analyze.py --rate-study plank --rates 3,4,5,7.5,10   # analysis_fps evidence

Targets: 60 s 720p30 ≤ 15 s wall and ≥ 8× faster than naive; cached re-analysis ≤ 1 s; peak RSS
≤ 1 GB for 10-min 1080p.

Reading the figures: wall times only mean something on an otherwise idle machine. With the kernel's
autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``) CPU is shared per session, so on a
busy shared box the two tracker threads together get about what the single naive process gets, and
the parallel gain disappears from the wall column. The ``cpu s`` column (CPU seconds of the whole process
tree) is the work done and stays comparable; the load average is printed with the table. The JSON's
``timed_cpu_s`` is the CPU spent inside the timed region only (all threads; no interpreter start or
session imports), and the line "CPU inside the timed region" compares it with the naive loop's: on an
idle machine the wall ratio is that work ratio times the parallel gain the naive loop lacks (≤ cores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

DEFAULT_ONLY = ["720p60s", "1080p60s", "portrait60s"]


# --------------------------------------------------------------------------- child side


def _analysis(track, exercise: str) -> tuple[float | None, str]:
    """Seconds spent in features + segmentation + judge (``repcheck.pipeline.analyze_track``)."""
    from repcheck.pipeline import analyze_track

    t0 = time.perf_counter()
    try:
        analyze_track(track, exercise)
    except Exception as exc:  # report, don't hide: the table shows the reason
        return time.perf_counter() - t0, f"analyze_track failed: {type(exc).__name__}: {exc}"
    return time.perf_counter() - t0, ""


def _settings(sample_fps: float | None):
    """The default ``PoseSettings``, or with ``--sample-fps`` overriding the sample rate."""
    from repcheck.pose import PoseSettings

    return PoseSettings() if sample_fps is None else PoseSettings(sample_fps=sample_fps)


def _analyze(video: str, cache_dir: str, sample_fps: float | None, exercise: str) -> tuple[dict, float, str]:
    """``repcheck.pipeline.analyze`` as a user calls it (models loaded beside the pose stage)."""
    from repcheck.pipeline import analyze

    st: dict = {}
    t0 = time.perf_counter()
    note = ""
    try:
        analyze(video, exercise, settings=_settings(sample_fps), cache_dir=cache_dir, stats=st)
    except Exception as exc:  # report, don't hide: the table shows the reason
        note = f"analyze failed: {type(exc).__name__}: {exc}"
    return st, time.perf_counter() - t0, note


def _cpu_self() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _default_figures(st: dict, wall: float, note: str) -> dict:
    return {
        "wall_s": wall,
        "frames_analysed": st.get("samples", 0),
        "warmup_frames": st.get("warmup_samples", 0),
        "sample_fps": st.get("sample_fps"),
        "workers": st.get("workers"),
        "mode": st.get("mode"),
        "stage_s": {
            "decode": st.get("decode_s", 0.0),
            "pose": st.get("pose_s", 0.0),
            "startup": st.get("startup_s", 0.0),
            "models wait": st.get("models_wait_s", 0.0),
            "features+judge": st.get("analysis_s", 0.0),
        },
        "features+judge_share_of_wall": st.get("analysis_s", 0.0) / wall,
        "note": note,
    }


def _child_default(video: str, cache_dir: str, seconds: float, sample_fps: float | None, exercise: str) -> dict:
    # a session's imports happen before the clock, exactly as for the naive loop (`import mediapipe` there);
    # both loops' MediaPipe graph set-up is timed
    import mediapipe  # noqa: F401

    import repcheck.pipeline  # noqa: F401

    cpu0 = _cpu_self()
    st, wall, note = _analyze(video, cache_dir, sample_fps, exercise)
    out = _default_figures(st, wall, note)
    out["cpu_s"] = _cpu_self()  # this process (threads included) up to here, interpreter start included
    out["timed_cpu_s"] = out["cpu_s"] - cpu0
    # the same video again in the same process with an empty cache: what each further (new) video costs
    # in a notebook session, mediapipe imported and the classifiers loaded
    cpu0 = _cpu_self()
    with tempfile.TemporaryDirectory(prefix="repcheck-bench-warm-") as warm_cache:
        st, wall, note = _analyze(video, warm_cache, sample_fps, exercise)
    out["warm"] = _default_figures(st, wall, note)
    out["warm"]["cpu_s"] = out["warm"]["timed_cpu_s"] = _cpu_self() - cpu0
    return out


def _child_cached(video: str, cache_dir: str, seconds: float, sample_fps: float | None, exercise: str) -> dict:
    import repcheck.pipeline  # noqa: F401
    from repcheck import video as video_mod

    video_mod._HASH_MEMO.clear()
    video_mod._PROBE_MEMO.clear()
    st, wall, note = _analyze(video, cache_dir, sample_fps, exercise)
    # a second re-analysis in the same process (models loaded): what a notebook session pays
    _, wall_warm, _ = _analyze(video, cache_dir, sample_fps, exercise)
    from repcheck.pose import extract_pose

    track = extract_pose(video, settings=_settings(sample_fps), cache_dir=cache_dir, exercise=exercise)
    t_warm, _ = _analysis(track, exercise)
    t1 = time.perf_counter()
    # what the first-ever re-analysis on another machine would pay: a full sha256 of the file
    video_mod._HASH_MEMO.clear()
    video_mod.file_sha256(video)
    t_hash = time.perf_counter() - t1
    rest = wall - st.get("analysis_s", 0.0) - st.get("models_wait_s", 0.0)
    return {
        "wall_s": wall,
        "frames_analysed": 0,
        "mode": st.get("mode"),
        "stage_s": {"decode": 0.0, "pose": 0.0, "probe+cache load": rest,
                    "models wait": st.get("models_wait_s", 0.0), "features+judge": st.get("analysis_s", 0.0)},
        "warm_session_wall_s": wall_warm,
        "full_sha256_s": t_hash,
        "features+judge_warm_s": t_warm,
        "note": note if st.get("mode") == "cache" else f"cache MISS ({st.get('mode')}) {note}",
    }


def _child_naive(video: str, cache_dir: str, seconds: float, max_s: float) -> dict:
    import cv2
    import mediapipe as mp

    from repcheck.video import _open, _rotation, upright

    cap = _open(Path(video))
    fps = cap.get(cv2.CAP_PROP_FPS)
    rot = _rotation(cap)
    limit = int(round(min(seconds, max_s) * fps))
    t_dec = t_pose = 0.0
    n = found = 0
    cpu0 = _cpu_self()
    t0 = time.perf_counter()
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        while n < limit:
            a = time.perf_counter()
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(upright(bgr, rot), cv2.COLOR_BGR2RGB)
            b = time.perf_counter()
            res = pose.process(rgb)
            c = time.perf_counter()
            t_dec += b - a
            t_pose += c - b
            n += 1
            found += res.pose_landmarks is not None
    cap.release()
    wall = time.perf_counter() - t0
    timed_cpu = _cpu_self() - cpu0
    scale = (seconds * fps) / max(n, 1) if n < seconds * fps - 1 else 1.0
    # features + judge cost milliseconds at any rate; the naive loop is about decode + MediaPipe
    return {
        "wall_s": wall * scale,
        "measured_wall_s": wall,
        "extrapolated": scale > 1.0,
        "frames_analysed": int(round(n * scale)),
        "measured_frames": n,
        "timed_cpu_s": timed_cpu * scale,
        "stage_s": {"decode": t_dec * scale, "pose": t_pose * scale, "features+judge": 0.0},
        "detected": found / max(n, 1),
    }


def _child_main(args: argparse.Namespace) -> None:
    if args.child == "default":
        out = _child_default(args.video, args.cache_dir, args.seconds, args.sample_fps, args.exercise)
    elif args.child == "cached":
        out = _child_cached(args.video, args.cache_dir, args.seconds, args.sample_fps, args.exercise)
    else:
        out = _child_naive(args.video, args.cache_dir, args.seconds, args.naive_max_s)
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    # (RUSAGE_SELF's ru_maxrss is not used: Linux keeps it across exec, so the child would report the
    # benchmark parent's peak)
    out["maxrss_largest_child_mb"] = ru_kids.ru_maxrss / 1024
    # CPU seconds of the whole tree (child processes are reaped before this): steadier than wall on a busy box
    cpu = ru_self.ru_utime + ru_self.ru_stime + ru_kids.ru_utime + ru_kids.ru_stime
    scale = out.get("wall_s", 0) / out["measured_wall_s"] if out.get("extrapolated") else 1.0
    if "cpu_s" not in out:  # (the default child measures its first analysis itself)
        out["cpu_s"] = cpu * scale
    Path(args.result).write_text(json.dumps(out))


# --------------------------------------------------------------------------- rate study

#: Rendered clips of the rate study: (exercise, fault, severity, seed, length) at 30 fps, 480×270.
STUDY_CLIPS = {
    "plank": [("plank", None, 0.0, 7101, {"seconds": 8}), ("plank", "hips_sag", 0.7, 7102, {"seconds": 8}),
              ("plank", "hips_pike", 0.7, 7103, {"seconds": 8}), ("plank", "hips_sag", 0.8, 3, {"seconds": 6}),
              ("plank", "hips_sag", 0.4, 7105, {"seconds": 10})],
    "reps": [("glute_bridge", None, 0.0, 7107, {"reps": 3}),
             ("glute_bridge", "lower_back_arch", 0.8, 7108, {"reps": 3}),
             ("upper_back_roll", None, 0.0, 7103, {"reps": 3}),
             ("upper_back_roll", "lower_back_arch", 0.8, 7104, {"reps": 3}),
             ("lumbar_locked_rotation", None, 0.0, 7013, {"reps": 4}),
             ("lumbar_locked_rotation", "hips_move", 0.8, 7014, {"reps": 4})],
}
STUDY_REAL = ["plank_correct_001.mp4", "plank_correct_007.mp4"]


def _compare_reports(full, fast, models: dict) -> dict:
    """How a report at a lower sample rate differs from the full-rate one."""
    import numpy as np

    fs, rs = full.segments, fast.segments
    out: dict = {"segments": len(rs), "segments_full": len(fs)}
    out["same_segments"] = len(fs) == len(rs) and [s.kind for s in fs] == [s.kind for s in rs]
    out["same_verdicts"] = [[f.verdict for f in s.faults] for s in fs] == [[f.verdict for f in s.faults] for s in rs]
    if out["same_segments"]:
        out["d_start_s"] = [round(b.start_s - a.start_s, 3) for a, b in zip(fs, rs, strict=True)]
        out["d_end_s"] = [round(b.end_s - a.end_s, 3) for a, b in zip(fs, rs, strict=True)]
        out["max_bound_err_s"] = max([abs(x) for x in out["d_start_s"] + out["d_end_s"]], default=0.0)
        out["same_sides"] = [a.side for a in fs] == [b.side for b in rs]
    tf, tr = np.asarray(full.timeline["t"]), np.asarray(fast.timeline["t"])
    agree = {}
    for fid, m in models.items():
        if not tr.size or not tf.size:
            continue
        j = np.clip(np.searchsorted(tf, tr), 0, len(tf) - 1)
        j0 = np.clip(j - 1, 0, len(tf) - 1)
        j = np.where(np.abs(tf[j0] - tr) < np.abs(tf[j] - tr), j0, j)  # nearest full-rate sample
        a, b = np.asarray(full.timeline[fid], float)[j], np.asarray(fast.timeline[fid], float)
        va = np.where(np.isfinite(a), a >= m.threshold, -1)  # -1: outside a segment / unsure
        vb = np.where(np.isfinite(b), b >= m.threshold, -1)
        either, both = np.isfinite(a) | np.isfinite(b), np.isfinite(a) & np.isfinite(b)
        agree[fid] = {
            "samples": int(either.sum()),
            "agree": float((va == vb)[either].mean()) if either.any() else None,
            "agree_inside_both": float((va == vb)[both].mean()) if both.any() else None,
        }
    out["timeline"] = agree
    return out


def rate_study(which: str, rates: list[float], folder: Path) -> dict:
    """Verdicts, bounds and timeline at each of ``rates`` vs every frame (``ExerciseSpec.analysis_fps``).

    Renders the ``STUDY_CLIPS`` (once, into ``folder``) and uses the real planks; pose tracks are cached
    in ``folder / "cache"``. Prints one line per (clip, rate) and returns the figures.
    """
    from _videos import REAL_DIR

    from repcheck.judge import load_models
    from repcheck.pipeline import analyze_track
    from repcheck.pose import PoseSettings, extract_pose

    todo: list[tuple[str, str, Path]] = []
    if which in ("plank", "all"):
        todo += [(n, "plank", REAL_DIR / n) for n in STUDY_REAL if (REAL_DIR / n).exists()]
    for group in ("plank", "reps"):
        if which not in (group, "all"):
            continue
        for ex, fault, sev, seed, kw in STUDY_CLIPS[group]:
            from repcheck.synth.clip import render_clip

            name = f"{ex}-{fault or 'ok'}-{sev}-{seed}-30fps.mp4"
            path = folder / name
            if not path.exists():
                folder.mkdir(parents=True, exist_ok=True)
                render_clip(ex, fault=fault, severity=sev, seed=seed, fps=30, size=(480, 270), out=path, **kw)
            todo.append((name, ex, path))
    cache = folder / "cache"
    full_settings = PoseSettings(sample_fps=None, max_side=None, workers=1)
    results: dict = {}
    for name, ex, path in todo:
        models = load_models(ex)
        full = analyze_track(extract_pose(path, settings=full_settings, cache_dir=cache), ex)
        results[name] = {"exercise": ex}
        for rate in rates:
            track = extract_pose(path, settings=PoseSettings(sample_fps=rate, workers=1), cache_dir=cache)
            c = _compare_reports(full, analyze_track(track, ex), models)
            results[name][f"{rate:g}"] = c
            tl = min((v["agree"] for v in c["timeline"].values() if v["agree"] is not None), default=None)
            print(f"{name:<44} {rate:>4g} fps: segments {c['segments']}/{c['segments_full']} "
                  f"verdicts {'same' if c['same_verdicts'] else 'DIFFER'}  max bound error "
                  f"{c.get('max_bound_err_s', float('nan')):.2f} s  timeline agreement "
                  f"{'-' if tl is None else f'{100 * tl:.1f} %'}", flush=True)
    print("\nper exercise and rate (worst clip): same segments+verdicts, max bound error, min timeline "
          "agreement inside both segments / counting the edge samples")
    for ex in sorted({r["exercise"] for r in results.values()}):
        for rate in rates:
            cs = [r[f"{rate:g}"] for r in results.values() if r["exercise"] == ex]
            same = all(c["same_segments"] and c["same_verdicts"] for c in cs)
            bound = max((c.get("max_bound_err_s", float("inf")) for c in cs), default=0.0)
            tl = [v for c in cs for v in c["timeline"].values()]
            both = [v["agree_inside_both"] for v in tl if v["agree_inside_both"] is not None]
            edge = [v["agree"] for v in tl if v["agree"] is not None]
            pct_both = 100 * min(both) if both else float("nan")
            pct_edge = 100 * min(edge) if edge else float("nan")
            print(f"  {ex:<24} {rate:>4g} fps: {'yes' if same else 'NO '}  {bound:5.2f} s  "
                  f"{pct_both:5.1f} % / {pct_edge:5.1f} %")
    return results


# --------------------------------------------------------------------------- parent side


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _run_child(
    mode: str, video: Path, seconds: float, cache_dir: str, naive_max_s: float, sample_fps: float | None,
    exercise: str,
) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result = fh.name
    cmd = [
        sys.executable, str(Path(__file__).resolve()), "--child", mode, "--video", str(video),
        "--seconds", str(seconds), "--cache-dir", cache_dir, "--result", result,
        "--naive-max-s", str(naive_max_s), "--exercise", exercise,
    ] + ([] if sample_fps is None else ["--sample-fps", str(sample_fps)])
    env = dict(os.environ, GLOG_minloglevel="2", TF_CPP_MIN_LOG_LEVEL="2")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    peak = 0
    try:
        import psutil  # noqa: F401

        have_psutil = True
    except ImportError:
        have_psutil = False
    while proc.poll() is None:
        if have_psutil:
            peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.1)
    process_wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": f"child exited {proc.returncode}", "mode": mode}
    out = json.loads(Path(result).read_text())
    Path(result).unlink(missing_ok=True)
    out["process_wall_s"] = process_wall
    out["peak_rss_tree_mb"] = peak / 2**20 if have_psutil else None
    if not have_psutil:  # fall back: the largest single worker (a lower bound of the tree's peak)
        out["peak_rss_tree_mb"] = out["maxrss_largest_child_mb"]
    return out


def _fmt_row(name: str, mode: str, r: dict, seconds: float, naive: dict | None) -> str:
    if "error" in r:
        return f"{name:<12} {mode:<7} {r['error']}"
    wall = r["wall_s"]
    stages = r["stage_s"]
    tot = sum(stages.values()) or 1.0
    share = " ".join(f"{k}={100 * v / tot:.0f}%" for k, v in stages.items() if v > 0)
    if "features+judge_share_of_wall" in r:
        share += f" | features+judge = {100 * r['features+judge_share_of_wall']:.1f}% of wall"
    mark = "~" if r.get("extrapolated") else " "
    ok = naive and "wall_s" in naive and mode != "naive"
    speed = f"{naive['wall_s'] / wall:7.1f}x" if ok else "       -"
    cpu_speed = f"{naive['cpu_s'] / r['cpu_s']:7.1f}x" if ok else "       -"
    rss = r.get("peak_rss_tree_mb")
    return (
        f"{name:<12} {mode:<7} {mark}{wall:8.2f} {seconds / wall:8.1f}x {r['frames_analysed']:>7} "
        f"{speed} {r['cpu_s']:8.1f} {cpu_speed} {rss:8.0f}  {share}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", help=f"videos to run (default {' '.join(DEFAULT_ONLY)}; "
                    "also 720p10m 1080p10m portrait10m)")
    ap.add_argument("--json", help="write the figures to this JSON file")
    ap.add_argument("--video-dir", default=os.path.join(tempfile.gettempdir(), "repcheck-bench"),
                    help="where generated videos are kept between runs")
    ap.add_argument("--naive-max-s", type=float, default=60.0,
                    help="run the naive loop on at most this many seconds, scaling the time up")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive loop")
    ap.add_argument("--sample-fps", type=float, help="override the exercise's sample rate in the fast path")
    ap.add_argument("--rate-study", choices=["plank", "reps", "all"],
                    help="instead of timing: compare verdicts/bounds/timeline at --rates vs every frame "
                    "(the measurement behind ExerciseSpec.analysis_fps)")
    ap.add_argument("--rates", default="3,4,5,7.5,10", help="sample rates of the rate study")
    ap.add_argument("--exercise", default="plank", help="exercise the videos are analysed as (default plank: "
                    "the benchmark footage is the real plank clip looped)")
    # child-process arguments (internal)
    ap.add_argument("--child", choices=["default", "cached", "naive"], help=argparse.SUPPRESS)
    ap.add_argument("--video", help=argparse.SUPPRESS)
    ap.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child_main(args)
        return 0

    if args.rate_study:
        out = rate_study(args.rate_study, [float(x) for x in args.rates.split(",")],
                         Path(args.video_dir) / "rate-study")
        if args.json:
            Path(args.json).write_text(json.dumps(out, indent=1))
        return 0

    from _videos import SPECS, make_video

    names = args.only or DEFAULT_ONLY
    unknown = [n for n in names if n not in SPECS]
    if unknown:
        ap.error(f"unknown video(s) {unknown}; choose from {list(SPECS)}")
    from repcheck.pose import PoseSettings

    settings = PoseSettings() if args.sample_fps is None else PoseSettings(sample_fps=args.sample_fps)
    settings = settings.for_exercise(args.exercise)
    print(f"defaults for {args.exercise}: {settings}  (cpu_count={os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f})", flush=True)
    results: dict = {"exercise": args.exercise, "settings": settings.to_dict(), "cpu_count": os.cpu_count(),
                     "videos": {}}
    header = (
        f"{'video':<12} {'mode':<7} {'wall s':>9} {'x real':>9} {'frames':>7} {'vs naive':>8} "
        f"{'cpu s':>8} {'cpu vs':>8} {'RSS MB':>8}  stage shares"
    )
    rows = []
    for name in names:
        spec = SPECS[name]
        t0 = time.perf_counter()
        video = make_video(spec, Path(args.video_dir))
        print(f"[{name}] video {video} ready ({time.perf_counter() - t0:.0f} s)", flush=True)
        res: dict = {"path": str(video), "seconds": spec.seconds, "size": [spec.width, spec.height]}
        with tempfile.TemporaryDirectory(prefix="repcheck-bench-cache-") as cache:
            for mode in ("default", "cached") + (() if args.no_naive else ("naive",)):
                print(f"[{name}] running {mode} ...", flush=True)
                load0 = os.getloadavg()[0]
                res[mode] = _run_child(mode, video, spec.seconds, cache, args.naive_max_s, args.sample_fps,
                                       args.exercise)
                # other people's work on a shared machine inflates wall times: keep the load with them
                res[mode]["load_avg_1m"] = [load0, os.getloadavg()[0]]
                if "warm" in res[mode]:  # the default child's second video, same process
                    warm = res[mode].pop("warm")
                    warm.update(peak_rss_tree_mb=res[mode].get("peak_rss_tree_mb"),
                                load_avg_1m=res[mode]["load_avg_1m"])
                    res["warm"] = warm
        naive = res.get("naive")
        n_rows = 0
        for mode in ("default", "warm", "cached", "naive"):
            if mode in res:
                rows.append(_fmt_row(name, mode, res[mode], spec.seconds, naive))
                n_rows += 1
        if naive and "wall_s" in naive and "wall_s" in res["default"]:
            res["speedup_vs_naive"] = naive["wall_s"] / res["default"]["wall_s"]
            res["cpu_ratio_vs_naive"] = naive["cpu_s"] / res["default"]["cpu_s"]
            if "warm" in res and "wall_s" in res["warm"]:
                res["warm_speedup_vs_naive"] = naive["wall_s"] / res["warm"]["wall_s"]
            if naive.get("timed_cpu_s") and res["default"].get("timed_cpu_s"):
                # the work done inside the timed regions (all threads): what the wall ratio becomes on an
                # idle machine, times the parallel gain (up to the core count) the naive loop lacks
                res["timed_cpu_ratio_vs_naive"] = naive["timed_cpu_s"] / res["default"]["timed_cpu_s"]
                print(f"[{name}] CPU inside the timed region: default {res['default']['timed_cpu_s']:.1f} s, "
                      f"naive {naive['timed_cpu_s']:.1f} s -> {res['timed_cpu_ratio_vs_naive']:.1f}x less work",
                      flush=True)
        results["videos"][name] = res
        print("\n".join([header, *rows[-n_rows:]]), flush=True)
    print()
    print(header)
    print("\n".join(rows))
    notes = {n: {m: r[m].get("note") for m in ("default", "warm", "cached", "naive") if m in r and r[m].get("note")}
             for n, r in results["videos"].items()}
    notes = {k: v for k, v in notes.items() if v}
    if notes:
        print("notes:", json.dumps(notes, indent=1))
    loads = [x for r in results["videos"].values() for m in ("default", "cached", "naive") if m in r
             for x in r[m].get("load_avg_1m", [])]
    if loads:
        print(f"1-minute load average during the runs: {min(loads):.1f} .. {max(loads):.1f} "
              f"on {os.cpu_count()} cores")
    print("(~ = naive time scaled up from the first --naive-max-s seconds; cpu s = CPU seconds of the "
          "whole process tree incl. interpreter start; stage shares are of the summed per-thread stage "
          "times; RSS = peak of the whole process tree)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
