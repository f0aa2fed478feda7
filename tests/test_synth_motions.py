"""Motion programs: fault severity → physical value, ground-truth segments, determinism, and the fast
landmark path (MediaPipe format, noise, dropped frames)."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from repcheck.errors import UnknownExerciseError
from repcheck.exercises import get_exercise
from repcheck.landmarks import LM
from repcheck.synth.camera import Camera
from repcheck.synth.landmark_tracks import MediaPipeNoise, camera_for, project_track
from repcheck.synth.motions import FAULT_BOUNDARIES, MOTION_EXERCISES, make_motion, plank_demonstration


def _side_camera(x: float = -0.5, z: float = 3.0) -> Camera:
    return Camera(position=(x, 0.5, z), target=(x, 0.3, 0.0), width=480, height=270, hfov_deg=65)


# ------------------------------------------------------------------------------------------ contract
def test_boundaries_match_the_exercise_registry():
    for (ex, fid), (_measure, _unit, boundary, direction) in FAULT_BOUNDARIES.items():
        spec = get_exercise(ex).fault(fid)
        assert spec.boundary == boundary, (ex, fid)
        assert spec.direction == direction, (ex, fid)
    judged = {(ex, f) for ex in MOTION_EXERCISES for f in get_exercise(ex).fault_ids}
    assert judged == set(FAULT_BOUNDARIES)


def test_bad_requests_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(UnknownExerciseError, match="no fault 'knees'"):
        make_motion("plank", faults={"knees": 0.5}, rng=rng)
    with pytest.raises(UnknownExerciseError):
        make_motion("squat", rng=rng)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        make_motion("plank", faults={"hips_sag": 1.5}, rng=rng)
    with pytest.raises(ValueError, match="3 severities for 4 reps"):
        make_motion("glute_bridge", faults={"lower_back_arch": [0, 1, 0]}, reps=4, rng=rng)
    with pytest.raises(ValueError, match="cannot both"):
        make_motion("plank", faults={"hips_sag": 0.5, "hips_pike": 0.5}, rng=rng)


# ---------------------------------------------------------------------------------------------- plank
@pytest.mark.parametrize("fault", ["hips_sag", "hips_pike"])
@pytest.mark.parametrize("severity", [0.0, 0.5, 1.0])
def test_plank_offset_follows_the_severity_mapping(fault, severity):
    m = make_motion("plank", faults={fault: severity}, seconds=8, rng=np.random.default_rng(int(severity * 10)))
    tuck = m.info["tuck_cm"]
    want = tuck - severity * (tuck + 20) if fault == "hips_sag" else tuck + severity * (30 - tuck)
    seg = m.segments[0]
    t = np.linspace(seg["start_s"] + 0.5 * (seg["end_s"] - seg["start_s"]), seg["end_s"], 60)
    got = np.median(m.fault_value(t, "hip_offset_cm"))
    assert got == pytest.approx(want, abs=1.0)
    # the label follows the documented boundary
    _m, _u, boundary, direction = FAULT_BOUNDARIES[("plank", fault)]
    assert seg["faults"][fault]["label"] == (want > boundary if direction > 0 else want < boundary)
    assert seg["faults"][fault]["severity"] == severity


def test_plank_fault_onset_is_in_the_timeline():
    m = make_motion("plank", faults={"hips_sag": 1.0}, seconds=20, fault_onset_s=8.0, rng=np.random.default_rng(2))
    seg = m.segments[0]
    t = np.arange(seg["start_s"], seg["end_s"], 0.1)
    sag = m.fault_timeline(t)["hips_sag"]
    assert not sag[t < seg["start_s"] + 8.0].any()
    assert sag[t > seg["start_s"] + 14.0].all()
    onset = seg["faults"]["hips_sag"]["onset_s"]
    assert seg["start_s"] + 8.0 < onset < seg["start_s"] + 13.5
    # kneeling or lying on the floor before and after the hold is not a sag
    outside = np.r_[np.arange(0.0, seg["start_s"] - 0.05, 0.1), np.arange(seg["end_s"] + 0.05, m.duration_s, 0.1)]
    assert not m.fault_timeline(outside)["hips_sag"].any()


def _knee_height(m, t: float) -> float:
    sk = m.pose_at(t)
    return float(min(sk["left_knee"][1], sk["right_knee"][1]))


def _knee_angle(m, t: float) -> float:
    sk = m.pose_at(t)
    u, v = sk["left_hip"] - sk["left_knee"], sk["left_ankle"] - sk["left_knee"]
    return float(np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))))


def test_plank_gets_into_and_out_of_position():
    m = make_motion("plank", seconds=6, rng=np.random.default_rng(4))
    seg = m.segments[0]
    assert m.info["get_in"] == "prone" and m.info["get_out"] == "belly"
    assert seg["start_s"] > 1.5 and m.duration_s - seg["end_s"] > 1.0
    # before the hold the hips rest low on the floor, in the hold they are up in line
    assert m.pose_at(0.0)["pelvis"][1] < 0.15
    assert m.pose_at(seg["start_s"] + 1.0)["pelvis"][1] > 0.25


@pytest.fixture(scope="module")
def plank_ways():
    """Planks of 16 seeds (correct, deep sag, pike) with the way each one got in and out."""
    faults = [None, {"hips_sag": 0.9}, {"hips_pike": 0.8}]
    return [make_motion("plank", faults=faults[s % 3], seconds=4, rng=np.random.default_rng(500 + s))
            for s in range(16)]


def test_plank_ways_in_and_out_vary_with_the_seed(plank_ways):
    assert {m.info["get_in"] for m in plank_ways} == {"kneeling", "prone"}
    assert {m.info["get_out"] for m in plank_ways} == {"knees_prone", "knees_sit", "belly"}


def test_plank_hold_is_on_toes_and_forearms_with_the_knees_off_the_floor(plank_ways):
    """Ground truth (issue #3): the hold is the plank itself; kneeling before / after it is not."""
    for m in plank_ways:
        seg = m.segments[0]
        inside = np.linspace(seg["start_s"] + 0.05, seg["end_s"] - 0.02, 12)  # (bounds rounded to 1 ms)
        assert min(_knee_height(m, t) for t in inside) > 0.08, m.info  # knees up (kneeling: 0.055 m)
        assert min(_knee_angle(m, t) for t in inside) > 165, m.info  # legs straight
        for k in ("knee", "sit", "feet"):
            assert np.interp(inside, m.grid_t, m.params[k]).max() < 1e-6, (k, m.info)
        if m.info["get_in"] == "kneeling":  # on the knees, legs bent, before getting up
            assert _knee_height(m, 0.0) < 0.07 and _knee_angle(m, 0.0) < 150, m.info
        if m.info["get_out"] != "belly":  # knees down first, within a second of leaving the hold
            assert _knee_height(m, seg["end_s"] + 0.95) < 0.07, m.info
            assert _knee_angle(m, seg["end_s"] + 0.95) < 160, m.info
        if m.info["get_out"] == "knees_sit":  # then back over the heels
            assert _knee_angle(m, m.duration_s) < 70, m.info


def test_a_straight_arm_plank_is_on_the_hands_under_the_shoulders():
    """``arms="straight"`` (a high plank, for dev renders): hands on the floor under the shoulders, elbows
    straight, the same hip offset as the forearm plank of the same seed, getting in from kneeling."""
    sag = {"hips_sag": 0.6}
    high = make_motion("plank", faults=sag, seconds=6, arms="straight", rng=np.random.default_rng(7))
    low = make_motion("plank", faults=sag, seconds=6, rng=np.random.default_rng(7))
    seg = high.segments[0]
    assert high.info["get_in"] == "kneeling"
    for t in np.linspace(seg["start_s"] + 0.1, seg["end_s"] - 0.1, 8):
        sk = high.pose_at(t)
        for s in ("left", "right"):
            assert sk.joint_angles()[f"{s}_elbow"] > 170
            assert sk[f"{s}_wrist"][1] < 0.06  # on the floor
            assert abs(sk[f"{s}_wrist"][0] - sk[f"{s}_shoulder"][0]) < 0.1  # under the shoulder
        assert sk["left_shoulder"][1] > 0.5  # an arm's length up (forearms: ~0.37 m)
    assert seg["faults"]["hips_sag"]["value"] == pytest.approx(low.segments[0]["faults"]["hips_sag"]["value"],
                                                               abs=1.5)
    with pytest.raises(ValueError, match="arm variant"):
        make_motion("plank", arms="behind_head", rng=np.random.default_rng(0))


def _leg(m, t: float, side: str) -> tuple[float, float]:
    """(knee height m, knee angle deg) of one leg at time ``t``."""
    sk = m.pose_at(t)
    u, v = sk[f"{side}_hip"] - sk[f"{side}_knee"], sk[f"{side}_ankle"] - sk[f"{side}_knee"]
    return float(sk[f"{side}_knee"][1]), float(np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_plank_got_into_one_leg_at_a_time_steps_one_leg_back_then_the_other(seed):
    """``legs="one_at_a_time"`` (for dev renders): from kneeling, the first leg is straight while the other knee
    is still on the floor; the hold starts with both straight and ends as the first knee goes down, the second
    following."""
    m = make_motion("plank", seconds=6, legs="one_at_a_time", rng=np.random.default_rng(seed))
    seg, lead = m.segments[0], m.info["lead_leg"]
    other = "right" if lead == "left" else "left"
    assert m.info["get_in"] == "kneeling"
    between = m.grid_t[(m.params["knee"] < 0.01) & (m.params["knee2"] > 0.99)]  # first leg back, second not yet
    assert between.size and between[-1] - between[0] >= 0.2 and between[-1] < seg["start_s"]
    t_one = float(between.mean())
    first, second = _leg(m, t_one, lead), _leg(m, t_one, other)
    assert first[1] > 165 and second[0] < 0.07 and second[1] < 160, (first, second, m.info)
    for t in np.linspace(seg["start_s"] + 0.05, seg["end_s"] - 0.02, 6):
        for s in ("left", "right"):
            assert _leg(m, t, s)[1] > 165, (t, s)
    if m.info["get_out"] != "belly":
        t_out = seg["end_s"] + 0.6
        assert _leg(m, t_out, lead)[1] < _leg(m, t_out, other)[1] - 5, m.info
    with pytest.raises(ValueError, match="leg variant"):
        make_motion("plank", legs="hopping", rng=np.random.default_rng(0))


def test_a_demonstration_plank_changes_shape_inside_one_hold():
    """``plank_demonstration``: in position, a sag, back, a pike, back — one 24 s hold, the per-sample truth
    following the phases, the knees off the floor throughout, both faults in the hold's entries."""
    m = plank_demonstration(rng=np.random.default_rng(5), sag=0.8, pike=0.7)
    (seg,) = m.segments
    h0 = seg["start_s"]
    assert seg["end_s"] - h0 == pytest.approx(24.0, abs=0.01)
    value = functools.partial(m.fault_value, measure="hip_offset_cm")
    assert -3.0 < value(h0 + 2.0) < 10.0 and -3.0 < value(h0 + 11.5) < 10.0 and -3.0 < value(h0 + 21.5) < 10.0
    assert value(h0 + 7.0) < -12.0  # the sag
    assert value(h0 + 16.0) > 15.0  # the pike
    assert seg["faults"]["hips_sag"]["label"] and seg["faults"]["hips_pike"]["label"]
    assert min(_knee_height(m, t) for t in np.linspace(h0 + 0.1, seg["end_s"] - 0.1, 25)) > 0.08
    pike_first = plank_demonstration(rng=np.random.default_rng(5), sag=0.8, pike=0.7, sag_first=False)
    assert pike_first.fault_value(h0 + 7.0, "hip_offset_cm") > 15.0


# ----------------------------------------------------------------------------------------------- reps
REP_FAULTS = {
    "upper_back_roll": "lower_back_arch",
    "lumbar_locked_rotation": "hips_move",
    "glute_bridge": "lower_back_arch",
}


@pytest.fixture(scope="module")
def rep_motions():
    sev = [0.0, 0.0, 1.0, 0.0, 0.8]
    return {ex: make_motion(ex, faults={f: sev}, reps=5, rng=np.random.default_rng(21))
            for ex, f in REP_FAULTS.items()}


@pytest.mark.parametrize("exercise", list(REP_FAULTS))
def test_per_rep_severities_land_in_their_reps(rep_motions, exercise):
    m = rep_motions[exercise]
    fid = REP_FAULTS[exercise]
    labels = [s["faults"][fid]["label"] for s in m.segments]
    assert labels == [False, False, True, False, True]
    sev = [s["faults"][fid]["severity"] for s in m.segments]
    assert sev == [0.0, 0.0, 1.0, 0.0, 0.8]
    values = np.array([s["faults"][fid]["value"] for s in m.segments])
    assert values[[2, 4]].min() > values[[0, 1, 3]].max() + 3


@pytest.mark.parametrize("exercise", list(REP_FAULTS))
def test_rep_intervals_match_the_motion(rep_motions, exercise):
    m = rep_motions[exercise]
    segs = m.segments
    assert len(segs) == 5 and all(s["kind"] == "rep" for s in segs)
    starts = np.array([s["start_s"] for s in segs])
    ends = np.array([s["end_s"] for s in segs])
    assert (ends > starts).all() and (starts[1:] >= ends[:-1]).all()
    assert starts[0] > 0.5 and ends[-1] < m.duration_s
    # the moving quantity peaks inside each rep and is at rest between reps
    driver = {"upper_back_roll": "thoracic", "lumbar_locked_rotation": "rot", "glute_bridge": "theta"}[exercise]
    x = np.abs(m.params[driver] - m.params[driver][0])
    for a, b in zip(starts, ends, strict=True):
        inside = (m.grid_t >= a) & (m.grid_t <= b)
        assert x[inside].max() > 10
        edge = (m.grid_t >= a - 0.05) & (m.grid_t <= a + 0.05)
        assert x[edge].max() < 0.3 * x[inside].max()


def test_glute_bridge_values_follow_severity():
    m = make_motion("glute_bridge", faults={"lower_back_arch": [0, 0.5, 1], "incomplete_extension": 0.0},
                    reps=3, rng=np.random.default_rng(5))
    v = [s["faults"]["lower_back_arch"]["value"] for s in m.segments]
    assert abs(v[0]) < 6 and v[1] == pytest.approx(12.5, abs=3) and v[2] == pytest.approx(25, abs=3)
    m = make_motion("glute_bridge", faults={"incomplete_extension": [0, 0.5]}, reps=2, rng=np.random.default_rng(5))
    v = [s["faults"]["incomplete_extension"]["value"] for s in m.segments]
    assert v[1] == pytest.approx(-20, abs=3)
    assert [s["faults"]["incomplete_extension"]["label"] for s in m.segments] == [False, True]


@pytest.mark.parametrize("seed", range(6))
def test_the_most_incomplete_glute_bridge_rep_still_lifts_the_hips(seed):
    """Severity 1 asks for a top 40° short of the line, where many bodies' hips lie on the floor: the rep still
    rises BRIDGE_MIN_LIFT_DEG (a rep that does not move cannot be counted from video) and stays a fault."""
    from repcheck.synth.motions import BRIDGE_MIN_LIFT_DEG

    m = make_motion("glute_bridge", faults={"incomplete_extension": [1, 1]}, reps=2, rng=np.random.default_rng(seed))
    ext = m.truth["hip_extension_deg"]
    lying = float(ext[(m.grid_t > m.segments[0]["start_s"] - 0.3) & (m.grid_t < m.segments[0]["start_s"])].mean())
    for seg in m.segments:
        top = seg["faults"]["incomplete_extension"]["value"]
        assert top - lying >= BRIDGE_MIN_LIFT_DEG - 1.0
        assert top <= -15 - 5 and seg["faults"]["incomplete_extension"]["label"]


def test_locked_rotation_sides_alternate_in_blocks():
    m = make_motion("lumbar_locked_rotation", reps=10, rng=np.random.default_rng(8))
    sides = [s["side"] for s in m.segments]
    assert set(sides) == {"left", "right"}
    changes = sum(a != b for a, b in zip(sides[:-1], sides[1:], strict=True))
    assert 1 <= changes <= 3  # blocks of 3–5 reps per side
    # left reps turn the chest one way, right reps the other
    for s in m.segments:
        mid = (m.grid_t >= s["start_s"]) & (m.grid_t <= s["end_s"])
        peak = m.params["rot"][mid][np.argmax(np.abs(m.params["rot"][mid]))]
        assert (peak > 0) == (s["side"] == "left")


def test_upper_back_roll_exposes_the_roller():
    m = make_motion("upper_back_roll", reps=2, rng=np.random.default_rng(1))
    (roller,) = m.props(1.0)
    assert roller.tag == "foam_roller" and roller.material == "prop"
    # the roller lies under the upper back: between the hips and the shoulders along the body
    sk = m.pose_at(0.0)
    assert sk["pelvis"][0] < roller.a[0] < sk["mid_shoulder"][0] + 0.05


# ----------------------------------------------------------------------------------------- determinism
@pytest.mark.parametrize("exercise", MOTION_EXERCISES)
def test_same_seed_same_output(exercise):
    def run(seed):
        m = make_motion(exercise, reps=1, seconds=4, rng=np.random.default_rng(seed))
        tr = project_track(m, _side_camera(), 10, rng=np.random.default_rng(seed), noise=MediaPipeNoise())
        return m, tr

    (m1, a), (m2, b), (_m3, c) = run(7), run(7), run(8)
    np.testing.assert_array_equal(a.image, b.image)
    np.testing.assert_array_equal(a.world, b.world)
    assert m1.segments == m2.segments
    assert a.image.shape != c.image.shape or not np.array_equal(a.image, c.image, equal_nan=True)


# ------------------------------------------------------------------------------------------ fast path
@pytest.fixture(scope="module")
def plank_motion():
    return make_motion("plank", faults={"hips_sag": 1.0}, seconds=8, rng=np.random.default_rng(3))


def test_exact_projection_matches_the_camera(plank_motion):
    cam = _side_camera()
    tr = project_track(plank_motion, cam, 10, rng=np.random.default_rng(0), noise=None)
    uv, _depth = cam.project(plank_motion.landmarks(tr.t))
    np.testing.assert_allclose(tr.pixels(), uv, atol=1e-9)
    assert tr.image.shape == (tr.t.size, 33, 4) and tr.world.shape == tr.image.shape
    assert tr.frame_size == (480, 270) and tr.fps == 10
    # relative depth: hip midpoint at 0; world origin at the hip midpoint, y down
    hips = tr.image[:, [LM["left_hip"], LM["right_hip"]], 2].mean(axis=1)
    np.testing.assert_allclose(hips, 0.0, atol=1e-9)
    np.testing.assert_allclose(tr.world[:, [LM["left_hip"], LM["right_hip"]], :3].mean(axis=1), 0.0, atol=1e-9)
    seg = plank_motion.segments[0]
    k = np.searchsorted(tr.t, seg["start_s"] + 1.0)
    assert tr.world[k, LM["left_shoulder"], 1] < tr.world[k, LM["left_ankle"], 1]  # shoulders higher: y down
    assert tr.source["segments"] == plank_motion.segments


def test_far_side_is_less_visible(plank_motion):
    tr = project_track(plank_motion, _side_camera(z=3.0), 10, rng=np.random.default_rng(0), noise=None)
    # plank chest down, head +x: the person's left is at -z, away from a camera at +z
    assert (tr.image[:, LM["left_knee"], 3] < tr.image[:, LM["right_knee"], 3]).all()
    tr2 = project_track(plank_motion, _side_camera(z=-3.0), 10, rng=np.random.default_rng(0), noise=None)
    assert (tr2.image[:, LM["left_knee"], 3] > tr2.image[:, LM["right_knee"], 3]).all()


def test_dropped_frames_are_whole_nan_rows(plank_motion):
    noise = MediaPipeNoise(drop_rate_per_s=0.5, drop_duration_s=(0.2, 0.4))
    tr = project_track(plank_motion, _side_camera(), 15, rng=np.random.default_rng(1), noise=noise)
    nan_rows = np.isnan(tr.image).all(axis=(1, 2))
    finite_rows = np.isfinite(tr.image).all(axis=(1, 2))
    assert nan_rows.any() and (nan_rows | finite_rows).all()
    assert (np.isnan(tr.world).all(axis=(1, 2)) == nan_rows).all()
    assert (tr.detected() == ~nan_rows).all()
    assert tr.source["dropped_frames"] == int(nan_rows.sum())


def test_body_out_of_frame_is_not_detected(plank_motion):
    away = Camera(position=(5.0, 0.5, 3.0), target=(9.0, 0.3, 0.0), width=480, height=270)
    tr = project_track(plank_motion, away, 5, rng=np.random.default_rng(0), noise=None)
    assert not tr.detected().any()


def test_noise_is_realistic_but_keeps_the_sag_visible(plank_motion):
    cam = _side_camera()
    exact = project_track(plank_motion, cam, 15, rng=np.random.default_rng(0), noise=None)
    noisy = project_track(plank_motion, cam, 15, rng=np.random.default_rng(0),
                          noise=MediaPipeNoise(swap_rate_per_s=0.0, drop_rate_per_s=0.0))
    err = np.linalg.norm(noisy.pixels() - exact.pixels(), axis=-1)
    body_px = np.ptp(exact.pixels()[..., 0], axis=1).mean()
    assert 0.002 < np.median(err) / body_px < 0.05
    swapped = project_track(plank_motion, cam, 15, rng=np.random.default_rng(0),
                            noise=MediaPipeNoise(swap_rate_per_s=1.0))
    assert swapped.source["swapped_frames"] > 0


def test_camera_for_frames_the_whole_motion(plank_motion):
    cam = camera_for(plank_motion, np.random.default_rng(0), view="side")
    tr = project_track(plank_motion, cam, 5, rng=np.random.default_rng(0), noise=None)
    xy = tr.image[..., :2]
    assert ((xy > 0) & (xy < 1)).all()


def test_noise_fields_default_to_the_exercise_calibration():
    llr = MediaPipeNoise().resolved("lumbar_locked_rotation")
    plank = MediaPipeNoise().resolved("plank")
    assert llr.jitter > plank.jitter and llr.swap_rate_per_s > plank.swap_rate_per_s
    assert MediaPipeNoise(jitter=0.5).resolved("plank").jitter == 0.5
    assert MediaPipeNoise().resolved("unknown_exercise").bias == MediaPipeNoise().resolved(None).bias


@pytest.mark.parametrize(("exercise", "fault", "sign"), [
    ("plank", "hips_sag", -1), ("plank", "hips_pike", 1), ("upper_back_roll", "lower_back_arch", 1),
    ("lumbar_locked_rotation", "hips_move", 1), ("glute_bridge", "lower_back_arch", 1),
    ("glute_bridge", "incomplete_extension", -1)])
def test_faults_are_visible_in_2d_landmarks(exercise, fault, sign):
    """A side camera sees every fault: the 2-D proxy moves the right way from severity 0 to 1."""
    from repcheck.synth.landmark_tracks import proxy_values

    vals = {}
    for sev in (0.0, 1.0):
        m = make_motion(exercise, faults={fault: sev}, reps=2, seconds=6, rng=np.random.default_rng(31))
        cam = camera_for(m, np.random.default_rng(32), view="side")
        tr = project_track(m, cam, 10, rng=np.random.default_rng(33), noise=None)
        vals[sev] = np.array(proxy_values(exercise, tr.pixels(), tr.t, m.segments))
    assert (sign * (vals[1.0] - vals[0.0]) > 8).all(), vals
