"""Segmentation: holds and reps found on synthetic sets with known ground truth (fast path, MediaPipe-like
noise), the streaming counter agreeing with the offline finder, and the edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import synth_track

from repcheck.features import Signals, compute_signals
from repcheck.segment import RepCounter, Segment, find_holds, find_reps, find_segments

REP_CASES = [
    ("glute_bridge", None, 0.0),
    ("glute_bridge", "lower_back_arch", 1.0),
    ("glute_bridge", "incomplete_extension", 0.5),
    ("upper_back_roll", None, 0.0),
    ("upper_back_roll", "lower_back_arch", 1.0),
    ("lumbar_locked_rotation", None, 0.0),
    ("lumbar_locked_rotation", "hips_move", 1.0),
]


def _signals(t: np.ndarray, **values: np.ndarray) -> Signals:
    n = t.size
    q = {k: np.ones(n) for k in ("vis_shoulders", "vis_hips", "vis_knees", "vis_ankles", "vis_elbows",
                                 "vis_head", "in_frame", "detected")}
    q["view_deg"] = np.zeros(n)
    return Signals(t=t, values=dict(values), side=np.full(n, "left"), quality=q, body_scale=1.0)


# ------------------------------------------------------------------------------------------ holds
def _assert_one_hold(track, truth, *, start_tol: float = 1.0, end_tol: float = 1.0, note=None) -> None:
    """The plank segmenter finds one hold in ``track``, its bounds within the tolerances (s) of ``truth``
    (a ground-truth dict or :class:`LabelledSegment`)."""
    segs, _ = find_holds(compute_signals(track, "plank"), "plank")
    ts, te = (truth["start_s"], truth["end_s"]) if isinstance(truth, dict) else (truth.start_s, truth.end_s)
    found = [(round(x.start_s, 2), round(x.end_s, 2)) for x in segs]
    assert len(segs) == 1, (found, truth)
    assert segs[0].start_s == pytest.approx(ts, abs=start_tol), (found, truth, note)
    assert segs[0].end_s == pytest.approx(te, abs=end_tol), (found, truth, note)


class TestFindHolds:
    def test_empty(self):
        segs, info = find_holds(_signals(np.zeros(0), in_plank=np.zeros(0), plank_posture=np.zeros(0)), "plank")
        assert segs == [] and info["driver"].shape == (0,)

    def test_basic_pulse(self):
        t = np.arange(200) / 10.0
        x = ((t >= 4.0) & (t < 15.0)).astype(float)
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x), "plank")
        assert len(segs) == 1
        assert segs[0].kind == "hold" and segs[0].index == 1
        assert segs[0].start_s == pytest.approx(4.0, abs=0.15) and segs[0].end_s == pytest.approx(14.9, abs=0.15)

    def test_short_wobble_does_not_split_and_short_hold_is_dropped(self):
        t = np.arange(300) / 10.0
        x = ((t >= 2.0) & (t < 20.0)).astype(float)
        x[(t >= 10.0) & (t < 10.5)] = 0.0  # 0.5 s out of position
        x[(t >= 24.0) & (t < 25.5)] = 1.0  # 1.5 s: too short to be a hold
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x), "plank")
        assert [(round(s.start_s), round(s.end_s)) for s in segs] == [(2, 20)]

    def test_hold_cut_by_the_recording_is_kept(self):
        t = np.arange(25) / 10.0  # a 2.5 s clip, in position throughout
        x = np.ones(25)
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x), "plank")
        assert len(segs) == 1

    def test_raises(self):
        t = np.arange(10) / 10.0
        with pytest.raises(ValueError, match="enter"):
            find_holds(_signals(t, in_plank=np.ones(10), plank_posture=np.ones(10)), "plank", enter=0.3, exit=0.5)

    @pytest.mark.parametrize("fault,severity,seed", [(None, 0.0, 1), ("hips_sag", 0.5, 2), ("hips_pike", 0.8, 3),
                                                     (None, 0.0, 4)])
    def test_plank_bounds_within_1s(self, fault, severity, seed):
        track, motion = synth_track("plank", fault, severity, seed=seed, seconds=12)
        segs, _ = find_holds(compute_signals(track, "plank"), "plank")
        truth = motion.segments[0]
        assert len(segs) == 1
        assert segs[0].start_s == pytest.approx(truth["start_s"], abs=1.0)
        assert segs[0].end_s == pytest.approx(truth["end_s"], abs=1.0)

    @pytest.mark.parametrize("view", ["side", "other_side", "oblique45"])
    @pytest.mark.parametrize("seed", [45, 47, 52, 53])
    def test_deep_sag_hold_ends_when_the_knees_go_down(self, seed, view):
        """Issue #3: in a deep sag the hips hang as low as lying on the forearms, so the hips cannot show the
        end of the hold; dropping the knees to the floor (then lying prone or sitting back) does. These seeds
        get out knees first and get in from kneeling (45, 47, 52) or from prone (53)."""
        track, motion = synth_track("plank", "hips_sag", 0.9, seed=seed, seconds=5, view=view)
        assert motion.info["get_out"] in ("knees_prone", "knees_sit")
        _assert_one_hold(track, motion.segments[0])

    @pytest.mark.parametrize("seed", [40, 59, 77])
    def test_deep_sag_hold_ends_when_lowered_straight_onto_the_belly(self, seed):
        """A deep sag got into from lying prone and lowered straight onto the belly, legs straight: the hips
        come back down to the level they had lying before the hold, so the hold ends where they start down
        (before: +3.1, +2.0, +2.3 s late for these seeds)."""
        track, motion = synth_track("plank", "hips_sag", 0.9, seed=seed, seconds=5)
        assert motion.info["get_in"] == "prone" and motion.info["get_out"] == "belly"
        segs, _ = find_holds(compute_signals(track, "plank"), "plank")
        assert len(segs) == 1 and segs[0].end_s == pytest.approx(motion.segments[0]["end_s"], abs=1.0)

    @pytest.mark.xfail(strict=False, reason="known (issue #3): a deep sag lowered straight onto the belly with no "
                       "lying level to compare with (got in from kneeling; or lying with the toes pointed, which "
                       "lowers the ankles ~14 cm and so shifts the hips' lying level on the shoulder-ankle line) "
                       "shows no cue: the hold runs on 2-3 s into lying (fast path, seeds 40-79 lowered onto the "
                       "belly at 10 fps: 9 of 16 still end 2.0-2.8 s late, 2 end 1.3-1.6 s early)")
    @pytest.mark.parametrize("seed", [41, 42])
    def test_deep_sag_hold_ends_when_lowered_onto_the_belly_without_a_lying_level(self, seed):
        track, motion = synth_track("plank", "hips_sag", 0.9, seed=seed, seconds=5)
        assert motion.info["get_out"] == "belly"
        segs, _ = find_holds(compute_signals(track, "plank"), "plank")
        assert len(segs) == 1 and segs[0].end_s == pytest.approx(motion.segments[0]["end_s"], abs=1.0)

    @pytest.mark.parametrize("seed", [317, 333, 380, 404])
    def test_hold_starts_when_got_up_from_lying(self, seed):
        """At the plank's 4 samples/s, from lying prone: lying with the toes pointed lowers the ankles, so the
        hips read 10-14 cm above the elbow-ankle floor line and the score comes on while still lying; and one
        knee sample read 37° bent at 45° made lying look like kneeling. The hold starts when the hips are up
        (before: 4.2, 1.4, 4.0, 1.1 s early)."""
        from repcheck.pose import at_sample_rate

        fault, severity = {0: (None, 0.0), 1: ("hips_sag", 0.5)}[seed % 4]
        view = ["side", "other_side", "oblique45"][(seed // 4) % 3]
        track, motion = synth_track("plank", fault, severity, seed=seed, seconds=6, view=view)
        assert motion.info["get_in"] == "prone"
        track = at_sample_rate(track, 4.0)  # as the pose stage samples a video
        _assert_one_hold(track, motion.segments[0], start_tol=0.5, end_tol=0.5)

    @pytest.mark.parametrize("clip", ["plank-0000002", "plank-0000011", "plank-0000017", "plank-0000023",
                                      "plank-0000006"])
    def test_stored_mediapipe_tracks_hold_bounds(self, clip):
        """Real MediaPipe output of rendered clips (training_data/, at the plank's 4 samples/s): deep sags
        lowered straight onto the belly from side, other-side and 45° views (the hold ran on 1.6-2.6 s), and a
        pike at 45° whose knee MediaPipe puts above the hip-ankle line for ~1 s at a time (read as the knees
        going down: the hold ended 2.6 s early)."""
        from repcheck.exercises import get_exercise
        from repcheck.pose import at_sample_rate
        from repcheck.training.dataset import default_training_dir, load_examples

        root = default_training_dir() / "synthetic"
        if not (root / f"{clip}.json").exists():
            pytest.skip(f"{clip} not in training_data/")
        (ex,) = [e for e in load_examples(root, exercise="plank") if e.id == clip]
        track = at_sample_rate(ex.track, get_exercise("plank").analysis_fps)  # as repcheck analyze samples
        _assert_one_hold(track, ex.segments[0])

    @pytest.mark.parametrize("clip", ["plank-0000006", "plank-0200006"])
    def test_stored_mediapipe_tracks_pike_bounds_within_half_a_second(self, clip):
        """Real MediaPipe output of rendered piked planks (training_data/, 4 samples/s): a 45° pike lowered onto
        the belly whose hip reading stalls half-way down (the end was 0.58 s late, read from the recording's
        end and at the stall), and a pike got into from kneeling whose hips cross the body line before the
        legs are straight (started 0.86 s early)."""
        from repcheck.exercises import get_exercise
        from repcheck.pose import at_sample_rate
        from repcheck.training.dataset import default_training_dir, load_examples

        root = default_training_dir() / "synthetic"
        if not (root / f"{clip}.json").exists():
            pytest.skip(f"{clip} not in training_data/")
        (ex,) = [e for e in load_examples(root, exercise="plank") if e.id == clip]
        track = at_sample_rate(ex.track, get_exercise("plank").analysis_fps)
        _assert_one_hold(track, ex.segments[0], start_tol=0.5, end_tol=0.5)

    @pytest.mark.parametrize("view", ["side", "other_side", "oblique45"])
    @pytest.mark.parametrize("seed", [41, 48, 52, 53])
    def test_pike_hold_starts_when_the_body_is_up(self, seed, view):
        """A pike ramps in right after getting up: the hold starts where getting up ends (the hips reaching
        the body line, or the legs straightening after kneeling), not at the top of the pike."""
        track, motion = synth_track("plank", "hips_pike", 0.8, seed=seed, seconds=5, view=view)
        _assert_one_hold(track, motion.segments[0], note=motion.info["get_in"])

    def test_kneeling_splits_a_hold(self):
        """Knees down for a rest in the middle of a plank: two holds, not one (straight-legged score,
        knee angle dropping 40° for 2 s)."""
        t = np.arange(300) / 10.0
        x = ((t >= 2.0) & (t < 28.0)).astype(float)
        knee = np.full(t.size, 172.0)
        knee -= 40.0 * np.clip(np.minimum(t - 12.0, 16.0 - t) / 0.5, 0.0, 1.0)  # bent 12.5-15.5 s
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x, knee_floor_angle_deg=knee), "plank")
        assert [(round(s.start_s), round(s.end_s)) for s in segs] == [(2, 12), (16, 28)]

    @pytest.mark.parametrize("samples_out,holds", [(3, 1), (4, 2)])
    def test_a_drop_out_of_position_up_to_a_second_does_not_split_a_hold(self, samples_out, holds):
        """At 4 samples/s, three samples out of position (the samples either side 1.0 s apart) are a shaky
        moment inside the hold; four (1.25 s apart) split it."""
        t = np.arange(0, 20.0, 0.25)
        x = np.where((t >= 2.0) & (t < 18.0), 0.95, 0.05)
        i0 = int(np.searchsorted(t, 10.0))
        x[i0 : i0 + samples_out] = 0.05
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x), "plank")
        assert len(segs) == holds, [(s.start_s, s.end_s) for s in segs]

    @pytest.mark.parametrize("unseen_s,holds", [(2.0, 1), (3.0, 2)])
    def test_nobody_seen_for_two_seconds_does_not_split_a_hold(self, unseen_s, holds):
        """MediaPipe finding nobody (someone walking past the phone) for up to ``HOLD_UNSEEN_MAX_S`` inside a
        hold in position on both sides: one hold through it. Longer, the hold may have ended in between: two."""
        t = np.arange(0, 30.0, 0.25)
        x = np.where((t >= 2.0) & (t < 28.0), 0.95, 0.05)
        gap = (t >= 10.0) & (t < 10.0 + unseen_s)
        x[gap] = np.nan
        sig = _signals(t, in_plank=x, plank_posture=x)
        sig.quality["detected"] = (~gap).astype(float)
        segs, _ = find_holds(sig, "plank")
        assert len(segs) == holds, [(s.start_s, s.end_s) for s in segs]
        assert segs[0].start_s == pytest.approx(2.0, abs=0.3) and segs[-1].end_s == pytest.approx(27.75, abs=0.3)

    @pytest.mark.parametrize("knee_drop_deg,lying_s,holds", [(15.0, 5.0, 1), (40.0, 5.0, 2), (15.0, 12.0, 2)])
    def test_a_sag_pulled_back_up_does_not_split_a_hold(self, knee_drop_deg, lying_s, holds):
        """The hips sinking 15 cm below the line and coming back up, the score out of position meanwhile and
        the knees read 15° bent (a deep sag seen from 45°): one hold. Knees bent as deep as kneeling, or the
        hips down for longer than ``HOLD_SAG_DIP_MAX_S`` (a rest on the belly), are two."""
        t = np.arange(0, 30.0, 0.25)
        dip = (t >= 10.0) & (t < 10.0 + lying_s)
        x = np.where((t >= 2.0) & (t < 28.0) & ~dip, 0.95, 0.05)
        knee = np.where(dip, 171.0 - knee_drop_deg, 171.0)
        hips = np.where(dip, -15.0, 5.0)
        floor = np.where(dip, 2.0, 25.0)
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x, knee_floor_angle_deg=knee,
                                      hip_offset_cm=hips, hip_floor_cm=floor), "plank")
        assert len(segs) == holds, [(s.start_s, s.end_s) for s in segs]
        assert segs[0].start_s == pytest.approx(2.0, abs=0.5) and segs[-1].end_s == pytest.approx(28.0, abs=0.5)

    @pytest.mark.parametrize("noise_deg,ends_at_knees", [(0.5, True), (4.0, False)])
    def test_a_small_knee_drop_ends_a_steady_hold(self, noise_deg, ends_at_knees):
        """From a deep sag the knees reach the floor by a bend of ~11° only (a high camera read 11.9°): where
        the knee reading is steady all hold long that ends the hold; where it wanders by several degrees
        (45° views) such a dip does not."""
        t = np.arange(0, 20.0, 0.25)
        x = ((t >= 2.0) & (t < 18.0)).astype(float)
        rng = np.random.default_rng(0)
        knee = 171.0 + noise_deg * rng.standard_normal(t.size)
        knee -= 11.0 * np.clip((t - 12.0) / 0.5, 0.0, 1.0)  # knees down at 12-12.5 s, kept down
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x, knee_floor_angle_deg=knee), "plank")
        assert len(segs) == 1
        assert (segs[0].end_s == pytest.approx(12.0, abs=0.5)) == ends_at_knees, segs

    def test_legs_lost_by_mediapipe_do_not_end_a_hold(self):
        """MediaPipe losing a 45° deep sag's legs for 3 s (the knee angle jumping 40-300° from one sample to the
        next, the scores with it; readings of a rendered clip at 4 samples/s) does not end the hold: it ends
        where the knees really go down after it."""
        t = np.arange(0, 14.0, 0.25)
        knee = np.full(t.size, 165.0)
        glitch = [305, 135, 51, 292, 45, 38, 94, 40, 39, 110, 92, 56, 120]  # 7.5-10.5 s
        i0 = int(np.searchsorted(t, 7.5))
        knee[i0 : i0 + len(glitch)] = glitch
        knee[t >= 11.25] = 135.0  # knees down
        score = np.where((t >= 2.0) & (t < 14.0), 0.9, 0.0)
        score[i0 : i0 + len(glitch)] = np.where(np.array(glitch) < 120, 0.0, 0.3)
        score[t >= 11.25] = 0.3
        segs, _ = find_holds(_signals(t, in_plank=score, plank_posture=score, knee_floor_angle_deg=knee), "plank")
        assert [(round(s.start_s), round(s.end_s)) for s in segs] == [(2, 11)], segs

    @pytest.mark.parametrize("jump_cm,end_s", [(41.8, 9.25), (3.0, 6.25)])
    def test_a_skeleton_flip_does_not_end_a_hold(self, jump_cm, end_s):
        """MediaPipe re-reading a still plank as another skeleton (every point 40 cm or more elsewhere from one
        sample to the next; then the knee read ~40° bent, the hips 15 cm lower, for 3 s: readings of a rendered
        30° clip at 4 samples/s, h-plank-2400022) does not end the hold: it ends where the flipped skeleton
        moves (the person getting down). The same readings after an ordinary step are the knees going down."""
        t = np.arange(0, 12.0, 0.25)
        i0, i1 = int(np.searchsorted(t, 6.5)), int(np.searchsorted(t, 9.5))
        score = np.where(t >= 2.0, 0.98, 0.0)
        floor = np.where(t >= 2.0, 31.0, 3.0)
        knee = np.full(t.size, 176.0)
        jump = np.full(t.size, 0.3)
        jump[i0] = jump_cm
        score[i0:] = [0.03, 0.1, 0.08, 0.12, 0.23, 0.22, 0.27, 0.28, 0.24, 0.24, 0.03, 0.29] + [0.27] * (t.size - i1)
        knee[i0:] = [122, 135, 132, 137, 150, 150, 162, 160, 152, 149, 120, 147] + [136] * (t.size - i1)
        floor[i0:] = [15.4, 15.0, 14.5, 15.2, 15.3, 15.3, 15.3, 15.4, 15.4, 15.6, 15.9, 15.8] + [19.5] * (t.size - i1)
        segs, _ = find_holds(_signals(t, in_plank=score, plank_posture=score, knee_floor_angle_deg=knee,
                                      hip_floor_cm=floor, skeleton_jump_cm=jump), "plank")
        found = [(round(s.start_s, 2), round(s.end_s, 2)) for s in segs]
        assert len(segs) == 1 and segs[0].end_s == pytest.approx(end_s, abs=0.5), found

    @pytest.mark.parametrize("rise_cm,end_s", [(0.0, 11.0), (8.0, 7.75)])
    def test_brief_knee_dips_without_getting_up_between_do_not_end_a_hold(self, rise_cm, end_s):
        """A 45° deep sag whose knee MediaPipe read 13-15° bent for 0.5 s twice before the knees really went
        down (readings of a rendered clip at 4 samples/s, h-plank-2500002): the knees cannot go down again
        without getting back up onto the toes in between, which lifts the hips; so the hold ends at the last
        bend. With the hips rising between the dips (knees down, then back up), the first dip ends it."""
        t = np.arange(0, 13.0, 0.25)
        posture = np.where((t >= 3.0) & (t < 12.0), 0.9, 0.0)
        x = np.where(t < 6.0, posture, 0.5 * posture)  # sagging from 6 s: the hips near the floor
        knee = np.full(t.size, 158.0)
        floor = np.where(t >= 3.0, 11.0, 3.0)
        for t0, t1 in ((7.75, 8.5), (9.75, 10.25)):
            knee[(t >= t0) & (t <= t1)] = 144.0
        floor[(t > 8.5) & (t < 9.75)] += rise_cm
        knee[t >= 11.25] = 136.0  # knees down
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=posture, knee_floor_angle_deg=knee,
                                      hip_floor_cm=floor), "plank")
        found = [(round(s.start_s, 2), round(s.end_s, 2)) for s in segs]
        assert segs and segs[0].end_s == pytest.approx(end_s, abs=0.5), found

    def test_a_moment_of_mislocated_knees_does_not_split_a_hold(self):
        """MediaPipe putting the knee 80° bent for 0.5 s inside a hold (a rendered 45° plank at 4 samples/s)
        while the body stays in position is not the knees going down: one hold, not two."""
        t = np.arange(120) * 0.25
        x = ((t >= 2.0) & (t < 28.0)).astype(float)
        knee = np.full(t.size, 172.0)
        knee[(t >= 14.0) & (t <= 14.5)] = [90.0, 150.0, 152.0]
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=x, knee_floor_angle_deg=knee), "plank")
        assert [(round(s.start_s), round(s.end_s)) for s in segs] == [(2, 28)]

    def test_pike_got_into_from_lying_starts_when_the_hips_reach_the_body_line(self):
        """Getting up from lying (1.5 s) straight into a pike (1 s more), at 4 samples/s taken 0.3 s and 0.2 s
        apart as from a 10 fps video, blurred over 3 samples as MediaPipe's tracking blurs the pause between
        the two: the hold starts where the hips reach the body line, not at the pike's top (before: +1.0 s)."""
        t = np.cumsum(np.r_[0.0, np.tile([0.3, 0.2], 40)])

        def ease(u: np.ndarray) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))

        def blur(y: np.ndarray) -> np.ndarray:
            return np.convolve(np.r_[y[0], y, y[-1]], np.ones(3) / 3, "valid")

        up, pike = ease((t - 2.0) / 1.5), ease((t - 3.5) / 1.0)
        offset = blur(-15.0 + 20.0 * up + 20.0 * pike)  # lying -15 cm, the body line (+5) at 3.5 s, pike +25
        floor = blur(3.0 + 22.0 * up + 15.0 * pike)
        x = np.where(floor > 11.0, 1.0, 0.0)
        segs, _ = find_holds(_signals(t, in_plank=x, plank_posture=np.ones(t.size), hip_floor_cm=floor,
                                      hip_offset_cm=offset, knee_floor_angle_deg=np.full(t.size, 172.0)), "plank")
        assert len(segs) == 1
        assert segs[0].start_s == pytest.approx(3.5, abs=0.3)

    @pytest.mark.parametrize("sag_cm", [0.0, 18.0])
    def test_hold_starts_where_getting_up_ends_not_a_sample_early(self, sag_cm):
        """Getting up from lying (an eased 1.5 s rise of the hips) sampled at 4/s, 0.3 s and 0.2 s apart as from a
        10 fps video, its end falling anywhere between two samples; then held, or sagging 18 cm over 0.75 s right
        away. The hold starts where the rise ends, on average and within a sample (before: the rise's end was
        never put past the first slow step's near side, and a running median of 3 flattened the top of a rise
        into a sag onto the sample before it: -0.13 / -0.23 s on average, down to -0.25 / -0.35 s)."""
        t = np.cumsum(np.r_[0.0, np.tile([0.3, 0.2], 40)])

        def ease(u: np.ndarray) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))

        errors = []
        for t0 in 3.0 + np.arange(0.0, 0.5, 0.05):
            up, sag = ease((t - t0 + 1.5) / 1.5), sag_cm * ease((t - t0) / 0.75)
            floor = 3.0 + 24.0 * up - sag
            segs, _ = find_holds(_signals(t, in_plank=np.clip((floor - 8.0) / 6.0, 0.0, 1.0),
                                          plank_posture=np.ones(t.size), hip_floor_cm=floor,
                                          hip_offset_cm=-15.0 + 20.0 * up - sag,
                                          knee_floor_angle_deg=np.full(t.size, 172.0)), "plank")
            assert len(segs) == 1
            errors.append(segs[0].start_s - t0)
        assert abs(np.mean(errors)) <= 0.1 and np.max(np.abs(errors)) <= 0.25, np.round(errors, 2)

    def test_hold_got_up_from_lying_starts_when_the_hips_reach_the_line_past_a_stalled_reading(self):
        """MediaPipe's hip reading above the elbow-ankle floor line stalled for a step half-way up while the hips'
        offset from the body line rose on (readings of a rendered 45° plank got into from lying at 4 samples/s,
        h-plank-2600010; true start 3.65 s): the hold starts where the hips reach the line (before: 3.0 s)."""
        t = np.cumsum(np.r_[0.0, np.tile([0.3, 0.2], 30)])
        floor = np.r_[[4.1] * 7, 3.6, 7.6, 12.9, 17.4, 21.3, 21.8, 22.6, 24.0, 26.0, [26.5] * 45]
        offset = np.r_[[-15.0] * 7, -15.1, -13.4, -8.1, -5.2, -1.2, 1.3, 3.8, 5.6, 7.1, [7.0] * 45]
        segs, _ = find_holds(_signals(t, in_plank=np.clip((floor - 8.0) / 6.0, 0.0, 1.0),
                                      plank_posture=np.ones(t.size), hip_floor_cm=floor, hip_offset_cm=offset,
                                      knee_floor_angle_deg=np.full(t.size, 172.0)), "plank")
        assert len(segs) == 1 and segs[0].start_s == pytest.approx(3.65, abs=0.25), segs

    def test_a_hold_read_with_the_hips_barely_off_the_floor_starts_when_the_hips_are_up(self):
        """Seen obliquely MediaPipe read a plank's hips 9-14 cm above the elbow–toe floor line (h-plank-0900020
        of the held-out set), so the in-plank score sat under the start threshold for seconds after getting up
        from lying (2.5-4.5 s) with the posture in place. The hold starts where the hips are up, not 7.3 s where
        the reading first clears the threshold (before: 2.5 s late on that clip)."""
        t = np.cumsum(np.r_[0.0, np.tile([0.3, 0.2], 60)])

        def ease(u: np.ndarray) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))

        up, higher, down = ease((t - 2.5) / 2.0), ease((t - 7.0) / 0.5), ease((t - 24.0) / 1.5)
        floor = 2.0 + 10.0 * up + 3.0 * higher - 15.0 * down  # 12 cm up, 15 cm from 7.5 s
        posture = np.where((t > 3.0) & (t < 24.5), 0.75, 0.9)
        in_plank = posture / (1.0 + np.exp(-(floor - 11.0) / 2.5))  # 0.45 at 12 cm, 0.62 at 15 cm
        segs, _ = find_holds(_signals(t, in_plank=in_plank, plank_posture=posture, hip_floor_cm=floor,
                                      hip_offset_cm=-17.0 + 17.0 * up - 17.0 * down,
                                      knee_floor_angle_deg=np.full(t.size, 172.0)), "plank")
        assert [(round(s.start_s, 1), round(s.end_s, 1)) for s in segs] == [(4.5, 24.0)]

    @pytest.mark.parametrize("seed", [40, 43, 48])
    def test_a_hold_ends_before_a_rest_on_the_belly_that_the_recording_goes_on_through(self, seed):
        """Fast-path planks lowered straight onto the belly, the recording going on for 20 s while the person lies
        still: lying keeps the plank's posture (flat, legs straight, shoulders on the forearms), and the hold ran
        on through the rest to the recording's end (13 of 15 such sets). It ends where the body got down."""
        from repcheck.landmarks import PoseTrack
        from repcheck.pose import at_sample_rate

        track, motion = synth_track("plank", None, 0.0, seed=seed, seconds=8)
        assert motion.info["get_out"] == "belly"
        n = int(20 * track.fps)  # the last sample held for 20 s, with MediaPipe-like jitter (~1 px)
        image = np.concatenate([track.image, np.repeat(track.image[-1:], n, axis=0)])
        image[-n:, :, :2] += np.random.default_rng(seed).normal(0.0, 0.002, (n, 33, 2))
        world = None if track.world is None else np.concatenate([track.world, np.repeat(track.world[-1:], n, axis=0)])
        t = np.r_[track.t, track.t[-1] + np.arange(1, n + 1) / track.fps]
        resting = PoseTrack(image=image, t=t, frame_size=track.frame_size, fps=track.fps, world=world)
        _assert_one_hold(at_sample_rate(resting, 4.0), motion.segments[0])

    @pytest.mark.parametrize("dip_s,end_s", [(4.75, 11.5), (8.75, 8.5)])
    def test_a_knee_dip_as_a_deep_sag_sets_in_does_not_split_the_hold(self, dip_s, end_s):
        """At 45° MediaPipe read a deep sag's legs 15-25° bent for 0.75 s while the hips sank into it right after
        getting up, the strict score sinking with them to 0.3 (readings of a rendered clip at 4 samples/s,
        h-plank-2600010): within the shortest hold of the start that is not the knees going down, which would
        leave no hold before it (before: the hold started after the dip, 2.35 s late). The same dip later in the
        held sag reads as the knees going down and lying prone (h-plank-2400014): it still ends the hold."""
        t = np.arange(0, 13.0, 0.25)

        def ease(u: np.ndarray) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))

        up, sag, down = ease((t - 1.75) / 1.75), ease((t - 3.5) / 1.25), ease((t - 11.5) / 1.0)
        floor = 3.5 + 22.5 * up - 15.0 * sag - 7.5 * down  # got up from lying, sagging at once, lying down at 11.5 s
        score = np.clip((floor - 8.0) / 6.0, 0.05, 0.9)
        knee = np.full(t.size, 170.0) - 6.0 * sag
        dip = (t >= dip_s) & (t < dip_s + 0.75)
        knee[dip], score[dip] = [153.6, 152.4, 151.1], [0.33, 0.31, 0.36]
        segs, _ = find_holds(_signals(t, in_plank=score, plank_posture=np.where(dip, 0.74, 0.9), hip_floor_cm=floor,
                                      hip_offset_cm=-15.0 + 22.0 * up - 13.0 * sag - 9.0 * down,
                                      knee_floor_angle_deg=knee), "plank")
        found = [(round(x.start_s, 2), round(x.end_s, 2)) for x in segs]
        assert len(segs) == 1 and segs[0].start_s == pytest.approx(3.5, abs=0.5), found
        assert segs[0].end_s == pytest.approx(end_s, abs=0.5), found

    @pytest.mark.parametrize("fault,severity,seed", [(None, 0.0, 326), ("hips_sag", 0.9, 311)])
    def test_45_degree_hold_got_into_from_kneeling_starts_when_the_body_is_up(self, fault, severity, seed):
        """Fast-path 45° planks got into from kneeling, at 4 samples/s: a correct one whose hips rise only 9 cm
        while the held reading jitters by up to 2 cm a sample (before the two-step rate: +2.7 s, the top of the
        rise read in the jitter), and a deep sag whose legs read bent while the hips sink into it (before the early
        dip rule: +1.8 s)."""
        from repcheck.pose import at_sample_rate

        track, motion = synth_track("plank", fault, severity, seed=seed, seconds=8, view="oblique45")
        assert motion.info["get_in"] == "kneeling"
        _assert_one_hold(at_sample_rate(track, 4.0), motion.segments[0], start_tol=0.5, end_tol=0.5)

    def test_fully_sagged_plank_still_found(self):
        """At severity 1 the hips hang near the floor (like lying down): the posture fallback finds it."""
        track, motion = synth_track("plank", "hips_sag", 1.0, seed=5, seconds=10)
        segs, info = find_holds(compute_signals(track, "plank"), "plank")
        assert len(segs) == 1
        truth = motion.segments[0]
        assert segs[0].start_s <= truth["start_s"] + 1.0 and segs[0].end_s >= truth["end_s"] - 1.0


