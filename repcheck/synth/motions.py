"""Motion programs: the mannequin doing each judged exercise, with faults of known severity, realistic
timing, and the ground truth of every rep or hold.

:func:`make_motion` builds a :class:`Motion`: a smooth time series of pose parameters (sampled on a
50 Hz grid and interpolated), a pose builder that turns parameters into a :class:`~.body.Skeleton`, the
props to draw (the foam roller), and the ground-truth ``segments``.

Canonical placement (the renderer's cameras rely on it): the body lies along the world x axis with the
head towards +x and its middle near x = 0; the lateral axis is z. Supine exercises have the person's
left at +z, the plank (chest down) has it at −z, kneeling faces +x with the left at −z.

Severity → physical value (the ground truth ``value`` is measured on the posed skeleton, not copied from
the mapping, so it also holds under breathing, sway and jitter):

=========================  =========================  ==================================================
exercise / fault           measure                    mapping at severity s ∈ [0, 1]
=========================  =========================  ==================================================
plank / hips_sag           hip offset (cm)            tuck − s·(tuck + 20); tuck ~ U(2, 8) cm per clip
plank / hips_pike          hip offset (cm)            tuck + s·(30 − tuck)
upper_back_roll / arch     hip lift (cm)              up to 12·s (+ anterior tilt, lumbar ext, rib flare)
lumbar_locked_rotation     hip drift (cm)             lift ≤ 12·s, shift ≤ 8·s, rotation ≤ 20°·s (mix)
glute_bridge / arch        top past the line (deg)    25·s (+ lumbar extension, rib flare)
glute_bridge / incomplete  top short of line (deg)    value = −40·s
=========================  =========================  ==================================================

Measures (anatomical joint centres of the skeleton):

- ``hip_offset_cm``: signed distance of the hip-centre midpoint from the straight line through the
  shoulder-centre midpoint and the ankle midpoint, in the sagittal plane, + = above the line (towards
  the ceiling);
- ``hip_lift_cm``: rise of the hip-centre midpoint above its resting height during the rep;
- ``hip_drift_cm``: largest mean displacement of the two hip-joint centres from their start position;
- ``hip_extension_deg``: at the top of the rep, the angle by which the hip-to-knee direction turns away
  from the shoulder-to-hip direction, + = hips pushed past the straight shoulder–hip–knee line.

The label boundaries are in :data:`FAULT_BOUNDARIES` and are kept equal to
``repcheck.exercises.FaultSpec.boundary`` (a test checks it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ..errors import UnknownExerciseError
from ..exercises import get_exercise
from .body import (
    BodyShape,
    LimbTargets,
    Skeleton,
    SpinePose,
    frame_from,
    move_trunk,
    pose_skeleton,
    rot_axis,
    trunk_points,
)

__all__ = ["Motion", "make_motion", "plank_demonstration", "FAULT_BOUNDARIES", "MOTION_EXERCISES", "hip_offset_cm",
           "hip_extension_deg"]

#: (exercise, fault) -> (measure, unit, boundary, direction): the documented label boundaries.
#: Equal to FaultSpec.boundary in repcheck/exercises.py.
FAULT_BOUNDARIES: dict[tuple[str, str], tuple[str, str, float, int]] = {
    ("plank", "hips_sag"): ("hip_offset_cm", "cm", -3.0, -1),
    ("plank", "hips_pike"): ("hip_offset_cm", "cm", 10.0, 1),
    ("upper_back_roll", "lower_back_arch"): ("hip_lift_cm", "cm", 4.0, 1),
    ("lumbar_locked_rotation", "hips_move"): ("hip_drift_cm", "cm", 5.0, 1),
    ("glute_bridge", "lower_back_arch"): ("hip_extension_deg", "deg", 10.0, 1),
    ("glute_bridge", "incomplete_extension"): ("hip_extension_deg", "deg", -15.0, -1),
}

MOTION_EXERCISES: tuple[str, ...] = ("plank", "upper_back_roll", "lumbar_locked_rotation", "glute_bridge")

_DT = 0.02  # parameter grid spacing, seconds (50 Hz)

Y, X, Z = np.array([0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])


def _label(value: float, boundary: float, direction: int) -> bool:
    return bool(value > boundary) if direction > 0 else bool(value < boundary)


# ------------------------------------------------------------------------------------------ measures
def hip_offset_cm(sk: Skeleton) -> float:
    """Signed distance (cm) of the hip midpoint from the shoulder–ankle line, + = towards the ceiling."""
    S = sk["mid_shoulder"]
    H = sk["pelvis"]
    A = 0.5 * (sk["left_ankle"] + sk["right_ankle"])
    d = S - A
    d2 = np.array([d[0], d[1]])
    n = np.array([-d2[1], d2[0]]) / max(np.linalg.norm(d2), 1e-9)
    if n[1] < 0:
        n = -n
    return float(100.0 * (np.array([H[0] - A[0], H[1] - A[1]]) @ n))


def hip_extension_deg(sk: Skeleton) -> float:
    """Angle (deg) between shoulder→hip and hip→knee in the sagittal plane; + = hips above the line."""
    S, H = sk["mid_shoulder"], sk["pelvis"]
    K = 0.5 * (sk["left_knee"] + sk["right_knee"])
    d1 = np.array([H[0] - S[0], H[1] - S[1]])
    d2 = np.array([K[0] - H[0], K[1] - H[1]])
    cross = d1[0] * d2[1] - d1[1] * d2[0]
    ang = np.degrees(np.arctan2(cross, d1 @ d2))
    # head towards +x, hips at -x: a hip above the line turns d2 counter-clockwise (positive cross)
    return float(ang)


# ------------------------------------------------------------------------------------------- timing
def _smooth(x: np.ndarray) -> np.ndarray:
    """Smoothstep 0..1 (cosine ease)."""
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


def _ramp(t: np.ndarray, t0: float, t1: float) -> np.ndarray:
    return _smooth((t - t0) / max(t1 - t0, 1e-6))


def _wander(t: np.ndarray, rng: np.random.Generator, sd: float, tau_s: float) -> np.ndarray:
    """Smooth random wander of standard deviation ``sd`` and time scale ``tau_s``, shape like ``t``."""
    w = rng.standard_normal(t.shape[0] + 200)
    w = gaussian_filter1d(w, max(tau_s / _DT, 0.5))[100:-100]
    s = w.std()
    return sd * w / s if s > 0 else 0 * w


def _breath(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Breathing, −1..1, period 3–5 s with a wandering rate."""
    period = rng.uniform(3.0, 5.0)
    phase = 2 * np.pi * np.cumsum(np.full(t.shape, _DT) / period * (1 + _wander(t, rng, 0.08, 2.0)))
    return np.sin(phase + rng.uniform(0, 2 * np.pi))


@dataclass(frozen=True)
class _Rep:
    start: float
    up_end: float
    down_start: float
    end: float

    def phase(self, t: np.ndarray) -> np.ndarray:
        return _ramp(t, self.start, self.up_end) * (1 - _ramp(t, self.down_start, self.end))


def _schedule_reps(rng: np.random.Generator, n: int, start: float, *, up: tuple[float, float],
                   top: tuple[float, float], down: tuple[float, float], pause: tuple[float, float],
                   block_pause: tuple[int, float] | None = None) -> list[_Rep]:
    """Rep timings with tempo variation (each phase drawn from its range, slowly drifting)."""
    reps = []
    t = start
    tempo = 1.0
    for i in range(n):
        tempo = float(np.clip(tempo * rng.lognormal(0, 0.06), 0.8, 1.25))
        a = t
        b = a + tempo * rng.uniform(*up)
        c = b + tempo * rng.uniform(*top)
        d = c + tempo * rng.uniform(*down)
        reps.append(_Rep(a, b, c, d))
        t = d + rng.uniform(*pause)
        if block_pause and (i + 1) % block_pause[0] == 0 and i + 1 < n:
            t += block_pause[1] * rng.uniform(0.8, 1.3)
    return reps


