"""Vectorised numpy ray-caster that turns posed mannequin primitives into phone-like frames.

Shading: Lambert key light + a fill light from the camera + ambient, tinted by the scene's light; the
head ellipsoid (``tag == "head"``) gets painted face cues (hair, eyes, brows, mouth), which is what lets
MediaPipe's detector lock on (prototype README: without face cues detection falls to ~60 %). Optional
soft contact shadows under the body (sphere ambient occlusion, cheap) make it sit on the floor.

Speed: the room (floor, walls, mat, clutter) is rendered once per :class:`Renderer` — it is static — and
cached as colour + depth; each frame only casts rays inside the screen rectangles of the body's
primitives (bounding-sphere culling), in float32 where it is safe.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.ndimage import map_coordinates

from .camera import Camera
from .primitives import Ellipsoid, Primitive
from .scene import Scene, palette

__all__ = ["Renderer", "render_frame"]

# surface ids in the id buffer (>= 0 are per-frame primitives)
_FLOOR, _WALL, _CEIL, _MAT, _STATIC = -2, -3, -4, -5, -6

#: Contact shadows: how far above the floor a body part still darkens it (m), and how dark they get.
_SHADOW_REACH = 0.35
_SHADOW_STRENGTH = 0.85

_NOISE = np.random.default_rng(1234).random((64, 64, 64)).astype(np.float32)


def _vnoise(points: np.ndarray, freq: float) -> np.ndarray:
    """Smooth value noise in 0..1 at world points (N, 3), period 64/freq metres."""
    q = (np.asarray(points, np.float32) * freq).T % 64.0
    return map_coordinates(_NOISE, q, order=1, mode="grid-wrap")


def _fbm(points: np.ndarray, freq: float, octaves: int = 3) -> np.ndarray:
    s = np.zeros(len(points), np.float32)
    a, tot = 1.0, 0.0
    for i in range(octaves):
        s += a * _vnoise(points + 17.3 * i, freq * 2**i)
        tot += a
        a *= 0.5
    return s / tot


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def paint_head(points: np.ndarray, head: Ellipsoid, skin: np.ndarray, hair: np.ndarray,
               hair_on: bool = True) -> np.ndarray:
    """Colours of head-surface points with face cues painted on.

    Parameters
    ----------
    points : ndarray of shape (N, 3)
        Hit points on the head ellipsoid, metres.
    head : Ellipsoid
        The head; ``head.R`` columns are (left, up, forward).
    skin, hair : ndarray of shape (3,)
        RGB 0..1.
    hair_on : bool
        Paint hair on the crown and back of the head (False: bald).

    Returns
    -------
    ndarray of shape (N, 3)
    """
    local = (points - head.c) @ head.R
    lat, up, fwd = local[:, 0], local[:, 1], local[:, 2]
    rl, ru, rf = head.r
    s = rl / 0.078  # feature sizes scale with the head (prototype head: 0.078 m half-width)
    col = np.tile(np.asarray(skin, np.float32), (len(points), 1))
    nu, nf = up / ru, fwd / rf
    if hair_on:
        hairm = (nu > 0.42) | ((nf < -0.15) & (nu > -0.55)) | ((nf < 0.25) & (nu > 0.1))
        col[hairm] = hair
    front = fwd > 0.02 * s
    for side in (-1, 1):
        dl = lat - side * 0.032 * s
        du = up - 0.012 * s
        r2 = (dl / 1.25) ** 2 + du**2
        col[front & (r2 < (0.011 * s) ** 2)] = (0.95, 0.95, 0.95)
        col[front & (r2 < (0.0065 * s) ** 2)] = (0.25, 0.17, 0.10)
        col[front & (r2 < (0.0035 * s) ** 2)] = (0.03, 0.03, 0.03)
        brow = front & (np.abs(dl) < 0.018 * s) & (np.abs(up - 0.034 * s + 0.15 * dl * side) < 0.0045 * s)
        col[brow] = hair
    mouth = front & (np.abs(lat) < 0.021 * s) & (
        np.abs(up + 0.052 * s - 0.25 * (lat / (0.021 * s)) ** 2 * 0.01 * s) < 0.0055 * s)
    col[mouth] = (0.62, 0.25, 0.25)
    return col


class Renderer:
    """Renders frames of one camera in one scene; the static room is cached at construction.

    Parameters
    ----------
    camera : Camera
    scene : Scene
    static : sequence of Primitive, optional
        Extra shapes that do not move during the clip (drawn into the cached background). The room's
        clutter is always included.
    shadows : bool
        Soft contact shadows of the body on the floor/mat (~20 % slower).
    paint_face : bool
        Paint face cues on ``tag == "head"`` ellipsoids.
    hair_on : bool
        Paint hair on the head (False: a bald look).
    texture : bool
        Floor/wall/mat texture (wood grain, tile grout, carpet noise) in the background.
    """

    def __init__(self, camera: Camera, scene: Scene, *, static: Sequence[Primitive] = (),
                 shadows: bool = False, paint_face: bool = True, hair_on: bool = True,
                 texture: bool = True) -> None:
        self.camera = camera
        self.scene = scene
        self.shadows = shadows
        self.paint_face = paint_face
        self.hair_on = hair_on
        self.texture = texture
        self.static = list(scene.room.primitives()) + list(static)
        self._pal = palette(scene, {p.material for p in self.static})
        w, h = camera.width, camera.height
        self._dirs = camera.ray_directions().astype(np.float32)  # (H, W, 3)
        self._origin = np.asarray(camera.position, np.float64)
        right, up, fwd = camera.axes
        self._fwd = fwd.astype(np.float32)
        li = scene.lighting
        self._light = _unit(np.asarray(li.direction, np.float64)).astype(np.float32)
        self._tint = np.asarray(li.tint, np.float32)
        self._bg_rgb, self._bg_depth, self._bg_id = self._render_background()
        self._bg_u8 = self._to_bgr_u8(self._bg_rgb)
        self._size = (w, h)

    # ------------------------------------------------------------------ background
    def _shade(self, col: np.ndarray, normals: np.ndarray, occlusion: np.ndarray | None = None) -> np.ndarray:
        li = self.scene.lighting
        lam = np.clip(normals @ self._light, 0, 1)
        fill = np.clip(normals @ (-self._fwd), 0, 1)
        shade = li.ambient + li.key * lam + li.fill * fill
        if occlusion is not None:
            shade = shade * occlusion
        return col * (shade[:, None] * self._tint)

    def _render_background(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cam, room = self.camera, self.scene.room
        H, W = cam.height, cam.width
        D = self._dirs.reshape(-1, 3).astype(np.float64)
        o = self._origin
        x0, x1, z0, z1 = room.extent
        with np.errstate(divide="ignore", invalid="ignore"):
            cand = np.stack([
                np.where(D[:, 1] < -1e-9, -o[1] / D[:, 1], np.inf),                       # floor
                np.where(D[:, 1] > 1e-9, (room.ceiling - o[1]) / D[:, 1], np.inf),         # ceiling
                np.where(D[:, 0] < -1e-9, (x0 - o[0]) / D[:, 0], np.inf),                  # walls
                np.where(D[:, 0] > 1e-9, (x1 - o[0]) / D[:, 0], np.inf),
                np.where(D[:, 2] < -1e-9, (z0 - o[2]) / D[:, 2], np.inf),
                np.where(D[:, 2] > 1e-9, (z1 - o[2]) / D[:, 2], np.inf),
            ], 1)
        cand[cand <= 0] = np.inf
        k = cand.argmin(1)
        t = cand[np.arange(len(D)), k]
        t[~np.isfinite(t)] = 50.0
        normals_by_k = np.array([[0, 1, 0], [0, -1, 0], [1, 0, 0], [-1, 0, 0], [0, 0, 1], [0, 0, -1]], float)
        N = normals_by_k[k]
        ids = np.where(k == 0, _FLOOR, np.where(k == 1, _CEIL, _WALL)).astype(np.int16)
        P = o + t[:, None] * D
        col = np.empty((len(D), 3), np.float32)
        fl = ids == _FLOOR
        wl = ids == _WALL
        col[wl] = room.wall_color
        col[ids == _CEIL] = np.asarray(room.wall_color) * 0.95 + 0.05
        col[fl] = room.floor_color
        if self.texture:
            self._texture_floor(col, P, fl)
            col[wl] *= (0.95 + 0.08 * _fbm(P[wl], 2.0))[:, None]
            bb = wl & (P[:, 1] < 0.09)
            col[bb] = (0.93, 0.93, 0.91)
        if room.mat is not None:
            m = room.mat
            a = np.radians(m.yaw_deg)
            ax = np.array([np.cos(a), np.sin(a)])
            rel = P[:, [0, 2]] - np.asarray(m.center)
            along = rel @ ax
            across = rel @ np.array([-ax[1], ax[0]])
            on = fl & (np.abs(along) < m.size[0] / 2) & (np.abs(across) < m.size[1] / 2)
            col[on] = m.color
            if self.texture:
                col[on] *= (0.95 + 0.08 * _fbm(P[on], 20.0))[:, None]
            ids[on] = _MAT
        # static primitives (clutter, props that do not move)
        tb = t.copy()
        for p in self.static:
            tt, nn = p.intersect(o, D)
            m = tt < tb
            if not m.any():
                continue
            tb[m] = tt[m]
            N[m] = nn[m]
            ids[m] = _STATIC
            col[m] = self._pal[p.material]
        Pb = o + tb[:, None] * D
        rgb = self._shade(col, N.astype(np.float32))
        # light bounced around a room reaches walls and ceiling that the key light grazes
        bounce = (ids == _WALL) | (ids == _CEIL)
        rgb[bounce] += col[bounce] * (0.28 * self._tint)
        self._bg_points = Pb.astype(np.float32)
        return rgb.astype(np.float32), tb.reshape(H, W).astype(np.float32), ids.reshape(H, W)

    def _texture_floor(self, col: np.ndarray, P: np.ndarray, fl: np.ndarray) -> None:
        room = self.scene.room
        px = P[fl]
        if room.floor_kind == "wood":
            w = 0.16
            plank = np.floor(px[:, 2] / w)
            stagger = np.floor((px[:, 0] + 7.3 * plank) / 1.2)
            grain = _vnoise(np.stack([px[:, 0] * 0.5, plank * 3.1, px[:, 2] * 30], -1), 4.0)
            f = 0.82 + 0.22 * grain + 0.07 * np.sin(plank * 2.3 + stagger)
            seam = (np.abs(px[:, 2] / w - np.round(px[:, 2] / w)) < 0.025)
            f = np.where(seam, f * 0.72, f)
        elif room.floor_kind == "tile":
            w = 0.4
            gx = np.abs(px[:, 0] / w - np.round(px[:, 0] / w)) < 0.02
            gz = np.abs(px[:, 2] / w - np.round(px[:, 2] / w)) < 0.02
            f = 0.96 + 0.06 * _fbm(px, 6.0)
            f = np.where(gx | gz, f * 0.8, f)
        else:
            f = 0.85 + 0.25 * _fbm(px, 40.0)
        col[fl] *= f[:, None].astype(np.float32)

    @staticmethod
    def _to_bgr_u8(rgb: np.ndarray) -> np.ndarray:
        return np.clip(rgb[:, ::-1] * 255.0 + 0.5, 0, 255).astype(np.uint8)

    # ------------------------------------------------------------------ frames
    def _rects(self, prims: Sequence[Primitive], grow: float = 0.0) -> list[tuple[int, int, int, int] | None]:
        """Conservative pixel rectangles (x0, x1, y0, y1) of the primitives' bounding spheres (radius +
        ``grow`` metres); None when off screen."""
        if not prims:
            return []
        C = np.array([p.bound_center for p in prims], float)
        R = np.array([p.bound_radius for p in prims], float) + grow
        return self._sphere_rects(C, R)

    def _sphere_rects(self, C: np.ndarray, R: np.ndarray) -> list[tuple[int, int, int, int] | None]:
        cam = self.camera
        signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], float)
        corners = C[:, None, :] + R[:, None, None] * signs[None]
        uv, z = cam.project(corners)
        out: list[tuple[int, int, int, int] | None] = []
        W, H = cam.width, cam.height
        for i in range(len(C)):
            if (z[i] <= 0.02).any():
                out.append((0, W, 0, H) if (z[i] > 0).any() else None)
                continue
            x0 = int(max(0, np.floor(uv[i, :, 0].min()) - 1))
            x1 = int(min(W, np.ceil(uv[i, :, 0].max()) + 1))
            y0 = int(max(0, np.floor(uv[i, :, 1].min()) - 1))
            y1 = int(min(H, np.ceil(uv[i, :, 1].max()) + 1))
            out.append((x0, x1, y0, y1) if x1 > x0 and y1 > y0 else None)
        return out

    def render(self, prims: Sequence[Primitive]) -> np.ndarray:
        """Render one frame.

        Parameters
        ----------
        prims : sequence of Primitive
            The posed body (and any moving props) for this frame.

        Returns
        -------
        ndarray of shape (H, W, 3), uint8 BGR
        """
        H, W = self.camera.height, self.camera.width
        rects = self._rects(prims)
        live = [(i, r) for i, r in enumerate(rects) if r is not None]
        frame = self._bg_u8.reshape(H, W, 3).copy()
        if not live:
            return frame
        # union rectangle of the body: work in that window only
        X0 = min(r[0] for _, r in live)
        X1 = max(r[1] for _, r in live)
        Y0 = min(r[2] for _, r in live)
        Y1 = max(r[3] for _, r in live)
        depth = self._bg_depth[Y0:Y1, X0:X1].copy()
        ids = np.full(depth.shape, -1, np.int32)
        normals = np.zeros(depth.shape + (3,), np.float32)
        o = self._origin
        for i, (x0, x1, y0, y1) in live:
            rd = self._dirs[y0:y1, x0:x1].reshape(-1, 3)
            t, n = prims[i].intersect(o, rd)
            t = t.reshape(y1 - y0, x1 - x0)
            sub = depth[y0 - Y0:y1 - Y0, x0 - X0:x1 - X0]
            m = t < sub
            if not m.any():
                continue
            sub[m] = t[m]
            ids[y0 - Y0:y1 - Y0, x0 - X0:x1 - X0][m] = i
            normals[y0 - Y0:y1 - Y0, x0 - X0:x1 - X0][m] = n.reshape(y1 - y0, x1 - x0, 3)[m]
        win = frame[Y0:Y1, X0:X1]
        hit = ids >= 0
        if self.shadows:
            self._contact_shadows(win, hit, prims, live, (X0, X1, Y0, Y1))
        if not hit.any():
            return frame
        ids_h = ids[hit]
        D = self._dirs[Y0:Y1, X0:X1][hit]
        P = (o + depth[hit][:, None].astype(np.float64) * D).astype(np.float32)
        col = np.empty((len(ids_h), 3), np.float32)
        pal = self._pal
        for i in np.unique(ids_h):
            p = prims[i]
            sel = ids_h == i
            if p.material not in pal:
                pal.update(palette(self.scene, {p.material}))
            if p.tag == "head" and self.paint_face and isinstance(p, Ellipsoid):
                col[sel] = paint_head(P[sel], p, pal["skin"], pal["hair"], self.hair_on)
                continue
            col[sel] = pal[p.material]
            second = p.materials_at(P[sel])
            if second is not None and second.any():
                m2 = p.material2 or p.material
                if m2 not in pal:
                    pal.update(palette(self.scene, {m2}))
                idx = np.nonzero(sel)[0][second]
                col[idx] = pal[m2]
        rgb = self._shade(col, normals[hit])
        win[hit] = self._to_bgr_u8(rgb)
        return frame

    def _contact_shadows(self, win: np.ndarray, hit: np.ndarray, prims: Sequence[Primitive],
                         live: list, box: tuple[int, int, int, int]) -> None:
        """Darken floor/mat pixels near the body (sphere ambient occlusion of each low primitive)."""
        X0, X1, Y0, Y1 = box
        bid = self._bg_id[Y0:Y1, X0:X1]
        floor = ((bid == _FLOOR) | (bid == _MAT)) & ~hit
        if not floor.any():
            return
        pts = self._bg_points.reshape(self.camera.height, self.camera.width, 3)
        vis = np.ones(floor.shape, np.float32)
        low = [i for i, _ in live if prims[i].bound_center[1] - prims[i].bound_radius < _SHADOW_REACH]
        if not low:
            return
        C = np.array([prims[i].bound_center for i in low], float)
        R = np.array([prims[i].bound_radius for i in low], float) + _SHADOW_REACH
        for i, rc in zip(low, self._sphere_rects(C, R), strict=True):
            if rc is None:
                continue
            x0, x1 = max(rc[0], X0), min(rc[1], X1)
            y0, y1 = max(rc[2], Y0), min(rc[3], Y1)
            if x1 <= x0 or y1 <= y0:
                continue
            fm = floor[y0 - Y0:y1 - Y0, x0 - X0:x1 - X0]
            if not fm.any():
                continue
            P = pts[y0:y1, x0:x1][fm]
            c, r = _occluder_sphere(prims[i], P)
            if c is None:
                continue
            d = c - P
            dist = np.sqrt((d * d).sum(1))
            cos = np.clip(d[:, 1] / np.maximum(dist, 1e-6), 0, 1)  # floor normal is +y
            occ = cos * np.clip(r / np.maximum(dist, r), 0, 1) ** 2
            vis[y0 - Y0:y1 - Y0, x0 - X0:x1 - X0][fm] *= 1.0 - _SHADOW_STRENGTH * occ
        m = floor & (vis < 0.995)
        px = win[m].astype(np.float32) * vis[m][:, None]
        win[m] = np.clip(px + 0.5, 0, 255).astype(np.uint8)


def _occluder_sphere(p: Primitive, P: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | float]:
    """A sphere (centre per point, radius) standing in for primitive ``p`` as seen from points P."""
    if hasattr(p, "ra") and hasattr(p, "a"):  # RoundCone: closest point on the axis
        a, b = p.a.astype(np.float32), p.b.astype(np.float32)
        ba = b - a
        s = np.clip(((P - a) @ ba) / max(float(ba @ ba), 1e-9), 0, 1)
        return a + s[:, None] * ba, (p.ra + (p.rb - p.ra) * s).astype(np.float32)
    if isinstance(p, Ellipsoid):
        return p.c.astype(np.float32)[None], float(np.cbrt(np.prod(p.r)))
    return None, 0.0


def render_frame(camera: Camera, scene: Scene, prims: Sequence[Primitive], **kwargs: object) -> np.ndarray:
    """Render one frame without keeping the background cache (see :class:`Renderer` for clips).

    Returns
    -------
    ndarray of shape (H, W, 3), uint8 BGR
    """
    return Renderer(camera, scene, **kwargs).render(prims)  # type: ignore[arg-type]
