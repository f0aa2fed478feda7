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


@dataclass(frozen=True)
class MediaPipeNoise:
    """How MediaPipe's output differs from the true landmarks. Lengths are fractions of body height
    (so they scale with the person's size in the frame); times in seconds.

    Attributes
    ----------
    jitter : float
        Standard deviation of the frame-to-frame landmark wobble (fraction of body height).
    jitter_tau_s : float
        Correlation time of that wobble (MediaPipe's tracker smooths over a few frames).
    bias : float
        Standard deviation of a slowly drifting per-landmark offset (systematic placement error).
    bias_tau_s : float
        Correlation time of the drifting offset.
    hip_bias : float
        Standard deviation of a per-clip shift of both hip landmarks along the trunk (fraction of body
        height; MediaPipe's hip height depends on clothing and view).
    far_side_factor : float
        Error multiplier for limb landmarks on the side away from the camera.
    swap_rate_per_s : float
        Rate of left/right confusion episodes (legs, arms or the whole body swap labels).
    swap_duration_s : tuple of float
        (min, max) length of a swap episode.
    drop_rate_per_s : float
        Rate of episodes where no person is found (all-NaN rows).
    drop_duration_s : tuple of float
        (min, max) length of a dropout.
    visibility_near, visibility_far : float
        Typical visibility of landmarks on the near / far side of the body.
    visibility_sd : float
        Frame-to-frame spread of visibility.
    depth_scale : float
        MediaPipe's relative z is compressed and noisy: true relative depth is multiplied by this.
    """

    jitter: float = 0.0025
    jitter_tau_s: float = 0.06
    bias: float = 0.008
    bias_tau_s: float = 3.0
    hip_bias: float = 0.008
    far_side_factor: float = 1.8
    swap_rate_per_s: float = 0.01
    swap_duration_s: tuple[float, float] = (0.2, 1.5)
    drop_rate_per_s: float = 0.005
    drop_duration_s: tuple[float, float] = (0.1, 0.5)
    visibility_near: float = 0.98
    visibility_far: float = 0.80
    visibility_sd: float = 0.04
    depth_scale: float = 0.6

    @classmethod
    def none(cls) -> MediaPipeNoise:
        """No errors at all (visibility still reflects near/far side)."""
        return cls(jitter=0.0, bias=0.0, hip_bias=0.0, swap_rate_per_s=0.0, drop_rate_per_s=0.0,
                   visibility_sd=0.0, depth_scale=1.0)

    @classmethod
    def calibrated(cls) -> MediaPipeNoise:
        """The figures measured against MediaPipe on rendered clips (docs/synth_calibration.md)."""
        return cls()


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
        n = noise
        Q = P.copy()
        mult = np.where(far, n.far_side_factor, 1.0)
        mult[:, :LM["left_shoulder"]] = 1.0
        if n.bias > 0:
            Q += n.bias * H * mult[..., None] * _smooth_noise((T, N_LANDMARKS, 3), n.bias_tau_s * fps, rng)
        if n.hip_bias > 0:
            # shift both hips along the shoulder→hip direction (up the trunk positive)
            sh = 0.5 * (P[:, LM["left_shoulder"]] + P[:, LM["right_shoulder"]])
            hp = 0.5 * (P[:, LM["left_hip"]] + P[:, LM["right_hip"]])
            d = sh - hp
            d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
            hb = rng.normal(0.0, n.hip_bias) * H
            for k in (LM["left_hip"], LM["right_hip"]):
                Q[:, k] += hb * d
        if n.jitter > 0:
            Q += n.jitter * H * mult[..., None] * _smooth_noise((T, N_LANDMARKS, 3), n.jitter_tau_s * fps, rng)
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

    vis = np.where(far, 0.80, 0.98)
    if noise is not None:
        vis = np.where(far, noise.visibility_far, noise.visibility_near)
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