# ------------------------------------------------------------------------------------------- Motion
@dataclass(frozen=True)
class Motion:
    """A synthetic set: the pose at any time, the props, and the ground truth.

    Attributes
    ----------
    exercise : str
        Exercise id.
    body : BodyShape
    duration_s : float
        Length of the motion in seconds (t = 0 .. duration_s).
    segments : list of dict
        Ground truth per rep/hold: ``{"kind": "hold"|"rep", "start_s", "end_s", "side": None|"left"|
        "right", "faults": {fault_id: {"severity", "value", "unit", "label"}}}``.
    grid_t : ndarray of shape (N,)
        Times (s) of the parameter grid.
    params : dict of str to ndarray of shape (N,)
        Pose parameters on the grid.
    truth : dict of str to ndarray of shape (N,)
        Per-sample physical values (e.g. ``hip_offset_cm`` for the plank) on the grid.
    info : dict
        JSON-ready generation parameters (severities, tuck, tempo, ...).
    """

    exercise: str
    body: BodyShape
    duration_s: float
    segments: list
    grid_t: np.ndarray = field(repr=False)
    params: dict = field(repr=False)
    truth: dict = field(repr=False)
    info: dict
    static: dict = field(repr=False)
    _builder: Callable[..., Skeleton] = field(repr=False)
    _props: Callable[[float], list] = field(repr=False)

    head_dir: tuple[float, float, float] = (1.0, 0.0, 0.0)

    def params_at(self, t: float) -> dict[str, float]:
        """Pose parameters interpolated at time ``t`` (s), clamped to the motion."""
        return {k: float(np.interp(t, self.grid_t, v)) for k, v in self.params.items()}

    def pose_at(self, t: float) -> Skeleton:
        """The posed skeleton at time ``t`` in seconds."""
        return self._builder(self.body, self.params_at(t), self.static)

    def skeletons(self, times: np.ndarray) -> list[Skeleton]:
        """Skeletons at each time of ``times`` (shape (T,), seconds)."""
        return [self.pose_at(float(t)) for t in np.asarray(times, float)]

    def landmarks(self, times: np.ndarray) -> np.ndarray:
        """Ground-truth BlazePose landmarks in world metres (y up), shape (T, 33, 3)."""
        return np.stack([s.blazepose() for s in self.skeletons(times)]) if len(times) else np.zeros((0, 33, 3))

    def props(self, t: float = 0.0) -> list:
        """Primitives of the props at time ``t`` (the foam roller), for the renderer."""
        return self._props(t)

    def fault_value(self, t: float | np.ndarray, measure: str | None = None) -> np.ndarray:
        """Per-time physical value of a measure (holds: ``hip_offset_cm``), interpolated; shape like ``t``."""
        if not self.truth:
            raise KeyError(f"{self.exercise} has no per-sample truth")
        key = measure or next(iter(self.truth))
        return np.interp(t, self.grid_t, self.truth[key])

    def fault_timeline(self, t: np.ndarray) -> dict[str, np.ndarray]:
        """Per-time boolean ground truth of each fault of a hold, shape like ``t``.

        True where the physical value is beyond the fault's boundary *inside a hold segment*; getting
        into and out of position (hips still on the floor) is not a fault. Empty for rep sets.
        """
        t = np.asarray(t, float)
        inside = np.zeros(t.shape, bool)
        for seg in self.segments:
            if seg["kind"] == "hold":
                inside |= (t >= seg["start_s"]) & (t <= seg["end_s"])
        out = {}
        for (ex, fid), (measure, _u, bnd, d) in FAULT_BOUNDARIES.items():
            if ex == self.exercise and measure in self.truth and self.exercise == "plank":
                v = self.fault_value(t, measure)
                out[fid] = inside & ((v > bnd) if d > 0 else (v < bnd))
        return out

    def bounds(self, n: int = 40) -> tuple[np.ndarray, np.ndarray]:
        """(min, max) corners (3,) of the landmarks over the motion, metres (for camera placement)."""
        pts = self.landmarks(np.linspace(0, self.duration_s, n)).reshape(-1, 3)
        return np.nanmin(pts, axis=0), np.nanmax(pts, axis=0)

    @property
    def body_center(self) -> tuple[float, float, float]:
        lo, hi = self.bounds(12)
        c = 0.5 * (lo + hi)
        return (float(c[0]), float(c[1]), float(c[2]))


def _severities(faults: dict | None, exercise: str, n: int) -> dict[str, np.ndarray]:
    spec = get_exercise(exercise)
    out = {f: np.zeros(n) for f in spec.fault_ids}
    for fid, sev in (faults or {}).items():
        if fid not in out:
            raise UnknownExerciseError(
                f"exercise {exercise!r} has no fault {fid!r}; its faults are {', '.join(spec.fault_ids)}")
        arr = np.atleast_1d(np.asarray(sev, float))
        if arr.size == 1:
            arr = np.full(n, float(arr[0]))
        if arr.size != n:
            raise ValueError(f"fault {fid!r}: got {arr.size} severities for {n} reps")
        if np.any((arr < 0) | (arr > 1)) or not np.all(np.isfinite(arr)):
            raise ValueError(f"fault {fid!r}: severities must be in [0, 1], got {arr.tolist()}")
        out[fid] = arr
    return out


def _fault_entry(exercise: str, fid: str, sev: float, value: float) -> dict[str, Any]:
    _m, unit, bnd, d = FAULT_BOUNDARIES[(exercise, fid)]
    return {"severity": round(float(sev), 4), "value": round(float(value), 3), "unit": unit,
            "label": _label(value, bnd, d)}


def _measure_on_grid(measure: Callable[[Skeleton], float], builder: Callable[..., Skeleton], body: BodyShape,
                     t: np.ndarray, params: dict, static: dict, step: int = 2) -> np.ndarray:
    """A skeleton measure evaluated every ``step`` grid samples (25 Hz) and interpolated to the grid."""
    idx = np.unique(np.r_[np.arange(0, t.size, step), t.size - 1])
    vals = np.array([measure(builder(body, {k: float(v[i]) for k, v in params.items()}, static)) for i in idx])
    return np.interp(t, t[idx], vals)


def _limb_targets(**kw: Any) -> LimbTargets:
    return LimbTargets(**kw)


def _lr(left: Any, right: Any) -> dict:
    return {"left": np.asarray(left, float), "right": np.asarray(right, float)}


# =============================================================================================== plank
def _plank_geometry(body: BodyShape, p: dict, st: dict) -> tuple[np.ndarray, np.ndarray, SpinePose, tuple]:
    """Solve the plank's sagittal geometry: where the hips and shoulders go for the wanted offset."""
    h = p["offset"]
    Pn = frame_from(up=X, fwd=-Y)  # head +x, chest down
    sp = dict(pelvic_tilt=p["tilt"], lumbar_ext=p["lumbar"], thoracic_ext=p["thoracic"],
              neck_flex=p["neck"], thoracic_side=0.0)
    J, F0 = trunk_points(body, SpinePose(pelvis=(0.0, 0.0, 0.0), pelvis_frame=Pn, **sp))
    q = J["mid_shoulder"][:2]
    a = math.hypot(q[0], q[1])
    b = float(st["leg_eff"])
    ah = abs(float(h))
    # hip angle gamma whose triangle height over the shoulder–ankle side equals |h|
    lo, hi = math.pi / 3, math.pi
    for _ in range(40):
        g = 0.5 * (lo + hi)
        c = math.sqrt(a * a + b * b - 2 * a * b * math.cos(g))
        if a * b * math.sin(g) / c > ah:
            lo = g
        else:
            hi = g
    g = 0.5 * (lo + hi)
    c = math.sqrt(a * a + b * b - 2 * a * b * math.cos(g))
    ex, ey = float(st["support"][0]), float(st["support"][1])
    ax, ay = float(st["ankle"][0]), float(st["ankle"][1])
    ua = float(st["arm"])
    # shoulder over the support point (elbow or hand), the arm tilted by beta so that |S - A| = c
    lo, hi = -1.0, 1.0
    for _ in range(40):
        beta = 0.5 * (lo + hi)
        if math.hypot(ex + ua * math.sin(beta) - ax, ey + ua * math.cos(beta) - ay) > c:
            hi = beta
        else:
            lo = beta
    beta = 0.5 * (lo + hi)
    S = np.array([ex + ua * math.sin(beta), ey + ua * math.cos(beta)])
    A = np.array([ax, ay])
    u = (A - S) / math.hypot(*(A - S))
    alpha = math.asin(min(max(b * math.sin(g) / c, -1.0), 1.0))
    sgn = 1.0 if h >= 0 else -1.0
    # rotate u (pointing from shoulder to ankle, i.e. towards -x) towards +y for a hip above the line
    rot = -sgn * alpha
    ur = np.array([math.cos(rot) * u[0] - math.sin(rot) * u[1], math.sin(rot) * u[0] + math.cos(rot) * u[1]])
    H = S + a * ur
    return S, H, *_plank_trunk(body, sp, J, F0, S, H, p["sway"])


def _plank_trunk(body: BodyShape, sp: dict, J: dict, F0: dict, S: np.ndarray, H: np.ndarray,
                 sway: float) -> tuple[SpinePose, tuple]:
    """Place the chest-down trunk (``J``, ``F0``: posed at the origin) with the hip centre at ``H`` and the
    shoulders towards ``S`` (sagittal x, y in metres), ``sway`` metres sideways."""
    Pn = frame_from(up=X, fwd=-Y)
    q = J["mid_shoulder"][:2]
    psi = math.atan2(S[1] - H[1], S[0] - H[0]) - math.atan2(q[1], q[0])
    Rz = rot_axis(Z, math.degrees(psi))
    org = np.array([H[0], H[1], sway])
    return SpinePose(pelvis=tuple(org), pelvis_frame=Rz @ Pn, **sp), move_trunk(J, F0, Rz, org)


#: Knee-joint centre above the floor when kneeling (m, standard body): the knee's own radius.
_KNEE_FLOOR_Y = 0.055
#: Ankle-joint centre above the floor with the toes pointed and the instep on the floor (m).
_ANKLE_FLAT_Y = 0.06
#: Foot directions (heel → toe, sole → instep) with the toes tucked under (plank) and pointed back.
_FOOT_TUCKED = (np.array([-np.sin(np.radians(20)), -np.cos(np.radians(20)), 0.0]),
                np.array([np.cos(np.radians(20)), -np.sin(np.radians(20)), 0.0]))
_FOOT_POINTED = (np.array([-np.cos(np.radians(15)), -np.sin(np.radians(15)), 0.0]),
                 np.array([np.sin(np.radians(15)), -np.cos(np.radians(15)), 0.0]))


