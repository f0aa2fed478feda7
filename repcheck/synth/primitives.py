"""Analytic ray-traceable shapes the synthetic mannequin and its room are built from.

Every primitive answers one question for a bundle of rays — where does each ray first hit me, and
what is the surface normal there — and carries a material name that the renderer looks up in the
scene's palette (``"skin"``, ``"shirt"``, ``"pants"``, ``"shoe"``, ``"hair"``, ``"prop"``, ...).

World frame: metres, y up, floor at y = 0 (see :mod:`repcheck.synth.camera`).

Shapes
------
Ellipsoid   head, torso blocks, hands, face details (rotated, three radii)
RoundCone   limbs: a tapered capsule between two points, optionally two-coloured (sleeve/skin)
Box         clutter (sofa block, cardboard box, chair seat), oriented
Cylinder    capped cylinder: the foam roller, plant pot, chair legs
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Box", "Cylinder", "Ellipsoid", "Primitive", "RoundCone"]

#: Minimum ray parameter (metres) counted as a hit, so surfaces do not shadow themselves.
EPS = 1e-4


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-12)


def _rowdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot product of (N, 3) arrays (either may broadcast from (3,))."""
    a, b = np.broadcast_arrays(a, b)
    return np.einsum("ij,ij->i", a, b)


