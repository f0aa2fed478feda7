"""The synthetic body: proportions, BlazePose landmarks by MediaPipe's definitions, dressing."""

from __future__ import annotations

import numpy as np
import pytest

from repcheck.landmarks import LM
from repcheck.synth.body import MP_HIP_OFFSET, BodyShape
from repcheck.synth.mannequin import Outfit, dress
from repcheck.synth.motions import MOTION_EXERCISES, make_motion
from repcheck.synth.primitives import Ellipsoid, RoundCone


@pytest.fixture(scope="module")
def motions():
    return {ex: make_motion(ex, reps=2, seconds=6.0, rng=np.random.default_rng(11)) for ex in MOTION_EXERCISES}


# ------------------------------------------------------------------------------------------ BodyShape
def test_standard_body_is_175():
    b = BodyShape.standard()
    assert b.height == 1.75
    # Winter's segment fractions: the leg is a bit under half the height
    assert 0.80 < b.leg_length < 0.90


def test_sample_is_plausible_and_reproducible():
    a = [BodyShape.sample(np.random.default_rng(s)) for s in range(40)]
    b = [BodyShape.sample(np.random.default_rng(s)) for s in range(40)]
    assert a == b
    heights = np.array([x.height for x in a])
    assert heights.min() >= 1.50 and heights.max() <= 1.95
    assert heights.std() > 0.04  # variety


@pytest.mark.parametrize("kw", [{"height": 2.5}, {"girth": 0.2}, {"leg": 2.0}])
def test_bad_body_raises(kw):
    with pytest.raises(ValueError, match="BodyShape"):
        BodyShape(**kw)


# ------------------------------------------------------------------------------------------- landmarks
@pytest.mark.parametrize("exercise", MOTION_EXERCISES)
def test_blazepose_has_33_finite_points(motions, exercise):
    m = motions[exercise]
    for t in np.linspace(0, m.duration_s, 7):
        lm = m.pose_at(t).blazepose()
        assert lm.shape == (33, 3)
        assert np.isfinite(lm).all()
        assert lm[:, 1].min() > -0.03, "no landmark sinks into the floor"


@pytest.mark.parametrize("exercise", MOTION_EXERCISES)
def test_left_landmarks_are_on_the_persons_left(motions, exercise):
    m = motions[exercise]
    for t in np.linspace(0, m.duration_s, 9):
        sk = m.pose_at(t)
        lm = sk.blazepose()
        left_axis = sk.frames["pelvis"][:, 0]
        mid = sk["pelvis"]
        for name in ("hip", "knee", "ankle", "heel"):
            assert (lm[LM[f"left_{name}"]] - mid) @ left_axis > 0 > (lm[LM[f"right_{name}"]] - mid) @ left_axis
        th = sk.frames["thorax"][:, 0]
        for name in ("shoulder",):
            c = sk["mid_shoulder"]
            assert (lm[LM[f"left_{name}"]] - c) @ th > 0 > (lm[LM[f"right_{name}"]] - c) @ th
        hd = sk.frames["head"][:, 0]
        for name in ("eye", "ear", "eye_outer"):
            assert (lm[LM[f"left_{name}"]] - sk["head"]) @ hd > 0 > (lm[LM[f"right_{name}"]] - sk["head"]) @ hd


def test_bone_lengths_scale_with_height():
    rng = np.random.default_rng(3)
    lengths = {}
    for h in (1.55, 1.75, 1.95):
        m = make_motion("glute_bridge", reps=1, body=BodyShape(height=h), rng=np.random.default_rng(3))
        lm = m.pose_at(1.0).blazepose()
        thigh = np.linalg.norm(m.pose_at(1.0)["left_hip"] - lm[LM["left_knee"]])
        shin = np.linalg.norm(lm[LM["left_knee"]] - lm[LM["left_ankle"]])
        fore = np.linalg.norm(lm[LM["left_elbow"]] - lm[LM["left_wrist"]])
        lengths[h] = np.array([thigh, shin, fore])
    del rng
    for h in (1.55, 1.95):
        np.testing.assert_allclose(lengths[h] / lengths[1.75], h / 1.75, rtol=0.01)