def _plank_kneeling(body: BodyShape, p: dict, st: dict, S: np.ndarray, H: np.ndarray, spine: SpinePose,
                    trunk: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray, SpinePose, tuple]:
    """Legs (and trunk) for getting into / out of the plank through the knees.

    ``knee`` (0..1) lowers the knees to the floor one thigh behind the hip (shins behind them, toes
    tucked), ``feet`` (0..1) points the toes and lays the instep on the floor, ``sit`` (0..1) turns the
    thighs about the knees back over the heels (``sit_angle``: thigh angle above the floor, degrees) and
    folds the trunk forward (``sit_trunk``: trunk angle above the horizontal, degrees; ``fold``: extra
    lumbar flexion, degrees). Returns the ankle target (x, y), foot direction and up (3,), spine, trunk.
    """
    sc = body.scale
    kn, sit, feet = float(p.get("knee", 0.0)), float(p.get("sit", 0.0)), float(p.get("feet", 0.0))
    ky = _KNEE_FLOOR_Y * sc
    dy = min(max(float(H[1]) - ky, 0.0), 0.95 * body.thigh)
    K = np.array([H[0] - math.sqrt(body.thigh**2 - dy**2), ky])
    A0 = np.asarray(st["ankle"], float)
    ay = A0[1] + feet * (_ANKLE_FLAT_Y * sc - A0[1])
    w = math.asin(min(max((ay - ky) / body.shank, -1.0), 1.0))
    A_knee = K + body.shank * np.array([-math.cos(w), math.sin(w)])
    d = np.array([A0[0], ay]) - np.asarray(H[:2], float)  # straight legs: the ankle a leg length from the hip
    A_straight = np.asarray(H[:2], float) + float(st["leg_eff"]) * d / max(float(np.hypot(*d)), 1e-9)
    A = (1 - kn) * A_straight + kn * A_knee
    fd = (1 - feet) * _FOOT_TUCKED[0] + feet * _FOOT_POINTED[0]
    fu = (1 - feet) * _FOOT_TUCKED[1] + feet * _FOOT_POINTED[1]
    if sit > 0:
        th0 = math.atan2(H[1] - K[1], H[0] - K[0])
        th = th0 + sit * (math.pi - math.radians(p.get("sit_angle", 25.0)) - th0)
        H2 = K + body.thigh * np.array([math.cos(th), math.sin(th)])
        ph0 = math.atan2(S[1] - H[1], S[0] - H[0])
        ph = ph0 + sit * (math.radians(p.get("sit_trunk", 10.0)) - ph0)
        S2 = H2 + np.array([math.cos(ph), math.sin(ph)])
        sp = dict(pelvic_tilt=p["tilt"], lumbar_ext=p["lumbar"] - sit * p.get("fold", 0.0),
                  thoracic_ext=p["thoracic"], neck_flex=p["neck"], thoracic_side=0.0)
        J, F0 = trunk_points(body, SpinePose(pelvis=(0.0, 0.0, 0.0), pelvis_frame=frame_from(up=X, fwd=-Y), **sp))
        spine, trunk = _plank_trunk(body, sp, J, F0, S2, H2, p["sway"])
    return A, fd, fu, spine, trunk


def _plank_pose(body: BodyShape, p: dict, st: dict) -> Skeleton:
    S, H, spine, trunk = _plank_geometry(body, p, st)
    sc = body.scale
    ez = st["elbow_z"]
    # chest down, head +x: the person's left is at -z
    if st.get("arms") == "straight":  # hands on the floor under the shoulders, arms straight (IK)
        elbow = None
        wrist = {s: np.array([st["support"][0], st["support"][1], -sg * ez]) for s, sg in (("left", 1), ("right", -1))}
        bend, hand_dir = _lr(-X, -X), _lr(X - 0.15 * Z, X + 0.15 * Z)
    else:
        elbow = {s: np.array([st["support"][0], st["support"][1], -sg * ez]) for s, sg in (("left", 1), ("right", -1))}
        wrist = {s: elbow[s] + np.array([body.forearm * 0.96, -0.006, sg * 0.06 * sc])
                 for s, sg in (("left", 1), ("right", -1))}
        bend, hand_dir = _lr(-Y - 0.3 * X, -Y - 0.3 * X), _lr(X + 0.25 * Z, X - 0.25 * Z)
    A = st["ankle"]
    fd, fu = _FOOT_TUCKED
    # the second leg's knee (``knee2``, one leg at a time; see ``lead_leg``) where it differs from the first's
    knee2 = float(p.get("knee2", p.get("knee", 0.0)))
    A2 = A
    if p.get("knee", 0.0) > 0 or knee2 > 0 or p.get("sit", 0.0) > 0 or p.get("feet", 0.0) > 0:  # getting in / out
        A2 = _plank_kneeling(body, dict(p, knee=knee2), st, S, H, spine, trunk)[0]
        A, fd, fu, spine, trunk = _plank_kneeling(body, p, st, S, H, spine, trunk)
    lead = st.get("lead_leg", "left")
    ankle = {s: np.array([(A if s == lead else A2)[0], (A if s == lead else A2)[1], -sg * st["ankle_z"]])
             for s, sg in (("left", 1), ("right", -1))}
    limbs = _limb_targets(
        wrist=wrist, elbow_bend=bend, elbow=elbow, hand_dir=hand_dir, palm_normal=_lr(-Y, -Y),
        ankle=ankle, knee_bend=_lr(-Y, -Y), foot_dir=_lr(fd, fd), foot_up=_lr(fu, fu))
    return pose_skeleton(body, spine, limbs, trunk)


def _plank_static(body: BodyShape, rng: np.random.Generator, arms: str = "forearms") -> dict:
    """Fixed points of a plank: the support (elbows on the forearms, or wrists on straight arms) and the
    feet; ``arm`` is the support-to-shoulder length (m)."""
    sc = body.scale
    if arms == "straight":  # wrist joint a palm's thickness above the floor, a hair short of a locked elbow
        support, arm = np.array([0.0, 0.035 * sc]), 0.999 * (body.upper_arm + body.forearm)
    else:
        support, arm = np.array([0.0, 0.045 * sc * (0.8 + 0.2 * body.girth)]), body.upper_arm
    fd = np.array([-np.sin(np.radians(20)), -np.cos(np.radians(20))])
    fu = np.array([np.cos(np.radians(20)), -np.sin(np.radians(20))])
    toe = fd * 0.78 * body.foot - fu * 0.045 * sc
    ankle_y = 0.02 - toe[1]
    leg_eff = body.leg_length * 0.998
    trunk = 0.505 * sc * body.trunk
    ankle_x = support[0] - np.sqrt(max((trunk + leg_eff) ** 2 - (arm + support[1] - ankle_y) ** 2, 0.1))
    return {"support": support, "arm": arm, "arms": arms, "ankle": np.array([ankle_x, ankle_y]),
            "leg_eff": leg_eff, "elbow_z": 0.14 * sc * body.shoulder_width,
            "ankle_z": float(rng.uniform(0.05, 0.12)) * sc}


def _plank_lying_offset(body: BodyShape, st: dict, p0: dict) -> float:
    """Offset (m) at which the hip midpoint rests on the floor (prone, on the forearms)."""
    rest_y = 0.105 * body.scale * (0.75 + 0.25 * body.girth)
    lo, hi = -0.6, 0.0
    for _ in range(30):
        m = 0.5 * (lo + hi)
        _S, H, _sp, _tr = _plank_geometry(body, dict(p0, offset=m), st)
        if H[1] > rest_y:
            hi = m
        else:
            lo = m
    return 0.5 * (lo + hi)


#: Ways into the plank (probabilities): from kneeling on the forearms (knees lift as the legs straighten),
#: or from lying prone (hips lifted with straight legs, the current ``prone`` path).
#: Hip offset (m above the shoulder–ankle line) of the steepest pike (severity 1): a hip angle of ~120°. Dev
#: renders of steeper pikes (``benchmarks/plank_steep.py``) raise it for their clips only.
PLANK_PIKE_MAX_M = 0.30
_PLANK_WAYS_IN = {"kneeling": 0.55, "prone": 0.45}
#: Ways out: knees to the floor first, then the hips down to lie prone (``knees_prone``) or back over
#: the heels (``knees_sit``); or straight down onto the belly with straight legs (``belly``).
_PLANK_WAYS_OUT = {"knees_prone": 0.4, "knees_sit": 0.35, "belly": 0.25}