class Primitive:
    """Base class: material bookkeeping and a bounding sphere for culling.

    Attributes
    ----------
    material : str
        Palette key of the surface colour.
    tag : str or None
        Free label; ``"head"`` makes the renderer paint a face on the shape.
    bound_center : ndarray of shape (3,)
        Centre of a sphere enclosing the shape, metres.
    bound_radius : float
        Radius of that sphere, metres.
    """

    material: str
    material2: str | None = None
    split: float | None = None
    tag: str | None = None
    bound_center: np.ndarray
    bound_radius: float

    # prototype-compatible short names
    @property
    def mat(self) -> str:
        return self.material

    @property
    def bc(self) -> np.ndarray:
        return self.bound_center

    @property
    def br(self) -> float:
        return self.bound_radius

    def intersect(self, origin: np.ndarray, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First hit of each ray.

        Parameters
        ----------
        origin : ndarray of shape (3,) or (N, 3)
            Ray origins, metres.
        dirs : ndarray of shape (N, 3)
            Unit ray directions.

        Returns
        -------
        t : ndarray of shape (N,)
            Distance to the first hit in metres, ``inf`` where the ray misses.
        normal : ndarray of shape (N, 3)
            Outward unit normal at the hit (zeros where missed).
        """
        raise NotImplementedError

    def materials_at(self, points: np.ndarray) -> np.ndarray | None:
        """Which surface points use ``material2``: bool array of shape (N,), or None if single-coloured."""
        return None

    def contains(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        """Which points lie inside the shape (grown by ``margin`` metres).

        Parameters
        ----------
        points : ndarray of shape (N, 3)
            Metres.
        margin : float
            Metres added to the shape's size.

        Returns
        -------
        ndarray of shape (N,), bool
        """
        raise NotImplementedError


class Ellipsoid(Primitive):
    """Rotated ellipsoid.

    Parameters
    ----------
    c : array-like of shape (3,)
        Centre, metres.
    R : array-like of shape (3, 3)
        Rotation whose columns are the local axes in world coordinates.
    radii : array-like of shape (3,)
        Semi-axes along the local axes, metres.
    material : str
        Palette key.
    tag : str, optional
        ``"head"`` turns on face painting.
    """

    def __init__(self, c: Sequence[float], R: np.ndarray, radii: Sequence[float], material: str,
                 tag: str | None = None) -> None:
        self.c = np.asarray(c, float)
        self.R = np.asarray(R, float)
        self.r = np.asarray(radii, float)
        self.material = material
        self.tag = tag
        self.bound_center = self.c
        self.bound_radius = float(self.r.max())

    def intersect(self, origin: np.ndarray, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dirs = np.asarray(dirs)
        dt = dirs.dtype
        o = (((np.asarray(origin, float) - self.c) @ self.R) / self.r).astype(dt)
        d = dirs @ (self.R / self.r).astype(dt)
        o = np.broadcast_to(o, d.shape)
        a = _rowdot(d, d)
        b = _rowdot(o, d)
        c = _rowdot(o, o) - 1.0
        disc = b * b - a * c
        n_rays = d.shape[0]
        t = np.full(n_rays, np.inf, dtype=dirs.dtype)
        normal = np.zeros((n_rays, 3), dtype=dirs.dtype)
        m = disc > 0
        if not m.any():
            return t, normal
        sq = np.sqrt(disc[m])
        t_near = (-b[m] - sq) / a[m]
        t_far = (-b[m] + sq) / a[m]
        # a ray starting inside (shadow rays from the surface) takes the far root
        tm = np.where(t_near > EPS, t_near, np.where(t_far > EPS, t_far, np.inf))
        t[m] = tm
        h = np.isfinite(t)
        local = o[h] + t[h, None] * d[h]
        normal[h] = _unit((local / self.r.astype(dt)) @ self.R.T.astype(dt))
        return t, normal

    def contains(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        local = ((np.asarray(points, float).reshape(-1, 3) - self.c) @ self.R) / (self.r + margin)
        return (local**2).sum(axis=1) <= 1.0


class RoundCone(Primitive):
    """Tapered capsule from ``a`` (radius ``ra``) to ``b`` (radius ``rb``).

    Parameters
    ----------
    a, b : array-like of shape (3,)
        End centres, metres.
    ra, rb : float
        End radii, metres.
    material : str
        Palette key of the part near ``a``.
    material2 : str, optional
        Palette key of the part beyond ``split`` (e.g. a short sleeve ending on bare forearm skin).
    split : float, optional
        Fraction along a→b (0 at ``a``, 1 at ``b``) where ``material2`` starts.
    tag : str, optional
    """

    def __init__(self, a: Sequence[float], b: Sequence[float], ra: float, rb: float, material: str,
                 material2: str | None = None, split: float | None = None, tag: str | None = None) -> None:
        self.a = np.asarray(a, float)
        self.b = np.asarray(b, float)
        self.ra, self.rb = float(ra), float(rb)
        self.material, self.material2, self.split, self.tag = material, material2, split, tag
        self.bound_center = (self.a + self.b) / 2
        self.bound_radius = float(np.linalg.norm(self.b - self.a) / 2 + max(self.ra, self.rb))

    @property
    def mat2(self) -> str | None:
        return self.material2

    def intersect(self, origin: np.ndarray, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Inigo Quilez's round-cone intersection, vectorised over rays.
        rd = np.asarray(dirs)
        dt = rd.dtype
        pa, pb, ra, rb = self.a, self.b, self.ra, self.rb
        ba = (pb - pa).astype(dt)
        # differences in float64, then the working precision of the rays (float32 in the renderer)
        oa = np.broadcast_to((np.asarray(origin, float) - pa).astype(dt), rd.shape)
        ob = np.broadcast_to((np.asarray(origin, float) - pb).astype(dt), rd.shape)
        rr = ra - rb
        m0 = ba @ ba
        m1 = oa @ ba
        m2 = rd @ ba
        m3 = _rowdot(rd, oa)
        m5 = _rowdot(oa, oa)
        m6 = _rowdot(ob, rd)
        m7 = _rowdot(ob, ob)
        d2 = m0 - rr * rr
        k2 = d2 - m2 * m2
        k1 = d2 * m3 - m1 * m2 + m2 * rr * ra
        k0 = d2 * m5 - m1 * m1 + m1 * rr * ra * 2.0 - m0 * ra * ra
        h = k1 * k1 - k0 * k2
        n_rays = rd.shape[0]
        t = np.full(n_rays, np.inf, dtype=rd.dtype)
        normal = np.zeros((n_rays, 3), dtype=rd.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            tb = (-np.sqrt(np.maximum(h, 0)) - k1) / k2
            y = m1 - ra * rr + tb * m2
            v = (h >= 0) & (y > 0) & (y < d2) & (tb > EPS) & (np.abs(k2) > 1e-12)
            t[v] = tb[v]
            normal[v] = _unit(d2 * (oa[v] + tb[v, None] * rd[v]) - ba[None] * y[v, None])
            for oc, mm, oo, rad in ((oa, m3, m5, ra), (ob, m6, m7, rb)):
                hh = mm * mm - oo + rad * rad
                tc = -mm - np.sqrt(np.maximum(hh, 0))
                u = (hh > 0) & (tc > EPS) & (tc < t)
                t[u] = tc[u]
                normal[u] = (oc[u] + tc[u, None] * rd[u]) / rad
        return t, normal

    def contains(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        # closest point on the axis, radius interpolated there (exact for a cylinder, close for a taper)
        f = np.clip(self.frac(np.asarray(points, float).reshape(-1, 3)), 0.0, 1.0)
        near = self.a + f[:, None] * (self.b - self.a)
        rad = self.ra + (self.rb - self.ra) * f + margin
        return np.linalg.norm(np.asarray(points, float).reshape(-1, 3) - near, axis=1) <= rad

    def frac(self, points: np.ndarray) -> np.ndarray:
        """Fraction along a→b of each point's projection, shape (N,)."""
        ba = self.b - self.a
        return ((np.asarray(points) - self.a) @ ba) / (ba @ ba)

    def materials_at(self, points: np.ndarray) -> np.ndarray | None:
        if self.material2 is None or self.split is None:
            return None
        return self.frac(points) > self.split


class Box(Primitive):
    """Oriented box (slab intersection).

    Parameters
    ----------
    c : array-like of shape (3,)
        Centre, metres.
    half : array-like of shape (3,)
        Half extents along the local axes, metres.
    material : str
        Palette key.
    R : array-like of shape (3, 3), optional
        Columns are the local axes in world coordinates (identity: axis-aligned).
    tag : str, optional
    """

    def __init__(self, c: Sequence[float], half: Sequence[float], material: str,
                 R: np.ndarray | None = None, tag: str | None = None) -> None:
        self.c = np.asarray(c, float)
        self.half = np.asarray(half, float)
        self.R = np.eye(3) if R is None else np.asarray(R, float)
        self.material = material
        self.tag = tag
        self.bound_center = self.c
        self.bound_radius = float(np.linalg.norm(self.half))

    def intersect(self, origin: np.ndarray, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rd = np.asarray(dirs)
        o = np.broadcast_to((np.asarray(origin) - self.c) @ self.R, rd.shape)
        d = rd @ self.R
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)
            t1 = (-self.half - o) * inv
            t2 = (self.half - o) * inv
        tmin = np.minimum(t1, t2)
        tmax = np.maximum(t1, t2)
        t_near = tmin.max(axis=1)
        t_far = tmax.min(axis=1)
        axis_near = tmin.argmax(axis=1)
        axis_far = tmax.argmin(axis=1)
        hit = (t_far >= t_near) & (t_far > EPS)
        use_far = hit & (t_near <= EPS)
        n_rays = rd.shape[0]
        t = np.full(n_rays, np.inf, dtype=rd.dtype)
        t[hit] = np.where(use_far[hit], t_far[hit], t_near[hit])
        axis = np.where(use_far, axis_far, axis_near)
        local_n = np.zeros((n_rays, 3), dtype=rd.dtype)
        idx = np.nonzero(hit)[0]
        # outward normal: against the ray on entry, along it on exit
        sgn = -np.sign(d[idx, axis[idx]])
        sgn = np.where(use_far[idx], -sgn, sgn)
        local_n[idx, axis[idx]] = sgn
        return t, (local_n @ self.R.T).astype(rd.dtype, copy=False)

    def contains(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        local = (np.asarray(points, float).reshape(-1, 3) - self.c) @ self.R
        return (np.abs(local) <= self.half + margin).all(axis=1)


class Cylinder(Primitive):
    """Capped cylinder between two points (foam roller, plant pot, chair leg).

    Parameters
    ----------
    a, b : array-like of shape (3,)
        Centres of the two caps, metres.
    radius : float
        Metres.
    material : str
        Palette key.
    tag : str, optional
    """

    def __init__(self, a: Sequence[float], b: Sequence[float], radius: float, material: str,
                 tag: str | None = None) -> None:
        self.a = np.asarray(a, float)
        self.b = np.asarray(b, float)
        self.radius = float(radius)
        self.material = material
        self.tag = tag
        self.bound_center = (self.a + self.b) / 2
        self.bound_radius = float(np.hypot(np.linalg.norm(self.b - self.a) / 2, self.radius))

    def intersect(self, origin: np.ndarray, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Inigo Quilez's capped-cylinder intersection, vectorised over rays.
        rd = np.asarray(dirs)
        ra = self.radius
        ba = self.b - self.a
        oc = np.broadcast_to(np.asarray(origin) - self.a, rd.shape)
        baba = ba @ ba
        bard = rd @ ba
        baoc = oc @ ba
        k2 = baba - bard * bard
        k1 = baba * _rowdot(oc, rd) - baoc * bard
        k0 = baba * _rowdot(oc, oc) - baoc * baoc - ra * ra * baba
        h = k1 * k1 - k2 * k0
        n_rays = rd.shape[0]
        t = np.full(n_rays, np.inf, dtype=rd.dtype)
        normal = np.zeros((n_rays, 3), dtype=rd.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            sq = np.sqrt(np.maximum(h, 0))
            tb = (-k1 - sq) / k2
            y = baoc + tb * bard
            body = (h > 0) & (y > 0) & (y < baba) & (tb > EPS) & (np.abs(k2) > 1e-12)
            t[body] = tb[body]
            normal[body] = (oc[body] + tb[body, None] * rd[body] - ba * y[body, None] / baba) / ra
            cap_y = np.where(y < 0, 0.0, baba)
            tc = (cap_y - baoc) / bard
            cap = (h > 0) & (np.abs(k1 + k2 * tc) < sq) & (tc > EPS) & (tc < t) & ~body
            t[cap] = tc[cap]
            normal[cap] = (ba * np.sign(y[cap])[:, None]) / np.sqrt(baba)
        return t, normal

    def contains(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        p = np.asarray(points, float).reshape(-1, 3) - self.a
        ba = self.b - self.a
        L2 = float(ba @ ba)
        y = p @ ba / L2
        radial = np.linalg.norm(p - y[:, None] * ba, axis=1)
        slack = margin / np.sqrt(L2)
        return (y >= -slack) & (y <= 1 + slack) & (radial <= self.radius + margin)
