"""Features: gap bridging, smoothing, body-size normalisation and the plank/bridge/roll/rotation signals
measured on synthetic landmark tracks with known ground truth."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import rendered_examples, synth_track
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from repcheck.features import MAX_GAP_S, Signals, bridge_gaps, compute_signals, smooth
from repcheck.landmarks import LM, PoseTrack

#: The 17 COCO-style points some pose models give (the rest NaN).
COCO17 = [LM[n] for n in (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee",
    "left_ankle", "right_ankle")]

#: Single frames of MediaPipe output (x, y, z normalised; visibility) for the folded-knee test, from dev renders.
FOLDED_KNEE_FRAMES = {
    "sitting back on the heels": [
        [0.4921, 0.4809, 0.1712, 0.9985], [0.4928, 0.4616, 0.1817, 0.9988], [0.4914, 0.4602, 0.1817, 0.9987],
        [0.4898, 0.4588, 0.1816, 0.9989], [0.4942, 0.4616, 0.1529, 0.999], [0.4938, 0.4603, 0.1528, 0.9988],
        [0.4934, 0.4589, 0.1528, 0.9989], [0.4772, 0.4525, 0.226, 0.9993], [0.4832, 0.4537, 0.0956, 0.9991],
        [0.4825, 0.4922, 0.1907, 0.9985], [0.4845, 0.4932, 0.1519, 0.9978], [0.4231, 0.4876, 0.3119, 0.9993],
        [0.4623, 0.5111, 0.0, 0.9999], [0.4711, 0.5593, 0.4406, 0.1352], [0.5264, 0.5679, -0.006, 0.9257],
        [0.5318, 0.5841, 0.5136, 0.2862], [0.5875, 0.6003, 0.1591, 0.8353], [0.5499, 0.5849, 0.5514, 0.3064],
        [0.6111, 0.6035, 0.1624, 0.7745], [0.5515, 0.5825, 0.5395, 0.3077], [0.606, 0.5967, 0.1828, 0.7522],
        [0.5486, 0.5904, 0.5114, 0.2928], [0.5982, 0.5971, 0.172, 0.7321], [0.2832, 0.5953, 0.1042, 0.9997],
        [0.3085, 0.6106, -0.1045, 0.9994], [0.3918, 0.7331, 0.1794, 0.3424], [0.4334, 0.7405, -0.1145, 0.9198],
        [0.2967, 0.7551, 0.1572, 0.4743], [0.2972, 0.7743, -0.091, 0.8803], [0.2806, 0.7335, 0.1533, 0.619],
        [0.2825, 0.7524, -0.0831, 0.9034], [0.2598, 0.7888, 0.1894, 0.578], [0.2633, 0.8759, -0.0217, 0.8256],
    ],
    "steep pike, knee misplaced": [
        [0.5886, 0.5543, 0.2778, 0.9865], [0.5932, 0.5572, 0.285, 0.9866], [0.5933, 0.5573, 0.2849, 0.9871],
        [0.5933, 0.5573, 0.2849, 0.9856], [0.594, 0.5567, 0.2773, 0.9885], [0.5948, 0.5553, 0.2774, 0.9886],
        [0.5956, 0.554, 0.2773, 0.9871], [0.5976, 0.5487, 0.2878, 0.9824], [0.6002, 0.5436, 0.2555, 0.992],
        [0.5871, 0.5476, 0.2771, 0.991], [0.5887, 0.5445, 0.2668, 0.9843], [0.5829, 0.5329, 0.1962, 0.9992],
        [0.5925, 0.5111, 0.1933, 0.9996], [0.5243, 0.57, 0.0802, 0.243], [0.5196, 0.5531, 0.1234, 0.7986],
        [0.4796, 0.6113, -0.0691, 0.4613], [0.4684, 0.5797, 0.0855, 0.7734], [0.4724, 0.6251, -0.0982, 0.4384],
        [0.4562, 0.5865, 0.0755, 0.7789], [0.4715, 0.6199, -0.0973, 0.4414], [0.4568, 0.588, 0.0726, 0.7588],
        [0.4737, 0.6115, -0.0742, 0.4571], [0.4608, 0.588, 0.0841, 0.7333], [0.5204, 0.4893, -0.0184, 0.9999],
        [0.541, 0.4779, 0.018, 0.9998], [0.5228, 0.4125, -0.2001, 0.5917], [0.5934, 0.3361, -0.104, 0.9064],
        [0.4144, 0.4828, -0.2346, 0.6952], [0.5043, 0.464, -0.2034, 0.8156], [0.4048, 0.4936, -0.2354, 0.7913],
        [0.4942, 0.4876, -0.2113, 0.8308], [0.3645, 0.4861, -0.26, 0.7861], [0.4553, 0.4649, -0.2389, 0.797],
    ],
}


def _hold_median(sig: Signals, motion, name: str) -> float:
    seg = motion.segments[0]
    m = (sig.t > seg["start_s"] + 1.0) & (sig.t < seg["end_s"] - 1.0)
    return float(np.nanmedian(sig.values[name][m]))


# ------------------------------------------------------------------------------------ bridge_gaps
class TestBridgeGaps:
    def test_empty(self):
        assert bridge_gaps(np.zeros(0), np.zeros(0)).shape == (0,)

    def test_short_gap_interpolated(self):
        t = np.arange(10) / 10.0
        x = t * 2.0
        x[3:6] = np.nan  # 0.4 s between finite neighbours
        out = bridge_gaps(x, t)
        np.testing.assert_allclose(out, t * 2.0)

    def test_long_gap_stays_nan(self):
        t = np.arange(30) / 10.0
        x = np.ones(30)
        x[5:15] = np.nan  # 1.1 s
        out = bridge_gaps(x, t, max_gap_s=MAX_GAP_S)
        assert np.isnan(out[5:15]).all() and np.isfinite(out[:5]).all()

    def test_leading_nan_stays(self):
        t = np.arange(5) / 10.0
        out = bridge_gaps(np.array([np.nan, 1, 2, 3, 4.0]), t)
        assert np.isnan(out[0])


class TestSmooth:
    def test_keeps_a_line_and_nan_runs(self):
        x = np.linspace(0, 10, 40)
        x[20:23] = np.nan
        out = smooth(x, fps=10.0)
        assert np.isnan(out[20:23]).all()
        np.testing.assert_allclose(out[:20], x[:20], atol=1e-9)

    def test_reduces_jitter(self):
        rng = np.random.default_rng(0)
        x = rng.normal(0, 1, 300)
        assert np.std(smooth(x, fps=30.0)) < 0.6


# ------------------------------------------------------------------------------- compute_signals
class TestPlankSignals:
    def test_hip_offset_matches_ground_truth(self):
        """Exact projection of a standard body: the measured offset is the physical one (cm)."""
        for fault, sev in ((None, 0.0), ("hips_sag", 0.6), ("hips_pike", 0.6)):
            track, motion = synth_track("plank", fault, sev, seed=1, noise=False, seconds=8)
            sig = compute_signals(track, "plank")
            truth = float(np.median(motion.fault_value(np.linspace(motion.segments[0]["start_s"] + 1,
                                                                     motion.segments[0]["end_s"] - 1, 30))))
            assert _hold_median(sig, motion, "hip_offset_cm") == pytest.approx(truth, abs=3.0), fault

    def test_sag_below_and_pike_above_the_line(self):
        sag = compute_signals(synth_track("plank", "hips_sag", 0.8, seed=2, seconds=8)[0], "plank")
        pike = compute_signals(synth_track("plank", "hips_pike", 0.8, seed=2, seconds=8)[0], "plank")
        ok = compute_signals(synth_track("plank", seed=2, seconds=8)[0], "plank")
        m = synth_track("plank", seed=2, seconds=8)[1]
        assert _hold_median(sag, m, "hip_offset_cm") < -3 < _hold_median(ok, m, "hip_offset_cm") < \
            _hold_median(pike, m, "hip_offset_cm")

    def test_in_plank_high_during_hold_low_lying(self):
        track, motion = synth_track("plank", seed=3, seconds=8)
        sig = compute_signals(track, "plank")
        seg = motion.segments[0]
        inside = (sig.t > seg["start_s"] + 0.5) & (sig.t < seg["end_s"] - 0.5)
        assert np.nanmedian(sig["in_plank"][inside]) > 0.8
        assert np.nanmedian(sig["in_plank"][sig.t < seg["start_s"] - 1.5]) < 0.4

    def test_camera_roll_does_not_change_offset(self):
        """A crooked phone (10° roll) rotates the image, not the body lines."""
        from repcheck.synth.camera import Camera
        from repcheck.synth.landmark_tracks import project_track

        track, motion = synth_track("plank", "hips_sag", 0.5, seed=4, noise=False, seconds=6)
        c = track.source["camera"]
        rolled = Camera(tuple(c["position"]), tuple(c["target"]), c["width"], c["height"], c["hfov_deg"],
                        c["roll_deg"] + 10.0)
        t2 = project_track(motion, rolled, 10.0, rng=np.random.default_rng(0), noise=None)
        a = _hold_median(compute_signals(track, "plank"), motion, "hip_offset_cm")
        b = _hold_median(compute_signals(t2, "plank"), motion, "hip_offset_cm")
        assert a == pytest.approx(b, abs=1.5)

    def test_17_of_33_landmarks_give_the_same_offset(self):
        track, motion = synth_track("plank", "hips_sag", 0.6, seed=5, seconds=6)
        img = np.full_like(track.image, np.nan)
        img[:, COCO17] = track.image[:, COCO17]
        t17 = dataclasses.replace(track, image=img, world=None)
        a = _hold_median(compute_signals(track, "plank"), motion, "hip_offset_cm")
        b = _hold_median(compute_signals(t17, "plank"), motion, "hip_offset_cm")
        assert np.isfinite(b) and a == pytest.approx(b, abs=1.5)

    @pytest.mark.parametrize("pose,straight", [("sitting back on the heels", False),
                                               ("steep pike, knee misplaced", True)])
    def test_a_knee_above_the_hip_foot_line_is_a_straight_leg_only_off_the_floor(self, pose, straight):
        """Two poses as MediaPipe read them (480x270 renders), each held as a set: both put the knee above the
        hip–foot line, 37° and 81° between thigh and shin. Sitting back on the heels after a plank (dev clip
        2100002 with a 20 s rest) the knee is on the floor: bent legs, out of the plank (before: read as straight
        legs, and the rest became a piked hold). Rising into a steep pike (dev clip 2800003) MediaPipe misplaced a
        straight leg's knee 40 cm up: it stays a straight leg, in the plank."""
        image = np.array(FOLDED_KNEE_FRAMES[pose], float)
        one = PoseTrack(image=np.repeat(image[None], 12, axis=0), t=np.arange(12) / 4.0, frame_size=(480, 270),
                        fps=4.0)
        sig = compute_signals(one, "plank")
        if straight:
            assert sig["knee_floor_angle_deg"][0] > 180 and sig["in_plank"][0] > 0.6
        else:
            assert sig["knee_floor_angle_deg"][0] < 90 and sig["in_plank"][0] < 0.4

    def test_bigger_body_same_units(self):
        """Normalisation by body size: the same motion filmed from twice as close reads the same cm."""
        track, motion = synth_track("plank", "hips_pike", 0.5, seed=6, noise=False, seconds=6)
        w, h = track.frame_size
        img = track.image.copy()
        img[..., 0] = 0.5 + (img[..., 0] - 0.5) * 1.6
        img[..., 1] = 0.5 + (img[..., 1] - 0.5) * 1.6
        zoomed = dataclasses.replace(track, image=img)
        a = _hold_median(compute_signals(track, "plank"), motion, "hip_offset_cm")
        b = _hold_median(compute_signals(zoomed, "plank"), motion, "hip_offset_cm")
        assert a == pytest.approx(b, abs=0.5)