def _plank_ways_in_and_out(t: np.ndarray, params: dict, vr: np.random.Generator, *, tuck: float, lying: float,
                           t_in0: float, t_hold0: float, t_hold1: float, leave: float,
                           kneeling_in: bool = False, one_leg_at_a_time: bool = False) -> tuple[np.ndarray, dict, dict]:
    """Rewrite a plank's parameters before ``t_hold0`` and after ``t_hold1`` for the drawn way in and out.

    Inside the hold nothing changes. The grid is extended (parameters held at their last value) when the
    way out needs more time than the clip had after the hold. Adds the ``knee``, ``feet``, ``sit`` and
    ``fold`` parameters (see :func:`_plank_kneeling`) and ``sit_angle``/``sit_trunk``. ``kneeling_in``: always
    get in from kneeling (a plank on straight arms: lying prone on straight arms would be a cobra).
    ``one_leg_at_a_time``: get in from kneeling stepping one leg back straight, then the other (the hips rise
    as the second leg straightens), and out through the knees one knee, then the other, 0.3-0.8 s apart; adds
    ``knee2`` (the second leg's knee) and returns ``lead_leg`` in ``ways``. Its own draws come from a
    generator of their own, so the clip's other values are what they are without it.

    Returns
    -------
    t : ndarray of shape (N',)
        The (possibly longer) grid, seconds.
    params : dict of str to ndarray of shape (N',)
    ways : dict
        ``{"get_in": ..., "get_out": ...}`` for the motion's info.
    """
    get_in = str(vr.choice(list(_PLANK_WAYS_IN), p=list(_PLANK_WAYS_IN.values())))
    if kneeling_in:  # (drawn all the same, so that every later draw is what it was)
        get_in = "kneeling"
    get_out = str(vr.choice(list(_PLANK_WAYS_OUT), p=list(_PLANK_WAYS_OUT.values())))
    sr = np.random.default_rng([int(round(1e9 * t_hold0)), 7]) if one_leg_at_a_time else None
    if sr is not None:
        get_in = "kneeling"
    lag = float(sr.uniform(0.3, 0.8)) if sr is not None else 0.0  # the second knee down after the first
    dk = vr.uniform(0.5, 0.9)  # knees down
    t2 = t_hold1 + lag + dk * vr.uniform(0.6, 1.0)  # then lying down / sitting back starts ...
    t3 = t2 + vr.uniform(0.8, 1.5)  # ... and ends
    t_need = (t3 if get_out != "belly" else t_hold1 + leave) + vr.uniform(0.5, 1.2)
    if t_need > t[-1]:
        n_add = int(math.ceil((t_need - t[-1]) / _DT))
        t = np.r_[t, t[-1] + _DT * np.arange(1, n_add + 1)]
        params = {k: np.r_[v, np.full(n_add, v[-1])] for k, v in params.items()}
    params = {k: v.copy() for k, v in params.items()}
    n = t.size
    knee, feet, sit, fold = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    knee2 = np.zeros(n)
    pre, post = t < t_hold0, t > t_hold1
    i1 = int(np.searchsorted(t, t_hold1 - 1e-9))  # first grid sample at/after the hold's end
    # ---- in
    if get_in == "kneeling":
        # on the forearms and knees, hips a little below the plank line, sometimes sitting back at first;
        # the knees lift and the legs straighten while the hips rise into the hold
        up_in = _ramp(t, t_in0, t_hold0)
        off_k = tuck + vr.uniform(-0.12, -0.04)
        hold_off = params["offset"][int(np.searchsorted(t, t_hold0 - 1e-9))]
        params["offset"][pre] = (off_k + up_in * (hold_off - off_k))[pre]
        knee[pre] = (1 - up_in)[pre]
        knee2[pre] = knee[pre]
        if sr is not None:  # the first leg straight back in the first 40 % of the way in, the second in the last
            d = t_hold0 - t_in0
            knee[pre] = (1 - _ramp(t, t_in0, t_in0 + 0.4 * d))[pre]
            knee2[pre] = (1 - _ramp(t, t_hold0 - 0.4 * d, t_hold0))[pre]
        if vr.random() < 0.5:
            s0 = vr.uniform(0.4, 1.0)
            back = s0 * (1 - _ramp(t, 0.1, max(0.2, t_in0 - 0.1)))
            sit[pre], feet[pre], fold[pre] = back[pre], back[pre], 25.0
    elif vr.random() < 0.5:  # prone with the toes pointed, tucked before pushing up
        feet[pre] = (1 - _ramp(t, 0.1, max(0.2, t_in0)))[pre]
    # ---- out
    p_end = {k: float(v[i1]) for k, v in params.items()}
    # straight down onto the belly keeps the toes tucked (pointing them lowers the ankles ~14 cm, which the
    # segmenter's elbow–ankle floor line reads as the hips rising again: not modelled yet)
    if get_out != "belly":
        kd = _ramp(t, t_hold1, t_hold1 + dk)
        p2 = _ramp(t, t2, t3)
        off_kd = max(lying + 0.03, min(p_end["offset"], tuck + vr.uniform(-0.10, -0.03)))
        knee[post] = kd[post]
        knee2[post] = _ramp(t, t_hold1 + lag, t_hold1 + lag + dk)[post]
        # from the hold's last values (the hips drop a little as the knees go down)
        off_post = p_end["offset"] + kd * (off_kd - p_end["offset"])
        params["thoracic"][post] = (p_end["thoracic"] * (1 - kd))[post]
        params["tilt"][post] = p_end["tilt"]
        params["lumbar"][post] = p_end["lumbar"]
        if get_out == "knees_prone":
            off_post = off_post + p2 * (lying - off_kd)
            params["tilt"][post] = (p_end["tilt"] + p2 * (12.0 - p_end["tilt"]))[post]
            params["lumbar"][post] = (p_end["lumbar"] + p2 * (15.0 - p_end["lumbar"]))[post]
            if vr.random() < 0.7:
                feet[post] = p2[post]
        else:
            sit[post], feet[post], fold[post] = p2[post], p2[post], vr.uniform(15.0, 35.0)
        params["offset"][post] = off_post[post]
    params.update(knee=knee, feet=feet, sit=sit, fold=fold, sit_angle=np.full(n, vr.uniform(20.0, 40.0)),
                  sit_trunk=np.full(n, vr.uniform(-5.0, 15.0)))
    ways = {"get_in": get_in, "get_out": get_out}
    if sr is not None:
        params["knee2"] = knee2
        ways["lead_leg"] = "left" if sr.random() < 0.5 else "right"
    return t, params, ways


def _plank_fault_entries(t: np.ndarray, truth_off: np.ndarray, t_hold0: float, t_hold1: float, s_sag: float,
                         s_pike: float) -> dict[str, dict[str, Any]]:
    """A plank hold's fault entries from the per-sample hip offset ``truth_off`` (cm, on the grid ``t``, s): the
    sag's value is the hold's 5th percentile, the pike's its 95th; when each is first past its boundary
    (``onset_s``) and for what share of the hold (``fraction``)."""
    in_hold = (t >= t_hold0) & (t <= t_hold1)
    hv = truth_off[in_hold]
    faults = {
        "hips_sag": _fault_entry("plank", "hips_sag", s_sag, float(np.percentile(hv, 5))),
        "hips_pike": _fault_entry("plank", "hips_pike", s_pike, float(np.percentile(hv, 95))),
    }
    for fid, e in faults.items():
        _m, _u, bnd, d = FAULT_BOUNDARIES[("plank", fid)]
        bad = (hv < bnd) if d < 0 else (hv > bnd)
        e["onset_s"] = round(float(t[in_hold][np.argmax(bad)]), 3) if bad.any() else None
        e["fraction"] = round(float(bad.mean()), 4)
    return faults


def _make_plank(body: BodyShape, rng: np.random.Generator, sev: dict[str, np.ndarray], seconds: float | None,
                onset: float | None, arms: str = "forearms", legs: str = "together") -> Motion:
    """A forearm plank (``arms="straight"``: on the hands): get in, hold ``seconds`` (default 15–35 s), get out
    (``legs="one_at_a_time"``: see :func:`make_motion`).

    Ground-truth hold (``segments[0]``): from the moment the body is up on the forearms and toes, legs
    straight and knees off the floor, to the moment it starts leaving that position (the knees start to
    drop, or the hips start to lower). Ways in (see ``_PLANK_WAYS_IN``): from kneeling on the forearms
    (knees lift as the legs straighten; sometimes sitting back first) or from lying prone. Ways out
    (``_PLANK_WAYS_OUT``): knees to the floor first, then lying prone or sitting back over the heels; or
    straight down onto the belly. The way is drawn from a generator seeded by the clip's own draws, so for
    a given seed everything inside the hold (and every other random value) is what it was before the ways
    were added.
    """
    s_sag, s_pike = float(sev["hips_sag"][0]), float(sev["hips_pike"][0])
    if s_sag > 0 and s_pike > 0:
        raise ValueError("plank: hips_sag and hips_pike cannot both be present")
    hold = float(seconds) if seconds is not None else float(rng.uniform(15, 35))
    if hold < 3:
        raise ValueError(f"plank: hold of {hold} s is shorter than the 3 s minimum")
    tuck = float(rng.uniform(0.02, 0.08))
    st = _plank_static(body, rng, arms)
    pre, enter, leave, post = rng.uniform(0.8, 2.0), rng.uniform(1.2, 2.5), rng.uniform(1.0, 2.0), rng.uniform(0.6, 1.5)
    t_in0 = pre
    t_hold0 = pre + enter
    t_hold1 = t_hold0 + hold
    t_end = t_hold1 + leave + post
    t = np.arange(0.0, t_end + _DT / 2, _DT)
    # fault ramps in at the onset (relative to the hold start) over 2–5 s; a fault never starts before
    # the hold's ground-truth start, and its ramp ends inside the hold
    if onset is None:
        f_on = t_hold0
        ramp_s = enter * 0.5
    else:
        f_on = t_hold0 + max(0.0, float(onset))
        ramp_s = rng.uniform(2.0, 5.0)
    f_on = min(f_on, t_hold1 - _DT)
    ramp_s = float(np.clip(ramp_s, _DT, max(_DT, t_hold1 - f_on)))
    f = _ramp(t, f_on, f_on + ramp_s)
    if s_sag > 0:
        target = tuck - s_sag * (tuck + 0.20)
    else:
        target = tuck + s_pike * (PLANK_PIKE_MAX_M - tuck)
    s_any = max(s_sag, s_pike)
    breath = _breath(t, rng)
    offset_hold = tuck + f * (target - tuck) + _wander(t, rng, 0.006, 1.5) + 0.003 * breath
    # posture: tail tucked (posterior tilt) when correct; sag = anterior tilt + lumbar extension
    tilt_ok, lumb_ok = rng.uniform(-14, -6), rng.uniform(-8, -2)
    tilt = tilt_ok + f * (s_sag * rng.uniform(16, 24) - s_pike * 2)
    lumbar = lumb_ok + f * (s_sag * rng.uniform(18, 26) - s_pike * rng.uniform(4, 8))
    thoracic = rng.uniform(-6, 0) + 0.8 * breath + f * s_pike * -4
    neck = rng.uniform(-5, 15) + _wander(t, rng, 2.0, 1.5)
    p0 = dict(offset=tuck, tilt=tilt_ok, lumbar=lumb_ok, thoracic=0.0, neck=0.0, sway=0.0)
    lying = _plank_lying_offset(body, st, dict(p0, tilt=12.0, lumbar=15.0))
    up = _ramp(t, t_in0, t_hold0) * (1 - _ramp(t, t_hold1, t_hold1 + leave))
    params = {
        "offset": lying + up * (offset_hold - lying),
        "tilt": 12.0 + up * (tilt - 12.0),
        "lumbar": 15.0 + up * (lumbar - 15.0),
        "thoracic": thoracic * up,
        "neck": neck + (1 - up) * -20,
        "sway": _wander(t, rng, 0.006, 2.5),
    }
    static = dict(st)
    # getting in and out through the knees (drawn from a generator seeded by this clip's own draws, so the
    # clip's other random values, and everything inside the hold, stay as they were)
    vr = np.random.default_rng([int(round(1e9 * tuck)), int(round(1e9 * pre)), int(round(1e9 * enter))])
    t, params, ways = _plank_ways_in_and_out(t, params, vr, tuck=tuck, lying=lying, t_in0=t_in0, t_hold0=t_hold0,
                                             t_hold1=t_hold1, leave=leave, kneeling_in=arms == "straight",
                                             one_leg_at_a_time=legs == "one_at_a_time")
    if "lead_leg" in ways:
        static["lead_leg"] = ways["lead_leg"]
    truth_off = _measure_on_grid(hip_offset_cm, _plank_pose, body, t, params, static)
    seg = {"kind": "hold", "start_s": round(t_hold0, 3), "end_s": round(t_hold1, 3), "side": None,
           "faults": _plank_fault_entries(t, truth_off, t_hold0, t_hold1, s_sag, s_pike)}
    info = {"tuck_cm": round(100 * tuck, 2), "target_offset_cm": round(100 * target, 2) if s_any else None,
            "fault_onset_s": None if onset is None else round(float(f_on), 3),
            "severity": {"hips_sag": s_sag, "hips_pike": s_pike}, **ways}
    return Motion("plank", body, float(t[-1]), [seg], t, params, {"hip_offset_cm": truth_off}, info, static,
                  _plank_pose, lambda _t: [])


