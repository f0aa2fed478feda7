"""Fast landmark-only path: a motion's ground-truth landmarks projected through a phone camera into
MediaPipe's output format, with MediaPipe-like errors (:class:`MediaPipeNoise`) — no rendering, no
MediaPipe.

Use it for quick, realistic :class:`~repcheck.landmarks.PoseTrack` s of every exercise (analysis
development, training-data augmentation). The noise figures are calibrated against MediaPipe run on
rendered clips of the same motions; ``docs/synth_calibration.md`` has the measurements and the command
that reproduces them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ..landmarks import LM, N_LANDMARKS, PoseTrack
from .camera import Camera
from .motions import Motion

__all__ = ["MediaPipeNoise", "project_track", "camera_for", "LEFT_RIGHT_PAIRS", "FAR_SIDE_GROUPS"]

#: (left index, right index) pairs of BlazePose landmarks, swapped by a left/right confusion.
LEFT_RIGHT_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (LM[n], LM[n.replace("left", "right")]) for n in LM if "left" in n
)
_LEGS = tuple(p for p in LEFT_RIGHT_PAIRS if p[0] >= LM["left_hip"])
_ARMS = tuple(p for p in LEFT_RIGHT_PAIRS if LM["left_shoulder"] <= p[0] < LM["left_hip"])

#: Landmarks whose error grows on the far side of the body (limbs).
FAR_SIDE_GROUPS = tuple(range(LM["left_shoulder"], N_LANDMARKS))


#: MediaPipe's errors measured on rendered clips of each exercise (docs/synth_calibration.md; lengths in
#: fractions of body height, per image axis). "default" serves exercises without their own figures.
CALIBRATED_NOISE: dict[str, dict[str, float]] = {
    # 18 side-view clips, 480x270 @ 10 fps, mediapipe 0.10.21 model_complexity=1 (3-6 clips per exercise).
    # bias/wander/jitter: shoulders, hips, knees; extremity_factor: elbows, wrists, hands, ankles, feet.
    # bias is half the measured clip-mean error: the other half is the same in every clip (where MediaPipe
    # puts a joint on this mannequin) and does not scatter; half reproduces the clip-to-clip scatter of the
    # fault proxies (plank +-0.8 % of the shoulder-ankle line, bridge +-2 deg).
    "default": dict(bias=0.0069, wander=0.0064, jitter=0.0011, extremity_factor=1.5, hip_bias=0.008, hip_shift=0.0,
                    far_side_factor=1.25, swap_rate_per_s=0.01, drop_rate_per_s=0.002, visibility_near=0.987,
                    visibility_far=0.49, depth_scale=2.7),
    # jitter from the two real side-view planks (0.0020-0.0024 RMS; renders gave 0.0012)
    "plank": dict(bias=0.0060, wander=0.0057, jitter=0.0015, extremity_factor=1.5, hip_shift=0.0076,
                  far_side_factor=1.27, swap_rate_per_s=0.0, visibility_near=0.977, visibility_far=0.44,
                  depth_scale=3.1),
    # the arms (hands behind the head) move a lot: extremities drift 4x more than the trunk
    "upper_back_roll": dict(bias=0.0069, wander=0.0065, jitter=0.0011, extremity_factor=3.0, hip_shift=0.0003,
                            far_side_factor=1.34, swap_rate_per_s=0.0, visibility_near=0.99, visibility_far=0.54,
                            depth_scale=2.56),
    # kneeling + trunk rotation (knees apart, elbow planted between them): MediaPipe's worst case for hands
    # and feet (5-6x the trunk's error, the far side 2x the near); the trunk itself is read well
    "lumbar_locked_rotation": dict(bias=0.0054, wander=0.0106, jitter=0.0030, extremity_factor=5.5, hip_shift=0.0,
                                   far_side_factor=2.0, swap_rate_per_s=0.03, swap_duration_s=(0.5, 2.0),
                                   visibility_near=0.964, visibility_far=0.41, depth_scale=2.28),
    "glute_bridge": dict(bias=0.0066, wander=0.0056, jitter=0.0010, extremity_factor=1.6, hip_shift=-0.0083,
                         far_side_factor=1.25, swap_rate_per_s=0.0, visibility_near=0.995, visibility_far=0.53,
                         depth_scale=2.37),
}

_FIELDS_DEFAULTS: dict[str, object] = dict(wander_tau_s=1.0, swap_duration_s=(0.3, 1.5), drop_duration_s=(0.1, 0.5),
                                           visibility_sd=0.04, extremity_factor=1.0, oblique_factor=0.8)

#: Hands and feet (wrists and elbows included): where MediaPipe's errors concentrate in awkward poses.
_EXTREMITIES = tuple(LM[n] for n in LM if n.split("_", 1)[-1] in (
    "elbow", "wrist", "pinky", "index", "thumb", "ankle", "heel", "foot_index"))


@dataclass(frozen=True)
class MediaPipeNoise:
    """How MediaPipe's output differs from the true landmarks. Lengths are fractions of body height
    (so they scale with the person's size in the frame), per image axis; times in seconds.

    A field left at None takes the figure calibrated for the exercise being projected
    (:data:`CALIBRATED_NOISE`), so ``MediaPipeNoise()`` is "like MediaPipe on this exercise";
    set a field to override it (``MediaPipeNoise(drop_rate_per_s=0.5)``).

    Attributes
    ----------
    bias : float
        Standard deviation of a per-clip, per-landmark offset (systematic placement error).
    wander : float
        Standard deviation of the slow drift of each landmark around that offset.
    wander_tau_s : float
        Correlation time of the drift.
    jitter : float
        Standard deviation of the frame-to-frame wobble.
    hip_bias : float
        Standard deviation of a per-clip shift of both hip landmarks along the trunk.
    hip_shift : float
        Mean shift of both hip landmarks along the trunk (towards the shoulders positive) on top of
        :data:`~repcheck.synth.body.MP_HIP_OFFSET` (MediaPipe's hip height depends on the pose).
    far_side_factor : float
        Error multiplier for limb landmarks on the side away from the camera.
    extremity_factor : float
        Error multiplier for elbows, wrists, hands, ankles and feet.
    oblique_factor : float
        Errors grow as the camera turns from side-on: every length above is multiplied by
        ``1 + oblique_factor * |sin(yaw)|`` (yaw 0 = side-on; 30° oblique clips measured ≈ 1.3–1.8×).
    swap_rate_per_s : float
        Rate of left/right confusion episodes (legs, arms or the whole body swap labels).
    swap_duration_s : tuple of float
        (min, max) length of a swap episode.
    drop_rate_per_s : float
        Rate of episodes where no person is found (all-NaN rows).
    drop_duration_s : tuple of float
        (min, max) length of a dropout.
    visibility_near, visibility_far : float
        Typical visibility of limb landmarks on the near / far side of the body.
    visibility_sd : float
        Frame-to-frame spread of visibility.
    depth_scale : float
        MediaPipe's relative z is the true relative depth (scaled like x) times this.
    """

    bias: float | None = None
    wander: float | None = None
    wander_tau_s: float | None = None
    jitter: float | None = None
    hip_bias: float | None = None
    hip_shift: float | None = None
    far_side_factor: float | None = None
    extremity_factor: float | None = None
    oblique_factor: float | None = None
    swap_rate_per_s: float | None = None
    swap_duration_s: tuple[float, float] | None = None
    drop_rate_per_s: float | None = None
    drop_duration_s: tuple[float, float] | None = None
    visibility_near: float | None = None
    visibility_far: float | None = None
    visibility_sd: float | None = None
    depth_scale: float | None = None

    @classmethod
    def none(cls) -> MediaPipeNoise:
        """No errors at all (visibility still reflects the near/far side, z the true depth)."""
        return cls(bias=0.0, wander=0.0, jitter=0.0, hip_bias=0.0, hip_shift=0.0, swap_rate_per_s=0.0,
                   drop_rate_per_s=0.0, visibility_sd=0.0, depth_scale=1.0)

    def resolved(self, exercise: str | None = None) -> MediaPipeNoise:
        """Every None field replaced by the figure calibrated for ``exercise``."""
        table = {**_FIELDS_DEFAULTS, **CALIBRATED_NOISE["default"], **CALIBRATED_NOISE.get(exercise or "", {})}
        vals = {k: (table[k] if v is None else v) for k, v in asdict(self).items()}
        return MediaPipeNoise(**vals)


def _episodes(n: int, fps: float, rate: float, dur: tuple[float, float], rng: np.random.Generator) -> np.ndarray:
    """Boolean mask (n,) of random episodes (Poisson starts at ``rate`` per second)."""
    mask = np.zeros(n, bool)
    if rate <= 0 or n == 0:
        return mask
    starts = np.flatnonzero(rng.random(n) < rate / fps)
    for s in starts:
        length = max(1, int(round(rng.uniform(*dur) * fps)))
        mask[s:s + length] = True
    return mask


def _smooth_noise(shape: tuple[int, ...], tau_frames: float, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance gaussian noise correlated over ``tau_frames`` along axis 0."""
    w = rng.standard_normal(shape)
    if tau_frames > 0.5 and shape[0] > 1:
        w = gaussian_filter1d(w, tau_frames, axis=0, mode="nearest")
        sd = w.std(axis=0, keepdims=True)
        w = w / np.where(sd > 0, sd, 1.0)
    return w


def _obliqueness(motion: Motion, camera: Camera) -> float:
    """|sin| of the camera's yaw away from side-on (0 side-on, 1 looking along the body)."""
    fwd = np.array(camera.axes[2], float)
    h = np.array([fwd[0], 0.0, fwd[2]])
    n = np.linalg.norm(h)
    if n < 1e-6:
        return 0.0
    hd = np.array(motion.head_dir, float)
    hd = hd / max(np.linalg.norm(hd), 1e-9)
    return float(abs(h @ hd) / n)


def project_track(motion: Motion, camera: Camera, fps: float, *, rng: np.random.Generator,
                  noise: MediaPipeNoise | None = None, start_s: float = 0.0,
                  end_s: float | None = None) -> PoseTrack:
    """Project a motion's ground-truth landmarks into MediaPipe's output format.

    Parameters
    ----------
    motion : Motion
        From :func:`repcheck.synth.motions.make_motion`.
    camera : Camera
        The phone (world frame y up, metres).
    fps : float
        Samples per second.
    rng : numpy.random.Generator
        Source of the noise (same seed → identical arrays).
    noise : MediaPipeNoise, optional
        Errors to add; None gives the exact projection of the ground truth.
    start_s, end_s : float
        Time span to sample (default: the whole motion).

    Returns
    -------
    PoseTrack
        ``image`` (T, 33, 4): x, y normalised to the frame, z relative depth (hip midpoint ≈ 0, scaled
        like x), visibility; ``world`` (T, 33, 4): metres, origin at the hip midpoint, camera-aligned axes
        with y DOWN (MediaPipe's convention); dropped frames are all-NaN rows. ``source`` holds the
        camera, noise and motion ground truth.
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    end = motion.duration_s if end_s is None else min(float(end_s), motion.duration_s)
    t = np.arange(float(start_s), end + 1e-9, 1.0 / fps)
    T = t.size
    P = motion.landmarks(t)  # (T, 33, 3) world, y up
    H = motion.body.height
    right, up, fwd = camera.axes
    cam_pos = np.asarray(camera.position, float)
    # which side of the body faces the camera: the left landmarks are nearer when their depth is smaller
    depth_true = (P - cam_pos) @ fwd
    left_idx = np.array([a for a, _ in LEFT_RIGHT_PAIRS])
    right_idx = np.array([b for _, b in LEFT_RIGHT_PAIRS])
    left_near = depth_true[:, left_idx].mean(axis=1) < depth_true[:, right_idx].mean(axis=1)  # (T,)
    far = np.zeros((T, N_LANDMARKS), bool)
    far[np.ix_(left_near, right_idx)] = True
    far[np.ix_(~left_near, left_idx)] = True

    swap = np.zeros(T, bool)
    drop = np.zeros(T, bool)
    if noise is not None:
        n = noise = noise.resolved(motion.exercise)
        Q = P.copy()
        mult = np.where(far, n.far_side_factor, 1.0)
        mult[:, :LM["left_shoulder"]] = 1.0
        mult[:, list(_EXTREMITIES)] *= n.extremity_factor
        mult *= 1.0 + n.oblique_factor * _obliqueness(motion, camera)
        if n.bias > 0:
            Q += n.bias * H * mult[..., None] * rng.standard_normal((1, N_LANDMARKS, 3))
        if n.wander > 0:
            Q += n.wander * H * mult[..., None] * _smooth_noise((T, N_LANDMARKS, 3), n.wander_tau_s * fps, rng)
        if n.hip_bias > 0 or n.hip_shift != 0:
            # shift both hips along the shoulder→hip direction (up the trunk positive)
            sh = 0.5 * (P[:, LM["left_shoulder"]] + P[:, LM["right_shoulder"]])
            hp = 0.5 * (P[:, LM["left_hip"]] + P[:, LM["right_hip"]])
            d = sh - hp
            d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
            hb = (n.hip_shift + rng.normal(0.0, n.hip_bias)) * H
            for k in (LM["left_hip"], LM["right_hip"]):
                Q[:, k] += hb * d
        if n.jitter > 0:
            Q += n.jitter * H * mult[..., None] * rng.standard_normal((T, N_LANDMARKS, 3))
        swap_kind = rng.integers(0, 3)
        swap = _episodes(T, fps, n.swap_rate_per_s, n.swap_duration_s, rng)
        drop = _episodes(T, fps, n.drop_rate_per_s, n.drop_duration_s, rng)
    else:
        Q = P
        swap_kind = 0

    uv, depth = camera.project(Q)
    W, Hp = camera.width, camera.height
    mid = 0.5 * (Q[:, LM["left_hip"]] + Q[:, LM["right_hip"]])  # (T, 3)
    d_mid = (mid - cam_pos) @ fwd
    scale = (noise.depth_scale if noise is not None else 1.0)
    z = scale * camera.focal_px * (depth - d_mid[:, None]) / (np.maximum(d_mid[:, None], 1e-6) * W)
    image = np.empty((T, N_LANDMARKS, 4))
    image[..., 0] = uv[..., 0] / W
    image[..., 1] = uv[..., 1] / Hp
    image[..., 2] = z

    vis = np.where(far, 0.41, 0.98)
    vis[:, :LM["left_shoulder"]] = np.where(far[:, :LM["left_shoulder"]], 0.9, 0.99)
    if noise is not None:
        vis = np.where(far, noise.visibility_far, noise.visibility_near)
        vis[:, :LM["left_shoulder"]] = np.where(far[:, :LM["left_shoulder"]], 0.9, 0.99)
        if noise.visibility_sd > 0:
            vis = vis + noise.visibility_sd * _smooth_noise((T, N_LANDMARKS), 0.2 * fps, rng)
    out = (image[..., 0] < 0) | (image[..., 0] > 1) | (image[..., 1] < 0) | (image[..., 1] > 1) | (depth <= 0)
    vis = np.where(out, 0.15 * vis, vis)
    vis = np.clip(vis, 0.0, 1.0)
    image[..., 3] = vis

    rel = Q - mid[:, None, :]
    world = np.empty((T, N_LANDMARKS, 4))
    world[..., 0] = rel @ right
    world[..., 1] = -(rel @ up)
    world[..., 2] = rel @ fwd
    world[..., 3] = vis

    if swap.any():
        pairs = (_LEGS, _ARMS, LEFT_RIGHT_PAIRS)[int(swap_kind)]
        a = np.array([p[0] for p in pairs])
        b = np.array([p[1] for p in pairs])
        for arr in (image, world):
            tmp = arr[swap][:, a].copy()
            sub = arr[swap]
            sub[:, a] = sub[:, b]
            sub[:, b] = tmp
            arr[swap] = sub
    # no person: dropped frames, or the body mostly outside the frame / behind the camera
    lost = drop | (out.mean(axis=1) > 0.5) | (d_mid <= 0.1)
    image[lost] = np.nan
    world[lost] = np.nan

    source = {
        "generator": "repcheck.synth.landmark_tracks.project_track",
        "exercise": motion.exercise,
        "camera": {"position": list(map(float, camera.position)), "target": list(map(float, camera.target)),
                   "width": W, "height": Hp, "hfov_deg": camera.hfov_deg, "roll_deg": camera.roll_deg},
        "noise": None if noise is None else asdict(noise),
        "swapped_frames": int(swap.sum()),
        "dropped_frames": int(lost.sum()),
        "segments": motion.segments,
        "motion": motion.info,
        "body": asdict(motion.body),
    }
    return PoseTrack(image=image, t=t, frame_size=(W, Hp), fps=float(fps), world=world, source=source)


def camera_for(motion: Motion, rng: np.random.Generator, *, view: str | None = "side",
               size: tuple[int, int] = (480, 270)) -> Camera:
    """A phone placement for ``motion`` drawn like the renderer's (:func:`repcheck.synth.scene.sample_camera`),
    framing the whole motion."""
    from .scene import sample_camera

    pts = motion.landmarks(np.linspace(0.0, motion.duration_s, 16)).reshape(-1, 3)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    center = tuple(float(v) for v in 0.5 * (lo + hi))
    length = float(max(hi[0] - lo[0], hi[1] - lo[1], 0.8))
    cam, _info = sample_camera(rng, view=view, body_center=center, body_length=length, size=size,
                               head_dir=motion.head_dir, points=pts)
    return cam


# =========================================================================================== calibration
_LIMBS = tuple(range(LM["left_shoulder"], LM["left_pinky"])) + tuple(range(LM["left_hip"], LM["left_heel"]))
_CORE = tuple(LM[f"{s}_{n}"] for s in ("left", "right") for n in ("shoulder", "hip", "knee"))
_SWAP_CHECK = (LM["left_hip"], LM["left_knee"], LM["left_ankle"], LM["left_shoulder"], LM["left_elbow"])


def _mid(px: np.ndarray, name: str) -> np.ndarray:
    return 0.5 * (px[:, LM[f"left_{name}"]] + px[:, LM[f"right_{name}"]])


def proxy_values(exercise: str, px: np.ndarray, t: np.ndarray, segments: list[dict]) -> list[float]:
    """One simple landmark measure per ground-truth segment, from image landmarks in pixels.

    Used to check that a fault is visible in 2-D landmarks (ground truth, the fast path, or MediaPipe).
    Mid-points of left/right pairs make every measure immune to left/right swaps.

    Parameters
    ----------
    exercise : str
    px : ndarray of shape (T, 33, 2)
        Pixels (x right, y down); NaN rows allowed.
    t : ndarray of shape (T,)
        Seconds, on the same clock as ``segments``.
    segments : list of dict
        Ground-truth segments (``start_s``, ``end_s``).

    Returns
    -------
    list of float
        plank: hip offset from the shoulder–ankle line, % of that line (+ = above), median of the hold's
        second half; upper_back_roll: hip rise during the rep, % of trunk length; lumbar_locked_rotation:
        largest hip displacement relative to the knees, % of thigh length; glute_bridge: top-of-rep angle
        past the shoulder–hip–knee line, degrees (+ = hips above the line).
    """
    up = np.array([0.0, -1.0])
    S, H, K, A = _mid(px, "shoulder"), _mid(px, "hip"), _mid(px, "knee"), _mid(px, "ankle")
    out = []
    for seg in segments:
        a, b = float(seg["start_s"]), float(seg["end_s"])
        m = (t >= a) & (t <= b) & np.isfinite(H[:, 0])
        pre = (t >= a - 0.6) & (t < a + 0.05) & np.isfinite(H[:, 0])
        if not m.any():
            out.append(float("nan"))
            continue
        if exercise == "plank":
            m = m & (t >= a + 0.5 * (b - a))
            d = A[m] - S[m]
            L = np.linalg.norm(d, axis=1)
            n = np.stack([-d[:, 1], d[:, 0]], axis=1) / L[:, None]
            n = n * np.sign(n @ up)[:, None]
            out.append(float(np.median(((H[m] - S[m]) * n).sum(axis=1) / L) * 100))
        elif exercise == "upper_back_roll":
            torso = np.nanmedian(np.linalg.norm(S - H, axis=1))
            h = H @ up
            base = np.median(h[pre]) if pre.any() else np.min(h[m])
            out.append(float((np.max(h[m]) - base) / torso * 100))
        elif exercise == "lumbar_locked_rotation":
            rel = H - K
            thigh = np.nanmedian(np.linalg.norm(rel, axis=1))
            base = np.median(rel[pre], axis=0) if pre.any() else rel[m][0]
            out.append(float(np.max(np.linalg.norm(rel[m] - base, axis=1)) / thigh * 100))
        elif exercise == "glute_bridge":
            d1, d2 = H[m] - S[m], K[m] - H[m]
            cross = d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]
            ang = np.degrees(np.arctan2(np.abs(cross), (d1 * d2).sum(axis=1)))
            sk = K[m] - S[m]
            n = np.stack([-sk[:, 1], sk[:, 0]], axis=1)
            n = n * np.sign(n @ up)[:, None]
            sign = np.sign(((H[m] - S[m]) * n).sum(axis=1))
            out.append(float(np.max(ang * sign)))
        else:
            raise ValueError(f"no proxy for {exercise!r}")
    return out


def landmark_errors(detected: np.ndarray, truth_px: np.ndarray, size: tuple[int, int], body_px: np.ndarray,
                    far: np.ndarray, anat_hip_px: np.ndarray | None = None) -> dict[str, float]:
    """Compare MediaPipe image landmarks with the projected ground truth of one clip.

    Parameters
    ----------
    detected : ndarray of shape (T, 33, 4)
        MediaPipe output (normalised), NaN rows where nobody was found.
    truth_px : ndarray of shape (T, 33, 2)
        Ground truth in pixels.
    size : tuple of int
        (width, height).
    body_px : ndarray of shape (T,)
        Body height in pixels (errors are reported as fractions of it).
    far : ndarray of shape (T, 33) of bool
        Landmarks on the side away from the camera.
    anat_hip_px : ndarray of shape (T, 2, 2), optional
        Anatomical hip-joint centres (left, right) in pixels.

    Returns
    -------
    dict
        detection rate, swap rate, per-clip bias and jitter of limb landmarks (fractions of body height),
        near/far error ratio, hip offset along the trunk, visibility near/far, z scale.
    """
    w, h = size
    ok = np.isfinite(detected[:, 0, 0])
    res: dict[str, float] = {"frames": int(len(ok)), "detection": float(ok.mean())}
    if ok.sum() < 5:
        return res
    D = detected[ok]
    mp = D[..., :2] * np.array([w, h])
    gt = truth_px[ok]
    bp = body_px[ok][:, None]
    fa = far[ok]
    # left/right swaps: the swapped labelling fits the truth better
    li = np.array(_SWAP_CHECK)
    ri = li + 1
    def _e(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.linalg.norm(x - y, axis=-1).sum(1)

    e_keep = _e(mp[:, li], gt[:, li]) + _e(mp[:, ri], gt[:, ri])
    e_swap = _e(mp[:, li], gt[:, ri]) + _e(mp[:, ri], gt[:, li])
    swapped = e_swap < 0.6 * e_keep
    res["swap_rate"] = float(swapped.mean())
    mp = mp.copy()
    for a, b in LEFT_RIGHT_PAIRS:
        tmp = mp[swapped, a].copy()
        mp[swapped, a] = mp[swapped, b]
        mp[swapped, b] = tmp
    r = (mp - gt) / bp[..., None]  # (T, 33, 2) fraction of body height
    limbs = np.array(_LIMBS)
    err = np.linalg.norm(r, axis=-1)
    res["error_median"] = float(np.median(err[:, limbs]))
    bias = r.mean(axis=0)  # (33, 2)
    res["bias_rms"] = float(np.sqrt((bias[limbs] ** 2).sum(-1).mean()))
    dev = r - bias
    res["wander_rms"] = float(np.sqrt((dev[:, limbs] ** 2).sum(-1).mean()))
    dd = np.diff(r, axis=0)
    res["jitter_rms"] = float(np.sqrt((dd[:, limbs] ** 2).sum(-1).mean() / 2))
    for name, idx in (("core", np.array(_CORE)), ("extremity", np.array(_EXTREMITIES))):
        res[f"bias_rms_{name}"] = float(np.sqrt((bias[idx] ** 2).sum(-1).mean()))
        res[f"wander_rms_{name}"] = float(np.sqrt((dev[:, idx] ** 2).sum(-1).mean()))
        res[f"jitter_rms_{name}"] = float(np.sqrt((dd[:, idx] ** 2).sum(-1).mean() / 2))
    near_e = err[:, limbs][~fa[:, limbs]]
    far_e = err[:, limbs][fa[:, limbs]]
    res["far_near_ratio"] = float(np.median(far_e) / max(np.median(near_e), 1e-9)) if far_e.size else float("nan")
    vis = D[..., 3]
    res["visibility_near"] = float(np.median(vis[:, limbs][~fa[:, limbs]]))
    res["visibility_far"] = float(np.median(vis[:, limbs][fa[:, limbs]])) if far_e.size else float("nan")
    sh = 0.5 * (gt[:, LM["left_shoulder"]] + gt[:, LM["right_shoulder"]])
    hp = 0.5 * (gt[:, LM["left_hip"]] + gt[:, LM["right_hip"]])
    along = (sh - hp) / np.maximum(np.linalg.norm(sh - hp, axis=1, keepdims=True), 1e-9)
    mph = 0.5 * (mp[:, LM["left_hip"]] + mp[:, LM["right_hip"]])
    res["hip_along_trunk"] = float(np.median(((mph - hp) * along).sum(1) / bp[:, 0]))
    perp = np.stack([-along[:, 1], along[:, 0]], 1)
    perp = perp * np.sign(perp @ np.array([0.0, -1.0]))[:, None]
    res["hip_up_perp"] = float(np.median(((mph - hp) * perp).sum(1) / bp[:, 0]))
    if anat_hip_px is not None:
        ah = anat_hip_px[ok].mean(axis=1)
        res["hip_vs_joint_along"] = float(np.median(((mph - ah) * along).sum(1) / bp[:, 0]))
        res["hip_vs_joint_up"] = float(np.median(((mph - ah) * perp).sum(1) / bp[:, 0]))
    return res


CALIBRATION_SET: tuple[tuple[str, str, float], ...] = tuple(
    (ex, f, s)
    for ex, f in (("plank", "hips_sag"), ("plank", "hips_pike"), ("upper_back_roll", "lower_back_arch"),
                  ("lumbar_locked_rotation", "hips_move"), ("glute_bridge", "lower_back_arch"),
                  ("glute_bridge", "incomplete_extension"))
    for s in (0.0, 0.5, 1.0)
)


def calibrate(*, seed: int = 0, fps: float = 10.0, size: tuple[int, int] = (480, 270),
              views: tuple[str, ...] = ("side",),
              cases: tuple[tuple[str, str, float], ...] = CALIBRATION_SET, reps: int = 2, hold_s: float = 8.0,
              log: bool = True) -> list[dict]:
    """Render clips with the product renderer, run MediaPipe on them, and compare with the ground truth
    and with this module's fast path.

    Returns one dict per (case, view): errors (:func:`landmark_errors`) and per-segment proxies for the
    ground truth (``proxy_gt``), MediaPipe (``proxy_mp``) and the fast path (``proxy_fast``).
    """
    from .clip import plan_clip
    from .contact_sheet import run_mediapipe

    rows = []
    for k, (ex, fault, sev) in enumerate(cases):
        for view in views:
            s = seed + 101 * k + (0 if view == "side" else 7)
            plan = plan_clip(ex, fault=fault, severity=sev, reps=None if ex == "plank" else reps,
                             seconds=hold_s if ex == "plank" else None, seed=s, view=view, size=size, fps=fps)
            det = run_mediapipe(plan.iter_frames())
            cam, m = plan.camera, plan.motion
            times = plan.t0 + plan.times
            gt_px, depth = cam.project(plan.landmarks_world)
            sks = m.skeletons(times)
            anat = np.stack([[sk["left_hip"], sk["right_hip"]] for sk in sks])
            anat_px, _ = cam.project(anat)
            d_mid = depth[:, [LM["left_hip"], LM["right_hip"]]].mean(1)
            body_px = cam.focal_px * m.body.height / d_mid
            li = np.array([a for a, _ in LEFT_RIGHT_PAIRS])
            ri = np.array([b for _, b in LEFT_RIGHT_PAIRS])
            left_near = depth[:, li].mean(1) < depth[:, ri].mean(1)
            far = np.zeros(depth.shape, bool)
            far[np.ix_(left_near, ri)] = True
            far[np.ix_(~left_near, li)] = True
            err = landmark_errors(det, gt_px, plan.size, body_px, far, anat_px)
            fast = project_track(m, cam, fps, rng=np.random.default_rng(s), noise=MediaPipeNoise(),
                                 start_s=plan.t0, end_s=plan.t0 + plan.times[-1] + 0.5 / fps)
            segs = m.segments
            fid = fault
            row = {"exercise": ex, "fault": fault, "severity": sev, "view": view, "seed": s,
                   "camera": plan.truth["params"]["camera"], **err,
                   "truth": [sg["faults"][fid]["value"] for sg in segs],
                   "labels": [sg["faults"][fid]["label"] for sg in segs],
                   "proxy_gt": proxy_values(ex, gt_px, times, segs),
                   "proxy_mp": proxy_values(ex, det[..., :2] * np.array(plan.size), times, segs),
                   "proxy_fast": proxy_values(ex, fast.pixels(), fast.t, segs)}
            if np.isfinite(det[:, 0, 2]).any():
                ok = np.isfinite(det[:, 0, 2])
                gz = (depth - d_mid[:, None]) * cam.focal_px / (d_mid[:, None] * plan.size[0])
                a, b = gz[ok][:, list(_LIMBS)].ravel(), det[ok][:, list(_LIMBS), 2].ravel()
                row["z_scale"] = float((a @ b) / max(a @ a, 1e-12))
                row["z_corr"] = float(np.corrcoef(a, b)[0, 1])
            rows.append(row)
            if log:
                brief = {k2: (round(v, 4) if isinstance(v, float) else v) for k2, v in row.items()
                         if k2 not in ("camera",)}
                print(brief, flush=True)
    return rows


def refresh_fast_proxies(row: dict, *, fps: float = 10.0, size: tuple[int, int] = (480, 270), reps: int = 2,
                         hold_s: float = 8.0) -> dict:
    """Recompute ``proxy_fast`` of a :func:`calibrate` row with the current noise model (no rendering)."""
    from .clip import plan_clip

    ex = row["exercise"]
    plan = plan_clip(ex, fault=row["fault"], severity=row["severity"], reps=None if ex == "plank" else reps,
                     seconds=hold_s if ex == "plank" else None, seed=row["seed"], view=row["view"], size=size, fps=fps)
    m = plan.motion
    fast = project_track(m, plan.camera, fps, rng=np.random.default_rng(row["seed"]), noise=MediaPipeNoise(),
                         start_s=plan.t0, end_s=plan.t0 + plan.times[-1] + 0.5 / fps)
    return {**row, "proxy_fast": proxy_values(ex, fast.pixels(), fast.t, m.segments)}


_ERROR_KEYS = ("detection", "swap_rate", "error_median", "bias_rms", "wander_rms", "jitter_rms", "bias_rms_core",
               "wander_rms_core", "jitter_rms_core", "bias_rms_extremity", "wander_rms_extremity",
               "jitter_rms_extremity", "far_near_ratio",
               "visibility_near", "visibility_far", "hip_along_trunk", "hip_up_perp", "hip_vs_joint_along",
               "hip_vs_joint_up", "z_scale", "z_corr")


def summarize(rows: list[dict]) -> str:
    """Markdown tables of :func:`calibrate` rows: MediaPipe error figures per exercise, and the proxy
    measure per fault and severity for the ground truth, MediaPipe and the fast path."""
    lines = ["| exercise | clips | " + " | ".join(_ERROR_KEYS) + " |", "|---" * (len(_ERROR_KEYS) + 2) + "|"]
    exs = sorted({r["exercise"] for r in rows}, key=lambda e: [r["exercise"] for r in rows].index(e))
    for ex in exs + ["all"]:
        rs = [r for r in rows if ex in ("all", r["exercise"])]
        vals = []
        for k in _ERROR_KEYS:
            v = [r[k] for r in rs if k in r and r[k] is not None and np.isfinite(r[k])]
            vals.append(f"{np.median(v):.4f}" if v else "–")
        lines.append(f"| {ex} | {len(rs)} | " + " | ".join(vals) + " |")
    lines += ["", "| exercise / fault | severity | truth value | label | proxy: ground truth | proxy: MediaPipe | "
              "proxy: fast path |", "|---|---|---|---|---|---|---|"]

    def fmt(v: list) -> str:
        v = [x for x in v if x is not None and np.isfinite(x)]
        return ", ".join(f"{x:.1f}" for x in v) if v else "–"

    for r in rows:
        lines.append(f"| {r['exercise']} / {r['fault']} | {r['severity']:.1f} | {fmt(r['truth'])} | "
                     f"{', '.join('F' if x else 'ok' for x in r['labels'])} | {fmt(r['proxy_gt'])} | "
                     f"{fmt(r['proxy_mp'])} | {fmt(r['proxy_fast'])} |")
    return "\n".join(lines)


def real_footage_figures(path: str, *, size: tuple[int, int] = (480, 270), step: int = 3) -> dict[str, float]:
    """MediaPipe's jitter, wander and visibility on a real side-view clip (no ground truth needed).

    Frames are resized to ``size`` and every ``step``-th is used (30 fps → 10 fps, like the calibration
    renders). Body height in pixels is taken as the shoulder–ankle distance / 0.77.
    """
    import cv2

    from .contact_sheet import run_mediapipe

    cap = cv2.VideoCapture(str(path))
    frames = []
    i = 0
    while True:
        ok, im = cap.read()
        if not ok:
            break
        if i % step == 0:
            frames.append(cv2.resize(im, size, interpolation=cv2.INTER_AREA))
        i += 1
    cap.release()
    det = run_mediapipe(frames)
    ok = np.isfinite(det[:, 0, 0])
    res: dict[str, float] = {"frames": len(frames), "detection": float(ok.mean()) if len(frames) else 0.0}
    if ok.sum() < 3:
        return res
    px = det[ok][..., :2] * np.array(size)
    limbs = list(_LIMBS)
    body = float(np.median(np.linalg.norm(_mid(px, "shoulder") - _mid(px, "ankle"), axis=1)) / 0.77)
    d = np.diff(px[:, limbs], axis=0) / body
    res["jitter_rms"] = float(np.sqrt((d**2).sum(-1).mean() / 2))
    dev = (px[:, limbs] - px[:, limbs].mean(0)) / body
    res["wander_rms"] = float(np.sqrt((dev**2).sum(-1).mean()))
    vis = det[ok][..., 3]
    left = [LM[f"left_{n}"] for n in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")]
    right = [LM[f"right_{n}"] for n in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")]
    near, far = (left, right) if vis[:, left].mean() > vis[:, right].mean() else (right, left)
    res["visibility_near"] = float(np.median(vis[:, near]))
    res["visibility_far"] = float(np.median(vis[:, far]))
    return res


def main(argv: list[str] | None = None) -> int:
    """``python -m repcheck.synth.landmark_tracks --json OUT`` — run :func:`calibrate` and save the rows."""
    import argparse
    import json

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--json", required=True)
    ap.add_argument("--real", nargs="+", default=None, metavar="VIDEO",
                    help="measure MediaPipe's jitter/visibility on real side-view clips instead of calibrating")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--views", default="side")
    ap.add_argument("--only", default="", help="comma-separated exercise ids to run (default: all)")
    ap.add_argument("--severities", default="0,0.5,1", help="comma-separated severities to render")
    ap.add_argument("--summarize", action="store_true", help="only print the tables of an existing --json file")
    ap.add_argument("--refresh-fast", action="store_true",
                    help="recompute the fast-path proxies of an existing --json file with the current noise model "
                         "(no rendering) and save it")
    a = ap.parse_args(argv)
    if a.real:
        figs = {path: real_footage_figures(path) for path in a.real}
        with open(a.json, "w") as fh:
            json.dump(figs, fh, indent=1)
        print(json.dumps(figs, indent=1))
        return 0
    if a.summarize or a.refresh_fast:
        with open(a.json) as fh:
            rows = json.load(fh)
        if a.refresh_fast:
            rows = [refresh_fast_proxies(r, fps=a.fps) for r in rows]
            with open(a.json, "w") as fh:
                json.dump(rows, fh, indent=1)
        print(summarize(rows))
        return 0
    sevs = {float(x) for x in a.severities.split(",")}
    cases = tuple(c for c in CALIBRATION_SET if (not a.only or c[0] in a.only.split(",")) and c[2] in sevs)
    rows = calibrate(seed=a.seed, fps=a.fps, views=tuple(a.views.split(",")), cases=cases)
    with open(a.json, "w") as fh:
        json.dump(rows, fh, indent=1)
    print(summarize(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
