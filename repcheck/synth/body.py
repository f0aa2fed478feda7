"""Body model of the synthetic mannequin: proportions (:class:`BodyShape`), a jointed skeleton posed by
joint angles (:func:`pose_skeleton`) and MediaPipe's 33 landmarks by MediaPipe's definitions
(:meth:`Skeleton.blazepose`).

World frame: metres, y up, the floor is y = 0. Floor exercises lie along x; the body's lateral axis is
roughly z. Every segment frame is a rotation matrix of shape (3, 3) whose columns are the segment's
(left, up, forward) axes in world coordinates: ``up`` runs along the segment towards the head (trunk) or
away from the body root (limbs), ``forward`` is anterior (the chest's direction), ``left`` is the
person's anatomical left (``left = up x forward``).

The spine is jointed: pelvis → sacrum (L5/S1) → lumbar segment → T12 → thoracic segment → C7 → neck →
head. Angles (degrees):

- ``pelvic_tilt``: anterior tilt positive (the top of the pelvis tips forward);
- ``lumbar_ext``: lumbar extension positive (arching), flexion negative;
- ``thoracic_ext``: thoracic extension positive, ``thoracic_rot``: rotation about the thoracic axis,
  positive turns the chest towards the person's left; ``thoracic_side``: side bend, positive to the left;
- ``rib_flare``: the front of the rib cage lifting relative to the thoracic axis (dressing only);
- ``neck_flex``: neck flexion (chin towards the chest) positive; ``neck_rot``: head turned left positive.

Limbs are placed by two-link inverse kinematics from the shoulder/hip to a wrist/ankle target with a
bend hint (floor exercises are defined by where hands, forearms and feet rest); the resulting
hip/knee/shoulder/elbow angles are reported by :meth:`Skeleton.joint_angles`.

Proportions follow Drillis & Contini / Winter segment lengths as fractions of standing height
(thigh 0.245 H, shank 0.246 H, upper arm 0.186 H, forearm 0.146 H, foot 0.152 H); spine segment
lengths split the hip–shoulder distance (0.288 H) into pelvis, lumbar and thoracic parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..landmarks import LM, N_LANDMARKS

__all__ = [
    "BodyShape",
    "Skeleton",
    "SpinePose",
    "LimbTargets",
    "pose_skeleton",
    "rot_axis",
    "frame_from",
    "two_link_ik",
    "trunk_points",
    "move_trunk",
    "MP_HIP_OFFSET",
]


# ---------------------------------------------------------------------------------------------- maths
def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, float)
    if v.ndim == 1:
        n = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        return v / max(n, 1e-12)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def rot_axis(axis: np.ndarray, deg: float) -> np.ndarray:
    """Rotation matrix of shape (3, 3) turning ``deg`` degrees about ``axis`` (right hand rule)."""
    x, y, z = (float(c) for c in axis)
    n = math.sqrt(x * x + y * y + z * z)
    if n < 1e-12:
        return np.eye(3)
    x, y, z = x / n, y / n, z / n
    t = math.radians(float(deg))
    c, s = math.cos(t), math.sin(t)
    C = 1.0 - c
    return np.array([
        [c + x * x * C, x * y * C - z * s, x * z * C + y * s],
        [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
        [z * x * C - y * s, z * y * C + x * s, c + z * z * C],
    ])


def frame_from(up: np.ndarray, fwd: np.ndarray) -> np.ndarray:
    """Segment frame (3, 3), columns (left, up, forward), from an up axis and a rough forward axis."""
    u = _unit(up)
    f = np.asarray(fwd, float)
    f = _unit(f - (f @ u) * u)
    return np.stack([_cross(u, f), u, f], axis=1)


def _flex(R: np.ndarray, deg: float) -> np.ndarray:
    """Rotate a segment frame about its own left axis so that ``up`` tips towards ``forward``."""
    return rot_axis(R[:, 0], deg) @ R


def _twist(R: np.ndarray, deg: float) -> np.ndarray:
    """Rotate a frame about its own up axis (positive turns ``forward`` towards ``left``)."""
    return rot_axis(R[:, 1], deg) @ R


def _side(R: np.ndarray, deg: float) -> np.ndarray:
    """Rotate a frame about its own forward axis (positive tips ``up`` towards ``left``)."""
    return rot_axis(R[:, 2], -deg) @ R


def two_link_ik(a: np.ndarray, c: np.ndarray, l1: float, l2: float, bend: np.ndarray) -> np.ndarray:
    """Middle joint of a two-link chain from ``a`` to ``c`` (lengths ``l1``, ``l2`` in metres), bent
    towards ``bend``; an out-of-reach target leaves the chain straight towards it. Returns (3,)."""
    a = np.asarray(a, float)
    d = np.asarray(c, float) - a
    L = math.sqrt(float(d @ d))
    L = min(max(L, abs(l1 - l2) + 1e-6), l1 + l2 - 1e-6)
    e = _unit(d)
    x = (l1**2 - l2**2 + L**2) / (2 * L)
    h = np.sqrt(max(l1**2 - x**2, 0.0))
    b = np.asarray(bend, float)
    b = _unit(b - (b @ e) * e)
    return a + e * x + b * h


# ------------------------------------------------------------------------------------------- shape
@dataclass(frozen=True)
class BodyShape:
    """Proportions of one synthetic person.

    Attributes
    ----------
    height : float
        Standing height in metres (1.50–1.95).
    leg : float
        Leg-length factor (thigh and shank), 1 = average proportion.
    trunk : float
        Trunk-length factor (pelvis, lumbar, thoracic, neck).
    arm : float
        Arm-length factor (upper arm, forearm, hand).
    girth : float
        Soft-tissue factor for limb and trunk radii (0.85 slim – 1.35 heavy).
    shoulder_width : float
        Factor on the distance between the shoulder joint centres.
    hip_width : float
        Factor on the distance between the hip joint centres.
    """

    height: float = 1.75
    leg: float = 1.0
    trunk: float = 1.0
    arm: float = 1.0
    girth: float = 1.0
    shoulder_width: float = 1.0
    hip_width: float = 1.0

    def __post_init__(self) -> None:
        if not 1.40 <= self.height <= 2.05:
            raise ValueError(f"BodyShape.height must be 1.40–2.05 m, got {self.height}")
        for name in ("leg", "trunk", "arm", "girth", "shoulder_width", "hip_width"):
            v = getattr(self, name)
            if not 0.6 <= v <= 1.6:
                raise ValueError(f"BodyShape.{name} must be a factor in 0.6–1.6, got {v}")

    @classmethod
    def standard(cls) -> BodyShape:
        """The 1.75 m reference body that exercise thresholds are written for."""
        return cls()

    @classmethod
    def sample(cls, rng: np.random.Generator) -> BodyShape:
        """A plausible adult: height 1.50–1.95 m, proportions within about ±6 %, girth 0.85–1.35."""
        return cls(
            height=float(np.clip(rng.normal(1.72, 0.10), 1.50, 1.95)),
            leg=float(np.clip(rng.normal(1.0, 0.03), 0.92, 1.08)),
            trunk=float(np.clip(rng.normal(1.0, 0.03), 0.92, 1.08)),
            arm=float(np.clip(rng.normal(1.0, 0.025), 0.93, 1.07)),
            girth=float(np.clip(rng.lognormal(0.02, 0.11), 0.85, 1.35)),
            shoulder_width=float(np.clip(rng.normal(1.0, 0.05), 0.88, 1.12)),
            hip_width=float(np.clip(rng.normal(1.0, 0.06), 0.86, 1.16)),
        )

    # ---- segment lengths in metres
    @property
    def scale(self) -> float:
        """Height relative to the 1.75 m reference."""
        return self.height / 1.75

    @property
    def thigh(self) -> float:
        return 0.245 * self.height * self.leg

    @property
    def shank(self) -> float:
        return 0.246 * self.height * self.leg

    @property
    def upper_arm(self) -> float:
        return 0.186 * self.height * self.arm

    @property
    def forearm(self) -> float:
        return 0.146 * self.height * self.arm

    @property
    def hand(self) -> float:
        return 0.108 * self.height * self.arm

    @property
    def foot(self) -> float:
        return 0.152 * self.height

    @property
    def pelvis_to_sacrum(self) -> np.ndarray:
        """Hip-centre midpoint → L5/S1 in the pelvis frame (left, up, fwd), metres."""
        return np.array([0.0, 0.100, -0.045]) * self.scale * self.trunk

    @property
    def lumbar(self) -> float:
        return 0.170 * self.scale * self.trunk

    @property
    def thoracic(self) -> float:
        return 0.280 * self.scale * self.trunk

    @property
    def c7_to_shoulders(self) -> np.ndarray:
        """C7 → midpoint of the shoulder joint centres in the thoracic frame, metres."""
        return np.array([0.0, -0.045, 0.055]) * self.scale

    @property
    def neck(self) -> float:
        """C7 → head centre, metres."""
        return 0.175 * self.scale * self.trunk

    @property
    def shoulder_half(self) -> float:
        return 0.185 * self.scale * self.shoulder_width

    @property
    def hip_half(self) -> float:
        return 0.088 * self.scale * self.hip_width

    @property
    def head_radii(self) -> np.ndarray:
        """Head ellipsoid semi-axes (left, up, fwd) in metres."""
        return np.array([0.078, 0.118, 0.098]) * (0.6 + 0.4 * self.scale)

    @property
    def leg_length(self) -> float:
        return self.thigh + self.shank


#: Where MediaPipe's hip landmark sits relative to the anatomical hip-joint centre, in the pelvis frame
#: (lateral outward, up, forward) as fractions of body height. MediaPipe's hip lies over the greater
#: trochanter / iliac rim: higher and more lateral than the joint centre. The prototype measured
#: MediaPipe's hip 1.5–2.5 % of the shoulder–ankle line above the joint centre in a side-view plank
#: (prototypes/mannequin/README.md); docs/synth_calibration.md holds the figures for this generator.
MP_HIP_OFFSET = np.array([0.010, 0.020, -0.006])


# ------------------------------------------------------------------------------------- pose inputs
@dataclass(frozen=True)
class SpinePose:
    """Pelvis placement and spine angles (degrees) for :func:`pose_skeleton`.

    Attributes
    ----------
    pelvis : tuple of 3 float
        World position (m) of the midpoint between the hip-joint centres.
    pelvis_frame : ndarray of shape (3, 3)
        Pelvis frame (left, up, fwd) *before* ``pelvic_tilt`` is applied (the neutral pelvis).
    """

    pelvis: tuple[float, float, float]
    pelvis_frame: np.ndarray
    pelvic_tilt: float = 0.0
    lumbar_ext: float = 0.0
    thoracic_ext: float = 0.0
    thoracic_rot: float = 0.0
    thoracic_side: float = 0.0
    rib_flare: float = 0.0
    neck_flex: float = 0.0
    neck_rot: float = 0.0
    head_flex: float = 0.0


@dataclass(frozen=True)
class LimbTargets:
    """Where the hands and feet go (world metres) and how the limbs bend.

    Each dict maps ``"left"``/``"right"`` to a vector of shape (3,). ``hand_dir``/``palm_normal`` orient
    the hands (wrist → knuckles; the side the palm faces), ``foot_dir``/``foot_up`` the feet (heel → toe;
    sole → instep). ``elbow`` (optional, per side) aims the upper arm at a point instead of solving IK
    (forearms resting on the floor): the elbow goes one upper-arm length from the shoulder towards it and
    the forearm points at the wrist target.
    """

    wrist: dict
    elbow_bend: dict
    hand_dir: dict
    palm_normal: dict
    ankle: dict
    knee_bend: dict
    foot_dir: dict
    foot_up: dict
    elbow: dict | None = None


# ---------------------------------------------------------------------------------------- skeleton
@dataclass(frozen=True)
class Skeleton:
    """A posed body: named anatomical joint positions and segment frames.

    Attributes
    ----------
    body : BodyShape
    joints : dict of str to ndarray of shape (3,)
        World positions in metres: ``pelvis`` (hip-centre midpoint), ``sacrum``, ``t12``, ``c7``,
        ``mid_shoulder``, ``head``, and ``left_/right_`` + ``hip``, ``knee``, ``ankle``, ``heel``, ``toe``,
        ``shoulder``, ``elbow``, ``wrist``.
    frames : dict of str to ndarray of shape (3, 3)
        Segment frames (columns left/up/forward, or across/along/normal for hands and feet):
        ``pelvis``, ``lumbar``, ``thorax``, ``ribcage``, ``neck``, ``head``, ``left_hand``, ``left_foot``, ...
    angles : dict of str to float
        The spine angles it was posed with (degrees).
    """

    body: BodyShape
    joints: dict = field(repr=False)
    frames: dict = field(repr=False)
    angles: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.joints[name]

    def blazepose(self) -> np.ndarray:
        """MediaPipe's 33 landmarks by MediaPipe's definitions, world metres, shape (33, 3).

        Face points come from the head frame; shoulders, elbows, wrists, knees and ankles are joint
        centres; hips are shifted by :data:`MP_HIP_OFFSET` (MediaPipe's hip is higher and more lateral
        than the joint centre); hand points are the pinky and index knuckles and the thumb; foot points
        are the back of the heel and the tip of the big toe.
        """
        J, F, b = self.joints, self.frames, self.body
        out = np.full((N_LANDMARKS, 3), np.nan)
        hc, HR = J["head"], F["head"]
        k = b.head_radii / np.array([0.078, 0.118, 0.098])

        def head(p: tuple[float, float, float]) -> np.ndarray:
            return hc + HR @ (np.asarray(p) * k)

        out[LM["nose"]] = head((0.0, -0.018, 0.112))
        for side, sg in (("left", 1.0), ("right", -1.0)):
            out[LM[f"{side}_eye_inner"]] = head((sg * 0.016, 0.012, 0.092))
            out[LM[f"{side}_eye"]] = head((sg * 0.032, 0.012, 0.088))
            out[LM[f"{side}_eye_outer"]] = head((sg * 0.047, 0.012, 0.080))
            out[LM[f"{side}_ear"]] = head((sg * 0.079, 0.0, -0.006))
            out[LM[f"mouth_{side}"]] = head((sg * 0.022, -0.052, 0.094))
            for j in ("shoulder", "elbow", "wrist", "knee", "ankle"):
                out[LM[f"{side}_{j}"]] = J[f"{side}_{j}"]
            P = F["pelvis"]
            off = MP_HIP_OFFSET * b.height
            out[LM[f"{side}_hip"]] = J[f"{side}_hip"] + P @ np.array([sg * off[0], off[1], off[2]])
            Hd = F[f"{side}_hand"]  # across (thumb side), along, palm normal
            wr, hl = J[f"{side}_wrist"], b.hand
            out[LM[f"{side}_index"]] = wr + Hd[:, 1] * 0.80 * hl + Hd[:, 0] * 0.020 * b.scale
            out[LM[f"{side}_pinky"]] = wr + Hd[:, 1] * 0.70 * hl - Hd[:, 0] * 0.030 * b.scale
            out[LM[f"{side}_thumb"]] = wr + Hd[:, 1] * 0.45 * hl + Hd[:, 0] * 0.045 * b.scale + Hd[:, 2] * 0.015
            out[LM[f"{side}_heel"]] = J[f"{side}_heel"]
            out[LM[f"{side}_foot_index"]] = J[f"{side}_toe"]
        return out

    def joint_angles(self) -> dict[str, float]:
        """Hip, knee, shoulder and elbow angles (degrees, 180 = straight), plus the spine angles."""
        J = self.joints

        def ang(a: str, b: str, c: str) -> float:
            u, v = J[a] - J[b], J[c] - J[b]
            cosv = u @ v / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-12)
            return float(np.degrees(np.arccos(np.clip(cosv, -1, 1))))

        out = dict(self.angles)
        for s in ("left", "right"):
            out[f"{s}_hip"] = ang("mid_shoulder", f"{s}_hip", f"{s}_knee")
            out[f"{s}_knee"] = ang(f"{s}_hip", f"{s}_knee", f"{s}_ankle")
            out[f"{s}_elbow"] = ang(f"{s}_shoulder", f"{s}_elbow", f"{s}_wrist")
            out[f"{s}_shoulder"] = ang(f"{s}_elbow", f"{s}_shoulder", f"{s}_hip")
        return out


def trunk_points(body: BodyShape, spine: SpinePose) -> tuple[dict, dict]:
    """Forward kinematics of pelvis → spine → shoulders → head. Returns (joints, frames)."""
    P = _flex(np.asarray(spine.pelvis_frame, float), spine.pelvic_tilt)
    o = np.asarray(spine.pelvis, float)
    J: dict[str, np.ndarray] = {"pelvis": o}
    F: dict[str, np.ndarray] = {"pelvis": P}
    J["left_hip"] = o + P[:, 0] * body.hip_half
    J["right_hip"] = o - P[:, 0] * body.hip_half
    J["sacrum"] = o + P @ body.pelvis_to_sacrum
    # lumbar: extension tips its up axis backwards relative to the pelvis
    Rl = _flex(P, -spine.lumbar_ext)
    J["t12"] = J["sacrum"] + Rl[:, 1] * body.lumbar
    Rt = _side(_twist(_flex(Rl, -spine.thoracic_ext), spine.thoracic_rot), spine.thoracic_side)
    J["c7"] = J["t12"] + Rt[:, 1] * body.thoracic
    J["mid_shoulder"] = J["c7"] + Rt @ body.c7_to_shoulders
    J["left_shoulder"] = J["mid_shoulder"] + Rt[:, 0] * body.shoulder_half
    J["right_shoulder"] = J["mid_shoulder"] - Rt[:, 0] * body.shoulder_half
    Rn = _twist(_flex(Rt, spine.neck_flex), spine.neck_rot)
    J["head"] = J["c7"] + Rn @ (np.array([0.0, body.neck, 0.035 * body.scale]))
    F.update(lumbar=Rl, thorax=Rt, ribcage=_flex(Rt, -spine.rib_flare), neck=Rn,
             head=_flex(Rn, spine.head_flex))
    return J, F


def move_trunk(joints: dict, frames: dict, R: np.ndarray, t: np.ndarray) -> tuple[dict, dict]:
    """Rigidly move trunk points and frames computed about the origin: p -> R p + t, F -> R F."""
    t = np.asarray(t, float)
    return {k: R @ v + t for k, v in joints.items()}, {k: R @ v for k, v in frames.items()}


def pose_skeleton(body: BodyShape, spine: SpinePose, limbs: LimbTargets,
                  trunk: tuple[dict, dict] | None = None) -> Skeleton:
    """Pose the whole body: trunk by forward kinematics, limbs by two-link IK to their targets.

    ``trunk`` passes precomputed ``trunk_points(body, spine)`` output (joints, frames) to save time.
    """
    J, F = trunk if trunk is not None else trunk_points(body, spine)
    J, F = dict(J), dict(F)
    for s in ("left", "right"):
        sh, hp = J[f"{s}_shoulder"], J[f"{s}_hip"]
        wr_t = np.asarray(limbs.wrist[s], float)
        aim = (limbs.elbow or {}).get(s)
        if aim is not None:
            aim = np.asarray(aim, float)
            el = sh + _unit(aim - sh) * body.upper_arm
            if el[1] < aim[1] and sh[1] - aim[1] < body.upper_arm:
                # shoulder closer than an upper arm to the floor point: the elbow slides along the floor
                hz = np.array([aim[0] - sh[0], 0.0, aim[2] - sh[2]])
                hz = _unit(hz) if np.linalg.norm(hz) > 1e-6 else np.array([1.0, 0.0, 0.0])
                r = np.sqrt(max(body.upper_arm**2 - (sh[1] - aim[1]) ** 2, 0.0))
                el = np.array([sh[0], aim[1], sh[2]]) + hz * r
        else:
            el = two_link_ik(sh, wr_t, body.upper_arm, body.forearm, limbs.elbow_bend[s])
        wr = el + _unit(wr_t - el) * body.forearm
        J[f"{s}_elbow"], J[f"{s}_wrist"] = el, wr
        along = _unit(limbs.hand_dir[s])
        nrm = np.asarray(limbs.palm_normal[s], float)
        nrm = _unit(nrm - (nrm @ along) * along)
        thumb = _cross(along, nrm) if s == "right" else _cross(nrm, along)
        F[f"{s}_hand"] = np.stack([thumb, along, nrm], axis=1)
        an_t = np.asarray(limbs.ankle[s], float)
        kn = two_link_ik(hp, an_t, body.thigh, body.shank, limbs.knee_bend[s])
        an = kn + _unit(an_t - kn) * body.shank
        J[f"{s}_knee"], J[f"{s}_ankle"] = kn, an
        fd = _unit(limbs.foot_dir[s])
        fu = np.asarray(limbs.foot_up[s], float)
        fu = _unit(fu - (fu @ fd) * fd)
        F[f"{s}_foot"] = np.stack([_cross(fu, fd), fd, fu], axis=1)
        fl = body.foot
        J[f"{s}_heel"] = an - fd * 0.30 * fl - fu * 0.50 * 0.10 * body.scale
        J[f"{s}_toe"] = an + fd * 0.78 * fl - fu * 0.45 * 0.10 * body.scale
    angles = {k: float(getattr(spine, k)) for k in (
        "pelvic_tilt", "lumbar_ext", "thoracic_ext", "thoracic_rot", "thoracic_side", "rib_flare",
        "neck_flex", "neck_rot")}
    return Skeleton(body=body, joints=J, frames=F, angles=angles)