def plank_demonstration(*, rng: np.random.Generator, sag: float, pike: float, sag_first: bool = True,
                        arms: str = "forearms", body: BodyShape | None = None) -> Motion:
    """A plank hold that changes shape, as a trainer shows the faults or a tiring client corrects them: in
    position 4 s, then one fault for ~5 s, back in position 3 s, the other fault ~5 s, back in position.

    Each fault ramps in and out over 1.2 s, with its pelvic tilt and lumbar curve (as :func:`_make_plank`
    shapes them); the hold is 24 s, got into and out of as a plank of the same seed is.

    Parameters
    ----------
    rng : numpy.random.Generator
    sag, pike : float
        Severities (0..1) of the sag and the pike phase.
    sag_first : bool
        The sag comes first (else the pike).
    arms : str
        ``"forearms"`` or ``"straight"`` (see :func:`make_motion`).
    body : BodyShape, optional

    Returns
    -------
    Motion
        Per-sample truth ``hip_offset_cm`` follows the phases; the hold's fault entries carry both faults.
    """
    if arms not in ("forearms", "straight"):
        raise ValueError(f"unknown arm variant {arms!r} for plank")
    # (not through make_motion: renders swap that for this function)
    m = _make_plank(body or BodyShape.standard(), rng, _severities(None, "plank", 1), 24.0, None, arms)
    t, p, seg = m.grid_t, m.params, m.segments[0]
    h0, tuck = seg["start_s"], m.info["tuck_cm"] / 100.0
    first = _ramp(t, h0 + 4.0, h0 + 5.2) * (1 - _ramp(t, h0 + 9.0, h0 + 10.2))
    second = _ramp(t, h0 + 13.0, h0 + 14.2) * (1 - _ramp(t, h0 + 18.0, h0 + 19.2))
    f_sag, f_pike = (first, second) if sag_first else (second, first)
    p["offset"] = p["offset"] - f_sag * sag * (tuck + 0.20) + f_pike * pike * (PLANK_PIKE_MAX_M - tuck)
    p["tilt"] = p["tilt"] + f_sag * sag * 20.0 - f_pike * pike * 2.0
    p["lumbar"] = p["lumbar"] + f_sag * sag * 22.0 - f_pike * pike * 6.0
    p["thoracic"] = p["thoracic"] - f_pike * pike * 4.0
    m.truth["hip_offset_cm"][:] = _measure_on_grid(hip_offset_cm, _plank_pose, m.body, t, p, m.static)
    seg["faults"] = _plank_fault_entries(t, m.truth["hip_offset_cm"], seg["start_s"], seg["end_s"], sag, pike)
    m.info.update(demonstration="sag_first" if sag_first else "pike_first",
                  severity={"hips_sag": sag, "hips_pike": pike})
    return m


# ===================================================================================== upper back roll
#: Where along the thoracic segment (from T12 towards C7) the roller touches the back.
_ROLLER_AT = 0.62

def _ubr_pose(body: BodyShape, p: dict, st: dict) -> Skeleton:
    Pn = frame_from(up=X, fwd=Y)  # supine, head +x: left at +z
    sp = dict(pelvic_tilt=p["tilt"], lumbar_ext=p["lumbar"], thoracic_ext=p["thoracic"], rib_flare=p["flare"],
              neck_flex=p["neck"])
    J, F = trunk_points(body, SpinePose(pelvis=(0.0, 0.0, 0.0), pelvis_frame=Pn, **sp))
    Rt = F["thorax"]
    # the roller touches the back under the shoulder blades
    c = J["t12"] + Rt[:, 1] * _ROLLER_AT * body.thoracic - Rt[:, 2] * st["back"]
    y_p = st["rest_y"] + p["lift"]
    rho, phi = float(np.hypot(c[0], c[1])), float(np.arctan2(c[1], c[0]))
    y_t = st["roller_top"]
    psi = np.arcsin(np.clip((y_t - y_p) / rho, -1, 1)) - phi
    Rz = rot_axis(Z, math.degrees(psi))
    org = np.array([st["pelvis_x"], y_p, p["sway"]])
    spine = SpinePose(pelvis=tuple(org), pelvis_frame=Rz @ Pn, **sp)
    Jw, Fw = move_trunk(J, F, Rz, org)
    hd = Fw["head"]
    sc = body.scale
    behind = {s: Jw["head"] - hd[:, 2] * 0.10 * sc + hd[:, 0] * sg * 0.05 * sc - hd[:, 1] * 0.02 * sc
              for s, sg in (("left", 1), ("right", -1))}
    side = {s: np.array([Jw[f"{s}_shoulder"][0] - 0.50 * sc, 0.04 * sc, sg * (body.shoulder_half + 0.10 * sc)])
            for s, sg in (("left", 1), ("right", -1))}
    k = p["hands"]
    if st.get("arms", "crossed") == "crossed":
        # arms crossed on the chest: each hand on the front of the other shoulder, elbows towards the hips
        th = Fw["thorax"]
        other = {"left": "right", "right": "left"}
        wrist = {s: (1 - k) * side[s] + k * (Jw[f"{other[s]}_shoulder"] + th[:, 2] * 0.09 * sc
                                             - th[:, 1] * (0.07 if s == "left" else 0.11) * sc)
                 for s in ("left", "right")}
        el_b = {s: (1 - k) * (Z * sg - Y * 0.3) + k * (th[:, 0] * sg * 0.6 - th[:, 1] + th[:, 2] * 0.5)
                for s, sg in (("left", 1), ("right", -1))}
        hand_dir = {s: (1 - k) * X + k * th[:, 0] * -sg for s, sg in (("left", 1), ("right", -1))}
        palm = {s: -Y * (1 - k) - k * th[:, 2] for s in ("left", "right")}
    else:  # hands behind the head, elbows out
        wrist = {s: (1 - k) * side[s] + k * behind[s] for s in ("left", "right")}
        el_b = {s: (1 - k) * (Z * sg - Y * 0.3) + k * (Z * sg + Y * 0.8 + X * 0.3)
                for s, sg in (("left", 1), ("right", -1))}
        hand_dir = _lr((1 - k) * X + k * Z * -1, (1 - k) * X + k * Z)
        palm = _lr(-Y * (1 - k) + k * hd[:, 2], -Y * (1 - k) + k * hd[:, 2])
    ankle = _lr(np.array([st["ankle_x"], st["ankle_y"], st["ankle_z"]]),
                np.array([st["ankle_x"], st["ankle_y"], -st["ankle_z"]]))
    limbs = _limb_targets(
        wrist=wrist, elbow_bend=el_b, hand_dir=hand_dir, palm_normal=palm,
        ankle=ankle, knee_bend=_lr(Y + 0.3 * X + 0.15 * Z, Y + 0.3 * X - 0.15 * Z),
        foot_dir=_lr(-X + 0.1 * Z, -X - 0.1 * Z), foot_up=_lr(Y, Y))
    return pose_skeleton(body, spine, limbs, (Jw, Fw))


def _make_reps_common(rng: np.random.Generator, reps: int | None, default: tuple[int, int]) -> int:
    n = int(reps) if reps is not None else int(rng.integers(default[0], default[1] + 1))
    if n < 1:
        raise ValueError(f"reps must be >= 1, got {n}")
    return n