# ------------------------------------------------------------------------------------------- reps
class TestFindReps:
    def test_empty(self):
        segs, info = find_reps(_signals(np.zeros(0), hip_height=np.zeros(0)), "glute_bridge")
        assert segs == [] and info["peaks"].size == 0

    def test_basic_sine(self):
        t = np.arange(0, 30, 0.1)
        x = np.where((t > 2) & (t < 26), 10 * np.sin(np.pi * (t - 2) / 4) ** 2, 0.0)  # 6 reps of 4 s
        segs, info = find_reps(_signals(t, hip_height=x), "glute_bridge")
        assert len(segs) == 6
        assert all(s.kind == "rep" for s in segs) and [s.index for s in segs] == list(range(1, 7))
        for k, s in enumerate(segs):
            assert s.start_s == pytest.approx(2 + 4 * k, abs=0.6) and s.end_s == pytest.approx(6 + 4 * k, abs=0.6)
        assert len(info["prominences"]) == 6

    def test_no_movement_no_reps(self):
        t = np.arange(0, 20, 0.1)
        rng = np.random.default_rng(0)
        segs, _ = find_reps(_signals(t, hip_height=rng.normal(0, 0.3, t.size)), "glute_bridge")
        assert segs == []

    def test_all_nan(self):
        t = np.arange(0, 5, 0.1)
        segs, _ = find_reps(_signals(t, hip_height=np.full(t.size, np.nan)), "glute_bridge")
        assert segs == []

    def test_bounds_at_each_side_own_rest(self):
        """A rep that starts from a lower rest than it ends on keeps both bounds where the movement
        starts/ends (eased, like people move), not part-way up the side with the lower rest."""
        t = np.arange(0, 24, 0.1)

        def ease(t0: float, t1: float) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip((t - t0) / (t1 - t0), 0, 1))

        # rest 0 → rep 1 (2–8 s) → rest 4 → rep 2 (10–16 s) → rest 0 → rep 3 (17–23 s)
        x = 10 * ease(2, 4) - 6 * ease(6, 8) + 6 * ease(10, 12) - 10 * ease(14, 16) + 10 * ease(17, 19) \
            - 10 * ease(21, 23)
        segs, _ = find_reps(_signals(t, hip_height=x), "glute_bridge")
        found = [(round(s.start_s, 2), round(s.end_s, 2)) for s in segs]
        assert len(segs) == 3, found
        for s, (a, b) in zip(segs, [(2, 8), (10, 16), (17, 23)], strict=True):
            assert s.start_s == pytest.approx(a, abs=0.3) and s.end_s == pytest.approx(b, abs=0.3), found

    @pytest.mark.parametrize("exercise,fault,severity", REP_CASES)
    @pytest.mark.parametrize("fps", [8.0, 15.0])
    def test_counts_exact_bounds_within_half_second(self, exercise, fault, severity, fps):
        track, motion = synth_track(exercise, fault, severity, seed=21, fps=fps, reps=5)
        segs, _ = find_segments(compute_signals(track, exercise), exercise)
        truth = motion.segments
        assert len(segs) == len(truth), [(s.start_s, s.end_s) for s in segs]
        err = [abs(s.start_s - g["start_s"]) for s, g in zip(segs, truth, strict=True)] + \
              [abs(s.end_s - g["end_s"]) for s, g in zip(segs, truth, strict=True)]
        # typical bound within 0.5 s; an occasional first/last rep merges with getting into position
        assert np.median(err) < 0.5 and np.mean(np.asarray(err) < 1.0) >= 0.8, err
        if exercise == "lumbar_locked_rotation":
            assert [s.side for s in segs] == [g["side"] for g in truth]

    @pytest.mark.parametrize("seed", [21, 22])
    def test_locked_rotation_with_shoulder_swaps(self, seed):
        """MediaPipe swaps the left and right shoulder for bursts of frames with the shoulders stacked
        (rendered clips, issue #3); smoothing the signed rotation averaged such reps away and the sign at
        the top gave the wrong side. Swapped bursts near every rep's top: every rep found, on its side."""
        from dataclasses import replace

        from repcheck.landmarks import LM

        track, motion = synth_track("lumbar_locked_rotation", seed=seed, fps=10.0, reps=5)
        img = track.image.copy()
        t = track.t
        for g in motion.segments:
            a, b = g["start_s"], g["end_s"]
            top = (t > a + 0.3 * (b - a)) & (t < a + 0.7 * (b - a))
            burst = top & ((np.round((t - a) * 10).astype(int) // 3) % 2 == 0)  # 3 frames on, 3 off
            ls, rs = img[burst, LM["left_shoulder"]].copy(), img[burst, LM["right_shoulder"]].copy()
            img[burst, LM["left_shoulder"]], img[burst, LM["right_shoulder"]] = rs, ls
        sig = compute_signals(replace(track, image=img), "lumbar_locked_rotation")
        assert sig.values["shoulder_swap"].sum() >= 3
        segs, _ = find_segments(sig, "lumbar_locked_rotation")
        truth = motion.segments
        assert len(segs) == len(truth), [(round(s.start_s, 2), round(s.end_s, 2)) for s in segs]
        assert [s.side for s in segs] == [g["side"] for g in truth]
        err = [abs(s.start_s - g["start_s"]) for s, g in zip(segs, truth, strict=True)] + \
              [abs(s.end_s - g["end_s"]) for s, g in zip(segs, truth, strict=True)]
        assert np.median(err) < 0.5, err


# ------------------------------------------------------- locked rotation, hand behind the head (MediaPipe)
@pytest.mark.slow
def test_locked_rotation_hand_behind_head_rendered(rendered_clip, monkeypatch):
    """The locked rotation with the free hand behind the head (``arms="behind_head"``: the training data has
    none; it is rendered here through the real MediaPipe). Getting into position lifts the hand from the
    thigh to the head — the wrist and elbow rise while the body sits down, leaving a dip before the first
    rep — so the arms are not a rotation reading for this pose: with them the first rep started 1.05 s early
    on this clip. Every rep found, each bound within 0.5 s, on its side."""
    import functools

    import repcheck.synth.motions as motions

    monkeypatch.setattr(motions, "make_motion", functools.partial(motions.make_motion, arms="behind_head"))
    _, truth, track = rendered_clip("lumbar_locked_rotation", seed=2500040, view="side", reps=4)
    segs, _ = find_segments(compute_signals(track, "lumbar_locked_rotation"), "lumbar_locked_rotation")
    want = truth["segments"]
    got = [(round(s.start_s, 2), round(s.end_s, 2), s.side) for s in segs]
    assert len(segs) == len(want), (got, want)
    for s, g in zip(segs, want, strict=True):
        assert abs(s.start_s - g["start_s"]) <= 0.5 and abs(s.end_s - g["end_s"]) <= 0.5, (got, want)
    assert [s.side for s in segs] == [g["side"] for g in want], (got, want)


# -------------------------------------------------------------------- glute bridge on MediaPipe output
def _rendered(exercise: str, ids: tuple[str, ...] | None = None) -> list:
    """Rendered training examples (real MediaPipe output, ground-truth bounds) thinned to the analysis rate."""
    from dataclasses import replace

    from repcheck.exercises import get_exercise
    from repcheck.training.dataset import default_training_dir, load_examples

    root = default_training_dir() / "synthetic"
    if not root.exists():
        pytest.skip("training_data/synthetic not present")
    exs = [e for e in load_examples(root, exercise=exercise) if ids is None or e.id in ids]
    if not exs or (ids is not None and len(exs) < len(ids)):
        pytest.skip(f"{exercise} examples {ids} not in training_data/synthetic")
    fps = get_exercise(exercise).analysis_fps
    out = []
    for e in exs:
        tr = e.track
        step = max(1, int(round(tr.fps / fps))) if tr.fps and tr.fps > fps * 1.01 else 1
        world = tr.world[::step] if tr.world is not None else None
        out.append((e, replace(tr, image=tr.image[::step], t=tr.t[::step], fps=tr.fps / step, world=world)))
    return out


def _bound_errors(segs: list[Segment], truth) -> list[tuple[float, float]]:
    """(start, end) errors (s) of the found rep overlapping each true rep most; NaN where none overlaps."""
    out = []
    for g in truth:
        ov = [max(0.0, min(s.end_s, g.end_s) - max(s.start_s, g.start_s)) for s in segs]
        if not ov or max(ov) <= 0:
            out.append((np.nan, np.nan))
            continue
        s = segs[int(np.argmax(ov))]
        out.append((s.start_s - g.start_s, s.end_s - g.end_s))
    return out


def _bridge_set(dip_cm: float = 0.0, small_cm: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Times and hip height (cm) of three eased 15 cm bridge reps, the middle one held 5 s at the top with a
    dip of ``dip_cm`` in the middle of the hold, or (``small_cm``) replaced by a small rep of that rise."""
    t = np.arange(0, 30, 0.1)

    def ease(t0: float, t1: float) -> np.ndarray:
        return 0.5 - 0.5 * np.cos(np.pi * np.clip((t - t0) / (t1 - t0), 0, 1))

    mid = (small_cm if small_cm is not None else 15.0) * (ease(9, 10.5) - ease(15.5, 17))
    x = 15 * (ease(2, 3.5) - ease(5, 6.5)) + mid + 15 * (ease(20, 21.5) - ease(23, 24.5))
    return t, x - dip_cm * (ease(12, 12.7) - ease(12.7, 13.4))


class TestBridgeRepChecks:
    """The bridge-only rep checks, on signals built to isolate each one (knees bent at 80° unless said)."""

    @staticmethod
    def _count(t, x, ext=None, knee=80.0):
        ext = -40.0 + 2.7 * x if ext is None else ext
        sig = _signals(t, hip_height=x, hip_extension_deg=ext, knee_angle_deg=np.full(t.size, knee))
        return find_reps(sig, "glute_bridge")[0]

    def test_small_rep_between_full_reps_is_counted(self):
        t, x = _bridge_set(small_cm=1.5)  # 1.5 cm of hip rise, 4° of hip opening, 0.1 of the full reps
        assert len(self._count(t, x)) == 3

    def test_dip_while_holding_the_top_is_not_a_rep(self):
        t, x = _bridge_set(dip_cm=3.0)
        segs = self._count(t, x)
        assert len(segs) == 3
        assert segs[1].start_s == pytest.approx(9, abs=0.5) and segs[1].end_s == pytest.approx(17, abs=0.5)

    def test_hip_rise_without_the_hip_opening_is_not_a_rep(self):
        """A hip-height bump the shoulder–hip–knee angle does not follow (MediaPipe's hip point moving)."""
        t, x = _bridge_set(small_cm=2.0)
        ext = np.where((t > 8.5) & (t < 17.5), -40.0, -40.0 + 2.7 * x)
        assert len(self._count(t, x, ext=ext)) == 2

    def test_bump_with_the_legs_stretched_out_is_not_a_rep(self):
        t, x = _bridge_set(small_cm=2.0)
        assert self._count(t, x, knee=165.0) == []

    def test_lost_track_does_not_hide_small_reps(self):
        """MediaPipe losing the body after two small incomplete reps (seen on a held-out 45° clip from the
        feet end: the hip folded to −90…−140°, the hip height thrown about by up to 60 cm) does not set the
        rep period and prominence cut: both 2 cm reps are found, and nothing in the lost part is a rep."""
        t = np.arange(0, 30, 0.1)

        def ease(t0: float, t1: float) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip((t - t0) / (t1 - t0), 0, 1))

        x = 2.0 * (ease(2, 3.5) - ease(5, 6.5)) + 2.0 * (ease(9, 10.5) - ease(12, 13.5))
        ext = -47.0 + 3.5 * x
        lost = t >= 16.0
        rng = np.random.default_rng(0)
        x = np.where(lost, np.repeat(rng.uniform(-30, 40, t.size // 5), 5), x)
        ext = np.where(lost, np.repeat(rng.uniform(-140, -90, t.size // 5), 5), ext)
        segs = self._count(t, x, ext=ext, knee=62.0)
        assert len(segs) == 2, [(s.start_s, s.end_s) for s in segs]
        for s, (a, b) in zip(segs, [(2.0, 6.5), (9.0, 13.5)], strict=True):
            assert abs(s.start_s - a) < 0.5 and abs(s.end_s - b) < 0.5, (s.start_s, s.end_s)

    def test_small_incomplete_rep_found_on_fast_path_sets(self):
        """A rep to ~34° short of the line between two full reps, side, 45° and high camera (6 seeds)."""
        for seed in range(6):
            for view in ("side", "oblique45", "high"):
                track, motion = synth_track("glute_bridge", "incomplete_extension", (0.0, 0.85, 0.0), seed=seed,
                                            reps=3, view=view)
                segs, _ = find_segments(compute_signals(track, "glute_bridge"), "glute_bridge")
                assert len(segs) == 3, (seed, view, [(s.start_s, s.end_s) for s in segs])


class TestBridgeRepsRendered:
    @pytest.mark.parametrize("example_id", ["glute_bridge-0000060", "glute_bridge-0000070"])
    def test_rep_with_little_hip_rise_is_found(self, example_id):
        """An incomplete rep (hips to 34–36° short of the line, 1.6–3.8 cm of hip rise) beside a full rep of
        12 cm is a rep: the set's count is exact and getting into position is not counted."""
        ((ex, track),) = _rendered("glute_bridge", (example_id,))
        segs, _ = find_segments(compute_signals(track, "glute_bridge"), "glute_bridge")
        assert len(segs) == len(ex.segments) == 2, [(s.start_s, s.end_s) for s in segs]
        small = int(np.argmin([g.faults["incomplete_extension"]["value"] for g in ex.segments]))
        err = _bound_errors(segs, ex.segments)[small]
        assert max(abs(err[0]), abs(err[1])) < 1.0, err

    def test_legs_stretched_out_after_the_last_rep_do_not_extend_it(self):
        """Stretching the legs out moves the shoulder–ankle line, so the hip height drops below its rest
        (rendered 45° clip); the last rep still ends where the hips are back down (was 2.3 s late)."""
        ((ex, track),) = _rendered("glute_bridge", ("glute_bridge-0200061",))
        segs, _ = find_segments(compute_signals(track, "glute_bridge"), "glute_bridge")
        assert len(segs) == 2
        assert abs(_bound_errors(segs, ex.segments)[-1][1]) < 0.5

    def test_all_rendered_sets_counted_exactly_bounds_within_half_second(self):
        """All rendered bridge training sets (side, other side, 25°/45° oblique, high camera; full,
        arched and incomplete reps): every count exact, ≥ 90 % of reps with both bounds within 0.5 s
        (measured 36/36 sets, 91.7 %)."""
        n_exact, errs = 0, []
        for ex, track in _rendered("glute_bridge"):
            segs, _ = find_segments(compute_signals(track, "glute_bridge"), "glute_bridge")
            n_exact += len(segs) == len(ex.segments)
            errs += [max(abs(a), abs(b)) for a, b in _bound_errors(segs, ex.segments)]
        total = len(_rendered("glute_bridge"))
        assert n_exact == total
        assert np.mean(np.nan_to_num(np.asarray(errs), nan=np.inf) <= 0.5) >= 0.9


# ----------------------------------------------------------------- upper back roll on MediaPipe output
def _lost_lying_down(track, t0: float, t1: float, deg: float, knees_down: bool):
    """``track`` with MediaPipe losing the body between ``t0`` and ``t1`` (s), as on a 30° dev clip while the
    person lay back onto the roller: the head points swing about the hips by up to ``deg`` (eased; toward the
    floor, so the hip→head line's tilt spikes like an extension) and, with ``knees_down``, the knees are read
    level with the hips (the clip: 26 cm below to 2 cm above them, against 25–35 cm above in position)."""
    from dataclasses import replace

    from repcheck.landmarks import LM

    img = np.array(track.image, float)
    size = np.array(track.frame_size, float)
    P = img[:, :, :2] * size
    hip = np.nanmean(P[:, [LM["left_hip"], LM["right_hip"]]], axis=1)
    toward = np.sign(np.nanmedian(P[:, LM["nose"], 0] - hip[:, 0]))  # image y points down
    m = (track.t >= t0) & (track.t <= t1)
    a = toward * np.radians(deg) * np.sin(np.pi * (track.t[m] - t0) / (t1 - t0)) ** 2
    c, s = np.cos(a)[:, None], np.sin(a)[:, None]
    d = P[m, :11] - hip[m, None]  # nose, eyes, ears, mouth
    P[m, :11, 0] = hip[m, None, 0] + c * d[..., 0] - s * d[..., 1]
    P[m, :11, 1] = hip[m, None, 1] + s * d[..., 0] + c * d[..., 1]
    if knees_down:
        P[m, LM["left_knee"], 1] = P[m, LM["right_knee"], 1] = hip[m, 1]
    img[:, :, :2] = P / size
    return replace(track, image=img)


class TestRollRepChecks:
    """The roll-only rep checks, on signals built to isolate each one (knees 30 cm above the hips unless said)."""

    @staticmethod
    def _set(dip_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Times, angle (°) and head drop (cm) of three eased 12° reps from a −45° rest (the head dropping 1 cm
        per degree), the angle of the middle one dipping by ``dip_deg`` half-way through its 4 s top."""
        t = np.arange(0, 30, 0.1)

        def ease(t0: float, t1: float) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip((t - t0) / (t1 - t0), 0, 1))

        reps = 12 * (ease(2, 3.5) - ease(5, 6.5) + ease(9, 10.5) - ease(14.5, 16) + ease(19, 20.5) - ease(22, 23.5))
        return t, -45 + reps - dip_deg * (ease(12, 12.5) - ease(12.5, 13)), 20 + reps

    @staticmethod
    def _count(t, angle, drop, knees=30.0):
        sig = _signals(t, thorax_extension=angle, head_drop_cm=drop, knee_above_hip_cm=np.full(t.size, knees))
        return find_reps(sig, "upper_back_roll")[0]

    def test_angle_dip_the_head_does_not_show_is_not_a_new_rep(self):
        """45° dev clip from the feet end: the angle dipped by 7° (0.58 of the rep) inside an arched rep where
        MediaPipe's head point wandered sideways; the head's height did not dip. One rep, bounds at its ends."""
        t, angle, drop = self._set(dip_deg=7.0)
        segs = self._count(t, angle, drop)
        assert len(segs) == 3, [(s.start_s, s.end_s) for s in segs]
        assert segs[1].start_s == pytest.approx(9, abs=0.5) and segs[1].end_s == pytest.approx(16, abs=0.5)

    def test_the_same_dip_in_the_head_drop_is_two_reps(self):
        t, angle, drop = self._set(dip_deg=7.0)
        assert len(self._count(t, angle, drop + (angle - (-45 + (drop - 20))))) == 4

    def test_angle_sagging_at_the_top_does_not_end_the_rep_while_the_head_is_down(self):
        """45° dev clip: the angle fell back by half of its rise at the rep's top and stayed there until the
        rep's own fall (no second peak); its bound stopped at the sag, 2.95 s before the rep's end. The head's
        drop stayed up: the rep ends where the head is back (angle alone: ends at the sag, 4 s early)."""
        t, angle, drop = self._set(dip_deg=0.0)

        def ease(t0: float, t1: float) -> np.ndarray:
            return 0.5 - 0.5 * np.cos(np.pi * np.clip((t - t0) / (t1 - t0), 0, 1))

        sag = 7.0 * (ease(11.5, 12) - ease(14.5, 15.25))  # 0.58 of the rise, until the rep's own fall
        segs = self._count(t, angle - sag, drop)
        assert len(segs) == 3, [(s.start_s, s.end_s) for s in segs]
        assert segs[1].start_s == pytest.approx(9, abs=0.5) and segs[1].end_s == pytest.approx(16, abs=0.5)

    def test_reps_with_the_knees_down_are_not_counted(self):
        """Knees read level with the hips (MediaPipe lost the body getting down onto the roller): not in position."""
        t, angle, drop = self._set(dip_deg=0.0)
        assert self._count(t, angle, drop, knees=0.0) == []
        assert len(self._count(t, angle, drop, knees=np.nan)) == 3  # knees not seen: no evidence against


class TestRollRepsRendered:
    def test_lost_track_lying_down_onto_the_roller_is_not_a_rep(self):
        """Rendered roll sets with ≥ 3 s before the first rep, given a 2 s getting-down spike of 25° ending
        0.8 s before it (the 30° dev clip h-upper_back_roll-3100028: a 20° spike with the knees read at hip
        level was counted as a rep and ran the first rep's start 0.5 s early). With the knees down (out of
        position) it is no rep and the first rep's start stays within 0.5 s (35 sets; measured: counts
        exact, starts as without the spike); with the knees up the same spike is a rep (35 of 35 sets)."""
        n = 0
        for ex, track in _rendered("upper_back_roll"):
            g0 = ex.segments[0].start_s
            if g0 < 3.0:
                continue
            n += 1
            found = {}
            for knees_down in (False, True):
                lost = _lost_lying_down(track, g0 - 2.8, g0 - 0.8, 25.0, knees_down)
                found[knees_down], _ = find_segments(compute_signals(lost, "upper_back_roll"), "upper_back_roll")
            assert len(found[False]) == len(ex.segments) + 1, ex.id  # the construction makes a rep-like spike
            segs = found[True]
            assert len(segs) == len(ex.segments), (ex.id, [(s.start_s, s.end_s) for s in segs])
            assert abs(_bound_errors(segs, ex.segments)[0][0]) < 0.5, ex.id
        assert n >= 10


# -------------------------------------------------------------------------------------- streaming
class TestRepCounter:
    def test_hysteresis(self):
        c = RepCounter(enter=5.0, exit=2.0)
        counts = [c.update(v) for v in [0, 6, 4.9, 5.1, 4, 3, 1.9, 0, 6, np.nan, 1, 0]]
        assert counts[-1] == 2

    def test_raises(self):
        with pytest.raises(ValueError, match="enter"):
            RepCounter(enter=1.0, exit=2.0).update(0.0)

    def test_agrees_with_offline_finder_on_a_sine(self):
        t = np.arange(0, 30, 0.1)
        x = np.where((t > 2) & (t < 26), 10 * np.sin(np.pi * (t - 2) / 4) ** 2, 0.0)
        segs, info = find_reps(_signals(t, hip_height=x), "glute_bridge")
        c = RepCounter(info["enter"], info["exit"])
        assert [c.update(v) for v in x][-1] == len(segs) == 6

    @pytest.mark.parametrize("exercise", ["glute_bridge", "upper_back_roll", "lumbar_locked_rotation"])
    def test_agrees_with_offline_finder(self, exercise):
        """On clean synthetic sets (exact landmarks) the streaming count equals the offline one."""
        track, motion = synth_track(exercise, seed=12, reps=5, noise=False)
        segs, info = find_reps(compute_signals(track, exercise), exercise)
        c = RepCounter(info["enter"], info["exit"])
        for v in info["driver"]:
            c.update(v)
        assert c.count_ == len(segs) == len(motion.segments)


def test_segment_mask():
    s = Segment(1, "rep", 0.2, 0.5, None, 2, 5)
    assert s.mask(8).tolist() == [False, False, True, True, True, True, False, False]
    assert s.duration_s == pytest.approx(0.3)