def test_mediapipe_hip_is_above_and_outside_the_joint_centre(motions):
    sk = motions["plank"].pose_at(motions["plank"].segments[0]["start_s"] + 1)
    lm = sk.blazepose()
    up, left = sk.frames["pelvis"][:, 1], sk.frames["pelvis"][:, 0]
    d = lm[LM["left_hip"]] - sk["left_hip"]
    assert d @ up == pytest.approx(MP_HIP_OFFSET[1] * sk.body.height, abs=1e-6)
    assert d @ left > 0
    assert (lm[LM["right_hip"]] - sk["right_hip"]) @ left < 0


# -------------------------------------------------------------------------------------------- dressing
def test_dress_gives_a_painted_head_and_clothes(motions):
    sk = motions["plank"].pose_at(5.0)
    prims = dress(sk, Outfit(sleeves="short", bottom="shorts", hair="long"))
    assert all(isinstance(p, (Ellipsoid, RoundCone)) for p in prims)
    mats = {p.material for p in prims} | {p.material2 for p in prims if getattr(p, "material2", None)}
    assert {"skin", "top", "bottom", "shoe", "hair"} <= mats
    assert sum(p.tag == "head" for p in prims) == 1


def test_outfit_variants_change_the_primitives(motions):
    sk = motions["upper_back_roll"].pose_at(3.0)
    bald = dress(sk, Outfit(hair="bald", sleeves="none", shoes=False))
    assert "hair" not in {p.material for p in bald}
    assert "top" not in {getattr(p, "material2", None) for p in bald}
    girth_big = dress(sk.__class__(body=BodyShape(girth=1.3), joints=sk.joints, frames=sk.frames), Outfit())
    girth_small = dress(sk.__class__(body=BodyShape(girth=0.9), joints=sk.joints, frames=sk.frames), Outfit())
    r_big = max(p.r.max() for p in girth_big if isinstance(p, Ellipsoid))
    r_small = max(p.r.max() for p in girth_small if isinstance(p, Ellipsoid))
    assert r_big > r_small


def test_outfit_sample_and_validation():
    o = [Outfit.sample(np.random.default_rng(s), BodyShape()) for s in range(30)]
    assert len({x.hair for x in o}) >= 3
    with pytest.raises(ValueError, match="hair"):
        Outfit(hair="mohawk")


# ------------------------------------------------------------------------------- kneeling rotation pose
def test_kneeling_rotation_elbow_rests_between_the_knees():
    """The routine's position: sitting on the heels, knees apart, one elbow on the floor between the knees.
    While the thorax turns the elbow stays on the floor between the knees (the shoulder blade takes up
    part of the support shoulder's drop, the rest slides the elbow: at most ~15 cm), and the head turns
    with the chest."""
    for seed in range(4):
        body = BodyShape.sample(np.random.default_rng(seed))
        m = make_motion("lumbar_locked_rotation", reps=2, body=body, rng=np.random.default_rng(seed))
        seg = m.segments[0]
        sup = "right" if seg["side"] == "left" else "left"
        times = np.linspace(seg["start_s"], seg["end_s"], 9)
        elbows = np.array([m.pose_at(t)[f"{sup}_elbow"] for t in times])
        assert np.ptp(elbows, axis=0).max() < 0.17 * body.scale
        for t in times:
            sk = m.pose_at(t)
            kl, kr, el = sk["left_knee"], sk["right_knee"], sk[f"{sup}_elbow"]
            assert max(kl[1], kr[1], el[1]) < 0.12 * body.scale, "knees and elbow rest on the floor"
            assert 0.25 < abs(kl[2] - kr[2]) / body.scale < 0.45, "knees about 35 cm apart"
            assert min(kl[2], kr[2]) + 0.03 < el[2] < max(kl[2], kr[2]) - 0.03, "elbow between the knees"
            assert abs(el[0] - 0.5 * (kl[0] + kr[0])) < 0.15
        mid = m.pose_at(0.5 * (seg["start_s"] + seg["end_s"]))
        assert abs(mid.angles["neck_rot"]) > 0.6 * abs(mid.angles["thoracic_rot"]) > 15, "eyes follow the hand"