def _make_upper_back_roll(body: BodyShape, rng: np.random.Generator, sev: dict[str, np.ndarray], n: int,
                          arms: str | None = None) -> Motion:
    sc = body.scale
    st = {"rest_y": 0.10 * sc * (0.75 + 0.25 * body.girth), "back": 0.085 * sc * body.girth ** 0.5,
          "roller_r": 0.075, "pelvis_x": 0.0, "arms": arms or "crossed"}
    st["roller_top"] = 2 * st["roller_r"]
    # feet: knees bent ~ 90°, feet flat
    st["ankle_x"] = -float(rng.uniform(0.50, 0.60)) * body.leg_length
    st["ankle_y"] = 0.08 * sc
    st["ankle_z"] = float(rng.uniform(0.09, 0.16)) * sc
    # roller under the thorax contact point of the neutral pose
    p_neutral = dict(tilt=-3.0, lumbar=0.0, thoracic=-5.0, flare=0.0, neck=15.0, lift=0.0, sway=0.0, hands=1.0)
    sk0 = _ubr_pose(body, p_neutral, st)
    Rt = sk0.frames["thorax"]
    c = sk0["t12"] + Rt[:, 1] * _ROLLER_AT * body.thoracic - Rt[:, 2] * st["back"]
    st["roller_x"] = float(c[0])
    pre, settle = rng.uniform(0.5, 1.5), rng.uniform(1.5, 2.5)
    reps = _schedule_reps(rng, n, pre + settle + rng.uniform(0.3, 0.8), up=(1.2, 2.2), top=(0.3, 1.2),
                          down=(1.2, 2.2), pause=(0.3, 1.2))
    t_end = reps[-1].end + rng.uniform(1.5, 2.5) + rng.uniform(0.4, 1.0)
    t = np.arange(0.0, t_end + _DT / 2, _DT)
    ph = np.zeros_like(t)
    s_t = np.zeros_like(t)
    ext_top = np.zeros_like(t)
    for i, r in enumerate(reps):
        m = (t >= r.start - 0.3) & (t <= r.end + 0.3)
        ph_i = r.phase(t)
        ph = np.maximum(ph, ph_i)
        s_t[m] = sev["lower_back_arch"][i]
        ext_top[m] = rng.uniform(22, 32)
    breath = _breath(t, rng)
    hands = _ramp(t, pre, pre + settle) * (1 - _ramp(t, reps[-1].end + 0.3, reps[-1].end + 1.8))
    lift_ok = np.abs(_wander(t, rng, 0.004, 1.0))
    params = {
        "thoracic": -5.0 + ph * ext_top + 1.0 * breath,
        "lift": lift_ok + ph * s_t * 0.12,
        "tilt": -3.0 + ph * s_t * rng.uniform(10, 16),
        "lumbar": ph * s_t * rng.uniform(14, 20) + _wander(t, rng, 1.0, 1.0),
        "flare": ph * s_t * rng.uniform(8, 14) + 0.8 * breath,
        "neck": 15.0 - ph * rng.uniform(5, 15),
        "sway": _wander(t, rng, 0.004, 2.0),
        "hands": hands,
    }
    pel_y = st["rest_y"] + params["lift"]  # the builder puts the hip midpoint exactly there
    rest = float(st["rest_y"])
    segs = []
    for i, r in enumerate(reps):
        m = (t >= r.start) & (t <= r.end)
        lift = 100 * (float(pel_y[m].max()) - rest)
        segs.append({"kind": "rep", "start_s": round(r.start, 3), "end_s": round(r.end, 3), "side": None,
                     "faults": {"lower_back_arch": _fault_entry("upper_back_roll", "lower_back_arch",
                                                                sev["lower_back_arch"][i], lift)}})
    r_ = st["roller_r"]
    length = float(rng.uniform(0.45, 0.9))
    x_r = st["roller_x"]

    def props(_t: float) -> list:
        from .primitives import Cylinder
        return [Cylinder((x_r, r_, -length / 2), (x_r, r_, length / 2), r_, "prop", tag="foam_roller")]

    static = dict(st)
    info = {"severity": {"lower_back_arch": sev["lower_back_arch"].tolist()}, "reps": n, "arms": st["arms"],
            "roller": {"center": [x_r, r_, 0.0], "radius": r_, "length": length}}
    return Motion("upper_back_roll", body, float(t[-1]), segs, t, params, {"hip_lift_cm": 100 * (pel_y - rest)},
                  info, static, _ubr_pose, props)


# ================================================================================== lumbar locked rotation
#: Kneeling feet: pointing backwards with the instep on the floor; the foot slopes from the ankle down to
#: the toes (big-toe tip ~2 cm above the floor).
_KNEEL_FOOT_DIR = np.array([-0.894, -0.447, 0.0])
_KNEEL_FOOT_UP = np.array([0.447, -0.894, 0.0])
#: Kneeling knees: apart, so that the support elbow rests on the floor between them (the routine's "elbow
#: between the knees"); the lateral part of the knees' bend hint (knee centres ~35 cm apart, the inner
#: gap ~23 cm). Knees pressed together would put the elbow inside them.
_KNEEL_KNEE_OUT = 0.3
#: Eyes follow the free hand: the head turns this fraction of the thoracic rotation.
_LLR_HEAD_TURN = 0.8
#: How far (m, standard body) the upper body may shift (lumbar side-shift, shoulder blade) to keep the
#: support elbow planted while the thorax turns. The thorax turns about its own axis, which lowers the
#: support shoulder up to ~12 cm (a real body turns partly about the support arm): the shift takes up
#: 5 cm, beyond that the elbow slides (median 4 cm, at most 13 cm over 20 sampled sets, was 12 / 19 cm).
_LLR_SHIFT_M = 0.05


def _llr_pose(body: BodyShape, p: dict, st: dict) -> Skeleton:
    sc = body.scale
    # kneeling, facing +x: fwd = +x rotated down by the lean; left = -z
    Pn = rot_axis(Z, -p["lean"]) @ frame_from(up=Y, fwd=X)
    Pn = rot_axis(Pn[:, 1], p["hip_rot"]) @ Pn
    # hip midpoint on the thigh sphere around the knee midpoint
    K = st["knee_mid"]
    want = st["pelvis_rest"] + np.array([0.0, p["lift"], p["shift"]])
    H = K + st["thigh_eff"] * (want - K) / np.linalg.norm(want - K)
    side = 1.0 if p["side"] >= 0 else -1.0  # +1: rotating to the left (left arm opens to the ceiling)
    spine = SpinePose(pelvis=tuple(H), pelvis_frame=Pn, pelvic_tilt=0.0, lumbar_ext=p["lumbar"],
                      thoracic_ext=p["thoracic"], thoracic_rot=p["rot"], thoracic_side=0.0, neck_flex=p["neck"],
                      neck_rot=_LLR_HEAD_TURN * p["rot"])
    J, F = trunk_points(body, spine)
    trunk = (J, F)
    sup = "right" if side > 0 else "left"
    free = "left" if side > 0 else "right"
    el_floor = np.array([st["elbow_x"], 0.05 * sc, 0.0])
    k = float(p["hands"])  # 0: both hands resting on the thighs, 1: in position
    hd = F["head"]
    thigh_pt = {}
    for s_, sgn in (("left", 1.0), ("right", -1.0)):
        knee = np.array([st["knee_mid"][0], st["knee_mid"][1], -sgn * 0.17 * sc])
        thigh_pt[s_] = 0.4 * J[f"{s_}_hip"] + 0.6 * knee + Y * 0.08 * sc
    wrist, el_b, hand_dir, palm = {}, {}, {}, {}
    lat_sup = -Z if sup == "left" else Z  # person's left is -z when facing +x
    floor_wrist = el_floor + np.array([body.forearm * 0.97, -0.01, 0.0]) + 0.05 * sc * lat_sup
    wrist[sup] = (1 - k) * thigh_pt[sup] + k * floor_wrist
    hang = J[f"{sup}_shoulder"] - Y * body.upper_arm + X * 0.05 * sc
    el_aim = (1 - k) * hang + k * el_floor
    if k > 0:
        # the support elbow stays planted: as the thorax turns, the upper body shifts (lumbar side-shift and
        # shoulder blade) to keep the support shoulder an upper arm from it, up to _LLR_SHIFT_M; beyond that
        # the elbow slides. The whole thorax moves, so the shoulder line tilts as much as the thorax turns.
        sh = J[f"{sup}_shoulder"]
        v = sh - el_aim
        dist = float(np.linalg.norm(v))
        move = k * float(np.clip(body.upper_arm - dist, -_LLR_SHIFT_M * sc, _LLR_SHIFT_M * sc))
        shift = v / max(dist, 1e-9) * move
        J = dict(J)
        for name in ("c7", "mid_shoulder", "left_shoulder", "right_shoulder", "head"):
            J[name] = J[name] + shift
        J["t12"] = J["t12"] + 0.5 * shift
        trunk = (J, F)
    el_b[sup] = -Y + 0.2 * X
    hand_dir[sup] = X
    palm[sup] = -Y
    sg = 1.0 if free == "left" else -1.0
    th = F["thorax"]
    if st.get("free_arm", "reach") == "reach":
        # the free arm hangs under the chest, then opens with the thorax and reaches for the ceiling
        g = np.radians(25.0 + 65.0 * min(abs(float(p["rot"])) / 40.0, 1.0))
        d = np.cos(g) * th[:, 2] + np.sin(g) * th[:, 0] * sg
        d = d / np.linalg.norm(d)
        reach = J[f"{free}_shoulder"] + d * (body.upper_arm + body.forearm) * 0.94
        reach[1] = max(reach[1], 0.06 * sc)  # the hand brushes the floor, never enters it
        wrist[free] = (1 - k) * thigh_pt[free] + k * reach
        el_b[free] = (1 - k) * (-Y + th[:, 0] * sg * 0.3) + k * (-th[:, 1] + 0.3 * th[:, 0] * sg)
        hd_free = np.array([d[0], max(d[1], -0.2), d[2]])  # a hand near the floor lies flat, not in it
        hand_dir[free] = (1 - k) * X + k * hd_free / np.linalg.norm(hd_free)
        palm[free] = (1 - k) * -Y + k * th[:, 2]
    else:  # hand behind the head, the elbow opens to the ceiling
        behind = J["head"] - hd[:, 2] * 0.11 * sc + hd[:, 0] * sg * 0.03 * sc
        wrist[free] = (1 - k) * thigh_pt[free] + k * behind
        el_b[free] = (1 - k) * (-Y + th[:, 0] * sg * 0.3) + k * (th[:, 0] * sg - th[:, 2] * 0.5)
        hand_dir[free] = (1 - k) * X + k * (-hd[:, 0] * sg)
        palm[free] = (1 - k) * -Y + k * hd[:, 2]
    ankle = {s: np.array([st["ankle_x"], st["ankle_y"], -sgn * st["ankle_z"]])
             for s, sgn in (("left", 1), ("right", -1))}
    kb = {s: X + 0.2 * Y + _KNEEL_KNEE_OUT * (-Z if s == "left" else Z) for s in ("left", "right")}
    limbs = _limb_targets(wrist=wrist, elbow_bend=el_b, hand_dir=hand_dir, palm_normal=palm, ankle=ankle,
                          knee_bend=kb, foot_dir=_lr(_KNEEL_FOOT_DIR, _KNEEL_FOOT_DIR),
                          foot_up=_lr(_KNEEL_FOOT_UP, _KNEEL_FOOT_UP), elbow={sup: el_aim})
    return pose_skeleton(body, spine, limbs, trunk)