class TestOtherSignals:
    def test_bridge_extension_past_the_line(self):
        ok, m = synth_track("glute_bridge", seed=1, reps=3)
        arch, _ = synth_track("glute_bridge", "lower_back_arch", 1.0, seed=1, reps=3)
        top_ok = np.nanpercentile(compute_signals(ok, "glute_bridge")["hip_extension_deg"], 97)
        top_arch = np.nanpercentile(compute_signals(arch, "glute_bridge")["hip_extension_deg"], 97)
        assert top_arch > top_ok + 10

    def test_bridge_extension_at_the_top_matches_truth_across_views(self):
        """Rendered bridge training sets through the real MediaPipe (side to 45° oblique, high camera): the
        top of each rep reads within 5° of the true angle (after the set-wide offset of MediaPipe's hip
        point) for ≥ 85 % of reps, and the offset differs by view — 30° and 45° split into the head and the
        feet end — by < 3.5° (measured 90 %, 2.7°; with one world/image weight for every view 88 %, 3.8°: the
        feet end read 5.4° at 30° and 45°, side-on 2.4°; the image angle in the body's plane alone: 82 %,
        6.9° — the plain image angle 75 %, 6.5°). Without world landmarks the image angle is used."""
        exs = rendered_examples("glute_bridge")
        err, views = [], []
        for ex in exs:
            sig = compute_signals(ex.track, "glute_bridge")
            for g in ex.segments:
                m = (sig.t >= g.start_s) & (sig.t <= g.end_s)
                err.append(np.nanmax(sig["hip_extension_deg"][m]) - g.faults["lower_back_arch"]["value"])
                yaw = ex.provenance["params"]["camera"]["yaw_deg"]
                views.append(ex.provenance["job"]["view"] + ("+" if yaw > 10 else "-" if yaw < -10 else ""))
        err, views = np.asarray(err), np.asarray(views)
        off = np.median(err)
        assert np.mean(np.abs(err - off) <= 5.0) >= 0.85
        by_view = [np.mean(err[views == v]) for v in set(views)]
        assert max(by_view) - min(by_view) < 3.5, np.round(by_view, 1)
        no_world = compute_signals(dataclasses.replace(exs[0].track, world=None), "glute_bridge")
        np.testing.assert_allclose(no_world["hip_extension_deg"], no_world["hip_extension_img_deg"])

    @pytest.mark.parametrize("view", ["oblique", "oblique45"])
    def test_bridge_plane_angle_undoes_the_oblique_view(self, view):
        """Exact projections (no MediaPipe noise) of arched (+25°) and incomplete (−32°) reps seen 30° / 45°
        off side-on, from the head or the feet end (6 seeds): measured in the body's plane with the camera's
        yaw, each rep's top is within 4° of the truth (measured ≤ 3.9°), where the plain image angle is up
        to 17° off at 45° (8° at 30°): foreshortening the body's long axis steepens every bend."""
        from repcheck.features import _PAIRS, _angle_deg, _offset_from_line, _pair_mid, _plane_hip_extension

        plane_err, image_err = [], []
        for seed in range(6):
            for fault, sev in (("lower_back_arch", 1.0), ("incomplete_extension", 0.8)):
                track, motion = synth_track("glute_bridge", fault, sev, seed=seed, reps=2, view=view, noise=False)
                d = track.world[:, LM["left_hip"], :3] - track.world[:, LM["right_hip"], :3]  # exact here
                yaw = float(np.nanmedian(np.degrees(np.arctan2(np.abs(d[:, 0]), np.abs(d[:, 2])))))
                w, h = track.frame_size
                P = track.image[:, :, :2] * np.array([w, h], float)
                P[..., 1] *= -1
                plane = _plane_hip_extension(P, yaw)
                sh, hip, knee = (_pair_mid(P, _PAIRS[g]) for g in ("shoulders", "hips", "knees"))
                image = (180.0 - _angle_deg(sh - hip, knee - hip)) * np.sign(_offset_from_line(hip, sh, knee))
                for g in motion.segments:
                    m = (track.t >= g["start_s"]) & (track.t <= g["end_s"])
                    true = g["faults"]["lower_back_arch"]["value"]
                    plane_err.append(np.nanmax(plane[m]) - true)
                    image_err.append(np.nanmax(image[m]) - true)
        assert np.max(np.abs(plane_err)) < 4.0
        assert np.max(np.abs(image_err)) > 6.0

    def test_bridge_plane_angle_undoes_a_high_camera(self):
        """Exact projections of arched (+25°) and incomplete (−32°) reps filmed by a phone held high (pitched
        33–45° down, 6 seeds): heights shrink by the cosine of the pitch, which flattens every bend (reps read
        up to 7.2° nearer the straight line); with the pitch read from the world floor's tilt each rep's top is
        within 3° of the truth (measured ≤ 2.0°)."""
        from repcheck.features import _plane_hip_extension, _world_pitch_deg

        flat_err, plane_err = [], []
        for seed in range(6):
            for fault, sev in (("lower_back_arch", 1.0), ("incomplete_extension", 0.8)):
                track, motion = synth_track("glute_bridge", fault, sev, seed=seed, reps=2, view="high", noise=False)
                d = track.world[:, LM["left_hip"], :3] - track.world[:, LM["right_hip"], :3]  # exact here
                yaw = float(np.nanmedian(np.degrees(np.arctan2(np.abs(d[:, 0]), np.abs(d[:, 2])))))
                pitch = _world_pitch_deg(track.world)
                assert 25.0 <= pitch <= 50.0
                w, h = track.frame_size
                P = track.image[:, :, :2] * np.array([w, h], float)
                P[..., 1] *= -1
                flat, plane = _plane_hip_extension(P, yaw), _plane_hip_extension(P, yaw, pitch)
                for g in motion.segments:
                    m = (track.t >= g["start_s"]) & (track.t <= g["end_s"])
                    true = g["faults"]["lower_back_arch"]["value"]
                    flat_err.append(np.nanmax(flat[m]) - true)
                    plane_err.append(np.nanmax(plane[m]) - true)
        assert np.max(np.abs(plane_err)) < 3.0, np.round(plane_err, 1)
        assert np.max(np.abs(flat_err)) > 5.0

    def test_bridge_extension_from_the_feet_end_at_45_degrees(self):
        """The two rendered training sets filmed 45° off side-on from the feet end (the view 13 of the 15
        held-out errors came from): measured in the body's plane, every rep's top reads within 5° of the
        truth (measured −4.6…+2.2°; the visibility-weighted image angle read one rep 9.7° short)."""
        exs = rendered_examples("glute_bridge", ids=("glute_bridge-0200059", "glute_bridge-0200068"))
        err = []
        for ex in exs:
            sig = compute_signals(ex.track, "glute_bridge")
            for g in ex.segments:
                m = (sig.t >= g.start_s) & (sig.t <= g.end_s)
                err.append(np.nanmax(sig["hip_extension_img_deg"][m]) - g.faults["lower_back_arch"]["value"])
        assert len(err) == 4 and np.max(np.abs(err)) < 5.0, np.round(err, 1)

    def test_roll_hip_lift(self):
        """Hips lifting 12 cm in the arched reps read clearly higher than in correct reps."""
        def rep_lifts(fault, sev):
            track, motion = synth_track("upper_back_roll", fault, sev, seed=1, reps=4)
            sig = compute_signals(track, "upper_back_roll")
            out = []
            for g in motion.segments:
                m = (sig.t >= g["start_s"]) & (sig.t <= g["end_s"])
                out.append(np.nanmax(sig["hip_lift_cm"][m]) - np.nanmin(sig["hip_lift_cm"][m]))
            return np.median(out)

        assert rep_lifts("lower_back_arch", 1.0) > rep_lifts(None, 0.0) + 5.0

    @pytest.mark.parametrize("view", ["side", "oblique45"])
    def test_roll_hip_lift_when_the_feet_ride_up_with_the_hips(self, view):
        """MediaPipe's foot points rise with the hips (regressed on the true lift: up to 0.26 of it side-on and
        obliquely, 0.80 at 45° from the feet end, dev renders). Exact projections of arched reps (12 cm) with
        the feet dragged up by 0.8 of the hips' rise: each rep's lift (its 90th percentile) still reads at
        least 0.75 of the undragged reading (measured 0.86–1.14; read against the feet sample by sample
        0.34)."""
        track, motion = synth_track("upper_back_roll", "lower_back_arch", 1.0, seed=3, reps=3, view=view,
                                    noise=False)
        img = track.image.copy()
        hip_y = 0.5 * (img[:, LM["left_hip"], 1] + img[:, LM["right_hip"], 1])
        rise = np.nanpercentile(hip_y, 90) - hip_y  # image y grows downward: >= 0 where the hips are up
        for n in ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index"):
            img[:, LM[n], 1] -= 0.8 * np.clip(rise, 0.0, None)
        clean = compute_signals(track, "upper_back_roll")["hip_lift_cm"]
        dragged = compute_signals(dataclasses.replace(track, image=img), "upper_back_roll")["hip_lift_cm"]
        for g in motion.segments:
            m = (track.t >= g["start_s"]) & (track.t <= g["end_s"])
            a, b = np.nanpercentile(clean[m], 90), np.nanpercentile(dragged[m], 90)
            assert a > 8.0 and b >= 0.75 * a, (a, b)

    def test_roll_hip_lift_matches_truth_across_views(self):
        """Rendered roll training sets through the real MediaPipe (side to 45° oblique, high camera): each
        rep's lift (its 90th percentile, the judge's statistic) reads within 2.5 cm of the true lift (after the
        set-wide median offset) for ≥ 95 % of reps (measured 97.6 %; 94.0 % read against the feet sample by
        sample), and no correct rep (true < 3 cm) reads over 7 cm (measured 6.5; 9.6 before).
        ``benchmarks/roll_lift.py`` prints the table per view."""
        exs = rendered_examples("upper_back_roll", mediapipe_only=True)
        err, true = [], []
        for ex in exs:
            sig = compute_signals(ex.track, "upper_back_roll")
            for g in ex.segments:
                m = (sig.t >= g.start_s) & (sig.t <= g.end_s)
                true.append(g.faults["lower_back_arch"]["value"])
                err.append(np.nanpercentile(sig["hip_lift_cm"][m], 90) - true[-1])
        err, true = np.asarray(err), np.asarray(true)
        assert np.mean(np.abs(err - np.median(err)) <= 2.5) >= 0.95
        assert np.max((true + err)[true < 3.0]) < 7.0

    def test_rotation_sign_follows_the_side(self):
        track, motion = synth_track("lumbar_locked_rotation", seed=2, reps=6)
        sig = compute_signals(track, "lumbar_locked_rotation")
        for seg in motion.segments:
            m = (sig.t >= seg["start_s"]) & (sig.t <= seg["end_s"])
            peak = sig["thorax_rotation"][m][np.nanargmax(np.abs(sig["thorax_rotation"][m]))]
            assert (peak > 0) == (seg["side"] == "left"), seg

    def test_rotation_rest_is_where_the_body_rests_on_rendered_sets(self):
        """The shoulder line rests tilted (one elbow down); its resting tilt is read where the arms and head
        rest. Read from its still stretches it was the rep's top (held about as long as the rest) and the
        rotation's size fell with the reps: measured in 5 of the 28 rendered one-sided training sets. Now
        every rep's middle reads larger than the rest between the reps, except in at most one set in twenty:
        of the 56 rendered sets, one filmed from a high camera where MediaPipe's shoulder line barely moves
        with the rotation (0000044), and one side-on where it mirrors the shoulders for a second in the middle of
        the last rep (0400044; the rep is found and its side right, from the arms and head) (real MediaPipe
        output)."""
        from repcheck.pose import at_sample_rate

        exs = rendered_examples("lumbar_locked_rotation")
        low = []
        for ex in exs:
            sig = compute_signals(at_sample_rate(ex.track, 10.0), "lumbar_locked_rotation")
            size = sig["thorax_rotation_size"]
            between = (sig.t > ex.segments[0].end_s) & (sig.t < ex.segments[-1].start_s)
            for g in ex.segments:
                between &= ~((sig.t >= g.start_s) & (sig.t <= g.end_s))
                d = 0.4 * (g.end_s - g.start_s)
                mid = (sig.t > g.start_s + d) & (sig.t < g.end_s - d)
                if not np.nanmedian(size[mid]) > np.nanmedian(size[between]):
                    low.append(ex.id)
        assert len(set(low)) <= max(1, len(exs) // 20), low

    def test_one_frame_shoulder_swap_does_not_flip_the_rotation(self):
        """MediaPipe swaps left and right for a frame now and then: the driver keeps the rep's sign."""
        track, motion = synth_track("lumbar_locked_rotation", seed=2, reps=6)
        seg = motion.segments[0]
        i = int(np.argmin(np.abs(track.t - 0.5 * (seg["start_s"] + seg["end_s"]))))
        img = track.image.copy()
        for a, b in (("left_shoulder", "right_shoulder"),):
            img[i, [LM[a], LM[b]]] = img[i, [LM[b], LM[a]]]
        before = compute_signals(track, "lumbar_locked_rotation")["thorax_rotation"][i]
        after = compute_signals(dataclasses.replace(track, image=img), "lumbar_locked_rotation")["thorax_rotation"][i]
        assert np.sign(after) == np.sign(before) and abs(after - before) < 10.0, (before, after)


class TestQuality:
    def test_side_view_vs_head_on(self):
        side = compute_signals(synth_track("plank", seed=7, view="side", seconds=6)[0], "plank")
        head = compute_signals(synth_track("plank", seed=7, view="head_end", seconds=6)[0], "plank")
        assert np.nanmedian(side.quality["view_deg"]) < 30
        assert np.nanmedian(head.quality["view_deg"]) > np.nanmedian(side.quality["view_deg"]) + 15

    def test_facing_side_flips_with_the_camera(self):
        a = compute_signals(synth_track("plank", seed=8, view="side", seconds=6)[0], "plank")
        b = compute_signals(synth_track("plank", seed=8, view="other_side", seconds=6)[0], "plank")
        sa = max(set(a.side.tolist()) - {""}, key=a.side.tolist().count)
        sb = max(set(b.side.tolist()) - {""}, key=b.side.tolist().count)
        assert {sa, sb} == {"left", "right"}

    def test_no_person(self):
        img = np.full((20, 33, 4), np.nan)
        sig = compute_signals(PoseTrack(img, np.arange(20) / 10.0, (640, 360), 10.0), "plank")
        assert not sig.quality["detected"].any()
        assert np.isnan(sig["hip_offset_cm"]).all()
        assert (sig.side == "").all()


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(0, 40), st.just(33), st.just(4)),
              elements=st.one_of(st.floats(-0.5, 1.5), st.just(np.nan))))
def test_any_landmarks_give_signals_of_the_right_shape(img):
    """Random and NaN-ridden landmarks: no exception, every signal has one value per sample."""
    t = np.arange(img.shape[0]) / 10.0
    sig = compute_signals(PoseTrack(img, t, (640, 360), 10.0), "plank")
    for name, v in {**sig.values, **sig.quality}.items():
        assert v.shape == (img.shape[0],), name
    assert np.isfinite(sig.body_scale) and sig.body_scale > 0