def _make_lumbar_locked_rotation(body: BodyShape, rng: np.random.Generator, sev: dict[str, np.ndarray], n: int,
                                 block: int, arms: str | None = None) -> Motion:
    sc = body.scale
    st: dict[str, Any] = {}
    st["knee_mid"] = np.array([0.0, 0.055 * sc, 0.0])
    st["ankle_x"] = -body.shank * 0.97
    st["ankle_y"] = 0.07 * sc
    st["ankle_z"] = 0.07 * sc
    hip_y = st["ankle_y"] + 0.13 * sc * (0.8 + 0.2 * body.girth)
    thigh = body.thigh
    dx = np.sqrt(max(thigh ** 2 - (hip_y - st["knee_mid"][1]) ** 2, 0.01))
    st["pelvis_rest"] = np.array([-dx, hip_y, 0.0])
    st["thigh_eff"] = thigh * 0.999
    lean0 = float(rng.uniform(40, 55))
    # the lean that puts the support shoulder at elbow height + upper arm
    base = dict(lean=lean0, hip_rot=0.0, lift=0.0, shift=0.0, side=1.0, lumbar=-15.0, thoracic=-10.0, rot=0.0,
                neck=35.0, hands=1.0)
    target = 0.05 * sc + body.upper_arm * 0.95
    lo, hi = 10.0, 85.0
    for _ in range(30):
        m = 0.5 * (lo + hi)
        J, _F = trunk_points(body, _llr_spine(body, dict(base, lean=m), st))
        if J["mid_shoulder"][1] > target:
            lo = m
        else:
            hi = m
    lean = 0.5 * (lo + hi)
    J, _F = trunk_points(body, _llr_spine(body, dict(base, lean=lean), st))
    st["elbow_x"] = float(J["mid_shoulder"][0] + rng.uniform(-0.06, 0.02) * sc)
    st["free_arm"] = arms or "reach"
    pre, settle = rng.uniform(0.5, 1.2), rng.uniform(1.5, 2.5)
    reps = _schedule_reps(rng, n, pre + settle + rng.uniform(0.2, 0.6), up=(1.2, 2.2), top=(0.3, 1.0),
                          down=(1.0, 2.0), pause=(0.2, 0.8), block_pause=(block, 2.5))
    t_out = reps[-1].end + rng.uniform(0.2, 0.6)
    leave = rng.uniform(1.2, 2.0)
    t_end = t_out + leave + rng.uniform(0.5, 1.2)
    t = np.arange(0.0, t_end + _DT / 2, _DT)
    # getting into position: sit up on the heels, lean forward, place the elbow and the hand
    inpos = _ramp(t, pre, pre + settle) * (1 - _ramp(t, t_out, t_out + leave))
    hands = _ramp(t, pre + 0.4 * settle, pre + settle) * (1 - _ramp(t, t_out, t_out + 0.7 * leave))
    lean_up = float(rng.uniform(0.0, 12.0))
    first = "left" if rng.random() < 0.5 else "right"
    sides = []
    for i in range(n):
        b = (i // block) % 2
        sides.append(first if b == 0 else ("right" if first == "left" else "left"))
    rot = np.zeros_like(t)
    side_t = np.zeros_like(t)
    lift = np.zeros_like(t)
    shift = np.zeros_like(t)
    hrot = np.zeros_like(t)
    mixes = []
    for i, r in enumerate(reps):
        sgn = 1.0 if sides[i] == "left" else -1.0
        ph = r.phase(t)
        amp = rng.uniform(35, 50)
        rot += sgn * amp * ph
        # between blocks the hands come back to the thighs and the support arm switches
        if i > 0 and sides[i] != sides[i - 1]:
            t_sw = 0.5 * (reps[i - 1].end + r.start)
            gap = 0.5 * (r.start - reps[i - 1].end)
            hands = hands * (1 - _ramp(t, t_sw - gap, t_sw - 0.1) * (1 - _ramp(t, t_sw + 0.1, t_sw + gap)))
        else:
            t_sw = -1e9 if i == 0 else 0.5 * (reps[i - 1].end + r.start)
        side_t[t >= t_sw] = sgn
        s = float(sev["hips_move"][i])
        w = rng.uniform(0.2, 1.0, 3)
        if s >= 0.5:
            w[0] = max(w[0], rng.uniform(0.6, 1.0))
        w[int(np.argmax(w))] = 1.0
        mixes.append(w.round(3).tolist())
        lift += ph * s * 0.12 * w[0]
        shift += ph * s * 0.08 * w[1] * -sgn
        hrot += ph * s * 20.0 * w[2] * sgn
    breath = _breath(t, rng)
    params = {
        "lean": lean_up + inpos * (lean - lean_up) + 1.0 * breath + _wander(t, rng, 0.8, 1.5),
        "hands": hands,
        "hip_rot": hrot + _wander(t, rng, 0.6, 1.5),
        "lift": lift + np.abs(_wander(t, rng, 0.003, 1.0)),
        "shift": shift + _wander(t, rng, 0.003, 1.5),
        "side": side_t,
        "lumbar": -5.0 - 10.0 * inpos + _wander(t, rng, 1.0, 1.5),
        "thoracic": -10.0 * inpos + 0.7 * breath,
        "rot": rot,
        "neck": 5.0 + 10.0 * inpos + _wander(t, rng, 3.0, 1.5),  # the head in line with the spine
    }
    static = st
    sk_rest = _llr_pose(body, {k: float(v[0]) for k, v in dict(params, lift=np.zeros(1), shift=np.zeros(1),
                                                                 hip_rot=np.zeros(1)).items()}, static)
    hl0, hr0 = sk_rest["left_hip"], sk_rest["right_hip"]
    def _drift(sk: Skeleton) -> float:
        return 50.0 * float(np.linalg.norm(sk["left_hip"] - hl0) + np.linalg.norm(sk["right_hip"] - hr0))

    drift = _measure_on_grid(_drift, _llr_pose, body, t, params, static)
    segs = []
    for i, r in enumerate(reps):
        m = (t >= r.start) & (t <= r.end)
        segs.append({"kind": "rep", "start_s": round(r.start, 3), "end_s": round(r.end, 3), "side": sides[i],
                     "faults": {"hips_move": _fault_entry("lumbar_locked_rotation", "hips_move",
                                                          sev["hips_move"][i], float(drift[m].max()))}})
    info = {"severity": {"hips_move": sev["hips_move"].tolist()}, "reps": n, "block": block,
            "mix_lift_shift_rot": mixes, "lean_deg": round(lean, 2), "arms": st["free_arm"]}
    return Motion("lumbar_locked_rotation", body, float(t[-1]), segs, t, params, {"hip_drift_cm": drift}, info,
                  static, _llr_pose, lambda _t: [])


def _llr_spine(body: BodyShape, p: dict, st: dict) -> SpinePose:
    Pn = rot_axis(Z, -p["lean"]) @ frame_from(up=Y, fwd=X)
    return SpinePose(pelvis=tuple(st["pelvis_rest"]), pelvis_frame=Pn, lumbar_ext=p["lumbar"],
                     thoracic_ext=p["thoracic"], neck_flex=p["neck"])


# ======================================================================================== glute bridge
def _bridge_geometry(body: BodyShape, p: dict, st: dict) -> tuple[SpinePose, tuple]:
    Pn = frame_from(up=X, fwd=Y)
    sp = dict(pelvic_tilt=p["tilt"], lumbar_ext=p["lumbar"], thoracic_ext=p["thoracic"], rib_flare=p["flare"],
              neck_flex=p["neck"])
    J, F = trunk_points(body, SpinePose(pelvis=(0.0, 0.0, 0.0), pelvis_frame=Pn, **sp))
    q = J["mid_shoulder"][:2]
    a = math.hypot(q[0], q[1])
    S = st["shoulder"]
    th = math.radians(p["theta"])
    H = S + a * np.array([-math.cos(th), math.sin(th)])
    psi = math.atan2(S[1] - H[1], S[0] - H[0]) - math.atan2(q[1], q[0])
    Rz = rot_axis(Z, math.degrees(psi))
    org = np.array([H[0], H[1], p["sway"]])
    return SpinePose(pelvis=tuple(org), pelvis_frame=Rz @ Pn, **sp), move_trunk(J, F, Rz, org)


def _bridge_pose(body: BodyShape, p: dict, st: dict) -> Skeleton:
    spine, trunk = _bridge_geometry(body, p, st)
    sc = body.scale
    S = st["shoulder"]
    wrist = {s: np.array([S[0] - body.upper_arm - body.forearm * 0.9, 0.04 * sc, sg * st["hand_z"]])
             for s, sg in (("left", 1), ("right", -1))}
    k = float(p.get("feet", 1.0))  # 0: legs stretched out on the floor, 1: knees bent, feet flat
    ax = st["ankle_x_out"] + k * (st["ankle_x"] - st["ankle_x_out"])
    ankle = {s: np.array([ax, st["ankle_y"], sg * st["ankle_z"]]) for s, sg in (("left", 1), ("right", -1))}
    fd = (1 - k) * (Y - 0.2 * X) + k * -X
    fu = (1 - k) * X + k * Y
    limbs = _limb_targets(
        wrist=wrist, elbow_bend=_lr(-Y + 0.4 * Z, -Y - 0.4 * Z), hand_dir=_lr(-X, -X), palm_normal=_lr(-Y, -Y),
        ankle=ankle, knee_bend=_lr(Y + 0.5 * X, Y + 0.5 * X), foot_dir=_lr(fd, fd), foot_up=_lr(fu, fu))
    return pose_skeleton(body, spine, limbs, trunk)


#: The least a glute-bridge rep lifts (degrees of hip extension above lying on the floor). Severity 1 of
#: ``incomplete_extension`` asks for a top 40° short of the straight line, which for many bodies is where the
#: hips lie (−41° to −51°): such "reps" did not move (2026-11-25: held-out reps with 2° and 7° of lift, which
#: no one could count from video). 12° of extension lifts the hips about 8–10 cm.
BRIDGE_MIN_LIFT_DEG = 12.0


def _bridge_theta_for(body: BodyShape, p: dict, st: dict, e_target: float) -> float:
    lo, hi = st["theta_floor"], 75.0
    for _ in range(30):
        m = 0.5 * (lo + hi)
        if hip_extension_deg(_bridge_pose(body, dict(p, theta=m), st)) > e_target:
            hi = m
        else:
            lo = m
    return 0.5 * (lo + hi)


def _make_glute_bridge(body: BodyShape, rng: np.random.Generator, sev: dict[str, np.ndarray], n: int) -> Motion:
    sc = body.scale
    s_arch, s_inc = sev["lower_back_arch"], sev["incomplete_extension"]
    if np.any((s_arch > 0) & (s_inc > 0)):
        raise ValueError("glute_bridge: lower_back_arch and incomplete_extension cannot be in the same rep")
    st: dict[str, Any] = {"shoulder": np.array([0.0, 0.07 * sc * (0.8 + 0.2 * body.girth)])}
    a0 = 0.505 * sc * body.trunk
    st["ankle_x"] = -a0 - float(rng.uniform(0.55, 0.68)) * body.leg_length
    st["ankle_y"] = 0.08 * sc
    st["ankle_z"] = float(rng.uniform(0.09, 0.16)) * sc
    st["hand_z"] = float(rng.uniform(0.22, 0.30)) * sc
    rest_y = 0.10 * sc * (0.75 + 0.25 * body.girth)
    st["theta_floor"] = float(np.degrees(np.arcsin((rest_y - st["shoulder"][1]) / a0)))
    hip_x = st["shoulder"][0] - a0 * np.cos(np.radians(st["theta_floor"]))
    st["ankle_x_out"] = hip_x - 0.985 * body.leg_length
    pre, settle = rng.uniform(0.5, 1.2), rng.uniform(1.0, 1.8)
    reps = _schedule_reps(rng, n, pre + settle + rng.uniform(0.3, 1.0), up=(0.8, 1.6), top=(0.3, 1.5),
                          down=(1.0, 2.0), pause=(0.3, 1.2))
    t_out = reps[-1].end + rng.uniform(0.3, 1.0)
    leave = rng.uniform(1.0, 1.8)
    t_end = t_out + leave + rng.uniform(0.4, 1.0)
    t = np.arange(0.0, t_end + _DT / 2, _DT)
    feet = _ramp(t, pre, pre + settle) * (1 - _ramp(t, t_out, t_out + leave))
    theta = np.full_like(t, st["theta_floor"])
    tilt = np.full_like(t, 0.0)
    lumbar = np.full_like(t, 0.0)
    flare = np.full_like(t, 0.0)
    tops = []
    e_floor = hip_extension_deg(_bridge_pose(body, dict(tilt=-6.0, lumbar=0.0, thoracic=0.0, flare=0.0, neck=0.0,
                                                        sway=0.0, theta=st["theta_floor"]), st))
    for i, r in enumerate(reps):
        ph = r.phase(t)
        sa, si = float(s_arch[i]), float(s_inc[i])
        e_top = 25.0 * sa - 40.0 * si + (rng.uniform(-4.0, 4.0) if sa == 0 and si == 0 else rng.uniform(-1.5, 1.5))
        # a rep lifts the hips: the shortest one still rises BRIDGE_MIN_LIFT_DEG off the floor
        e_top = max(e_top, e_floor + BRIDGE_MIN_LIFT_DEG)
        tp = dict(tilt=-6.0 + sa * rng.uniform(12, 18), lumbar=sa * rng.uniform(15, 22),
                  thoracic=0.0, flare=sa * rng.uniform(8, 14), neck=0.0, sway=0.0)
        th_top = _bridge_theta_for(body, dict(tp, neck=0.0), st, e_top)
        tp["neck"] = th_top
        tops.append((e_top, th_top))
        theta = np.where(ph > 0, st["theta_floor"] + ph * (th_top - st["theta_floor"]), theta)
        tilt = tilt + ph * tp["tilt"]
        lumbar = lumbar + ph * tp["lumbar"]
        flare = flare + ph * tp["flare"]
    breath = _breath(t, rng)
    params = {
        "theta": theta + 0.3 * breath,
        "tilt": tilt + _wander(t, rng, 0.8, 1.0),
        "lumbar": lumbar + _wander(t, rng, 0.8, 1.0),
        "thoracic": 0.8 * breath,
        "flare": flare + 0.6 * breath,
        "neck": 5.0 + (theta - st["theta_floor"]) + _wander(t, rng, 1.5, 1.5),
        "sway": _wander(t, rng, 0.003, 2.0),
        "feet": feet,
    }
    ext = _measure_on_grid(hip_extension_deg, _bridge_pose, body, t, params, st)
    segs = []
    for i, r in enumerate(reps):
        m = (t >= r.start) & (t <= r.end)
        top = float(ext[m].max())
        segs.append({"kind": "rep", "start_s": round(r.start, 3), "end_s": round(r.end, 3), "side": None,
                     "faults": {"lower_back_arch": _fault_entry("glute_bridge", "lower_back_arch", s_arch[i], top),
                                "incomplete_extension": _fault_entry("glute_bridge", "incomplete_extension",
                                                                     s_inc[i], top)}})
    info = {"severity": {"lower_back_arch": s_arch.tolist(), "incomplete_extension": s_inc.tolist()}, "reps": n,
            "top_target_deg": [round(e, 2) for e, _ in tops]}
    return Motion("glute_bridge", body, float(t[-1]), segs, t, params, {"hip_extension_deg": ext}, info, st,
                  _bridge_pose, lambda _t: [])


# =========================================================================================== public API
def make_motion(exercise: str, *, faults: dict[str, float | list[float]] | None = None, reps: int | None = None,
                seconds: float | None = None, body: BodyShape | None = None,
                rng: np.random.Generator, fault_onset_s: float | None = None, arms: str | None = None,
                legs: str | None = None) -> Motion:
    """Build a synthetic set of one exercise.

    Parameters
    ----------
    exercise : str
        One of :data:`MOTION_EXERCISES`.
    faults : dict, optional
        Fault id → severity in [0, 1], or a list with one severity per rep (rep exercises).
    reps : int, optional
        Number of reps (rep exercises; default drawn from ``rng``: 5–8, locked rotation 6–10 in
        blocks per side).
    seconds : float, optional
        Hold duration in seconds (plank; default 15–35 s). For rep exercises it caps the set: the rep
        count is reduced to fit when ``reps`` is None.
    body : BodyShape, optional
        Default :meth:`BodyShape.standard`.
    rng : numpy.random.Generator
        Source of all randomness (same seed → same motion).
    fault_onset_s : float, optional
        Plank: seconds after the hold starts when the fault begins to ramp in (fatigue onset).
    arms : str, optional
        Arm variant. Plank: ``"forearms"`` (default, the routine's plank) or ``"straight"`` (on the hands,
        arms straight: a high plank; gets in from kneeling only). Upper back roll: ``"crossed"`` (default:
        arms crossed on the chest) or ``"behind_head"`` (hands behind the head, elbows out). Locked rotation,
        the free arm: ``"reach"`` (default: hangs under the chest, opens with the thorax and reaches for the
        ceiling) or ``"behind_head"`` (hand behind the head, the elbow opens). The defaults are the variants
        MediaPipe reads (hands behind the head hide the wrists and MediaPipe misplaces the elbows by
        8-13 % of body height in 30° oblique views).
    legs : str, optional
        Plank: ``"together"`` (default: both knees lift / go down together) or ``"one_at_a_time"`` (gets in
        from kneeling stepping one leg back, then the other, and out one knee, then the other, as many people
        do; the hold starts once both legs are straight and ends when the first knee starts down).

    Raises
    ------
    UnknownExerciseError
        Unknown exercise or fault id.
    ValueError
        Severities outside [0, 1], a list of the wrong length, contradictory faults.
    """
    get_exercise(exercise)
    if exercise not in MOTION_EXERCISES:
        raise UnknownExerciseError(f"no motion program for {exercise!r}; available: {', '.join(MOTION_EXERCISES)}")
    body = body or BodyShape.standard()
    if arms is not None and arms not in {"upper_back_roll": ("crossed", "behind_head"),
                                         "lumbar_locked_rotation": ("reach", "behind_head"),
                                         "plank": ("forearms", "straight")}.get(exercise, ()):
        raise ValueError(f"unknown arm variant {arms!r} for {exercise}")
    if legs is not None and (exercise != "plank" or legs not in ("together", "one_at_a_time")):
        raise ValueError(f"unknown leg variant {legs!r} for {exercise}")
    if exercise == "plank":
        sev = _severities(faults, exercise, 1)
        return _make_plank(body, rng, sev, seconds, fault_onset_s, arms or "forearms", legs or "together")
    if exercise == "lumbar_locked_rotation":
        block = int(rng.integers(3, 6))
        n = _make_reps_common(rng, reps, (6, 10))
        if seconds is not None and reps is None:
            n = max(1, min(n, int(seconds / 3.2)))
        sev = _severities(faults, exercise, n)
        return _make_lumbar_locked_rotation(body, rng, sev, n, block, arms)
    n = _make_reps_common(rng, reps, (5, 8))
    if seconds is not None and reps is None:
        n = max(1, min(n, int(seconds / 3.5)))
    sev = _severities(faults, exercise, n)
    if exercise == "upper_back_roll":
        return _make_upper_back_roll(body, rng, sev, n, arms)
    return _make_glute_bridge(body, rng, sev, n)
