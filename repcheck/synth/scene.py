"""What surrounds the mannequin: how the person looks, the room, the light, and where the phone stands.

Everything is sampled from a ``numpy.random.Generator`` handed in, so one seed gives one scene.

World frame (see :mod:`repcheck.synth.camera`): metres, y up, floor y = 0. Floor exercises lie along
x (``head_dir`` says which way the head points), the body's lateral axis is ~z.

Named camera views (yaw is measured from side-on, positive toward the head end; unless stated the
phone is propped 25 cm – 1 m high, on a shelf, chair, sofa or a stack of books):

==============  =====================================================================
``side``        yaw 0, on the ``side_sign`` side (+z by default)
``other_side``  yaw 0, on the opposite side
``oblique``     yaw ±30° (toward the head or the feet, chosen by the rng)
``oblique45``   yaw ±45°
``head_end``    yaw +60°, looking from the head end
``feet_end``    yaw −60°, looking from the feet end
``floor``       side-on, phone lying/leaning on the floor (lens 5–20 cm high)
``high``        side-on, phone held high (1.4–1.8 m) looking down
``None``        anything a person might do: floor / furniture / held high, yaw ±60°, either side
==============  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np

from .camera import Camera
from .primitives import Box, Cylinder, Ellipsoid, Primitive

__all__ = [
    "CAMERA_VIEWS",
    "Clutter",
    "Lighting",
    "Look",
    "Mat",
    "Room",
    "Scene",
    "degrade_frame",
    "palette",
    "sample_camera",
    "sample_lighting",
    "sample_look",
    "sample_room",
    "sample_scene",
]

RGB = tuple[float, float, float]


def _rgb(*c: int) -> RGB:
    return (c[0] / 255.0, c[1] / 255.0, c[2] / 255.0)


#: Skin tones spanning the Fitzpatrick scale I–VI (sRGB, 0..1), from light to deep.
SKIN_TONES: dict[str, RGB] = {
    "I": _rgb(241, 210, 186),
    "II": _rgb(228, 184, 152),
    "III": _rgb(206, 152, 116),
    "IV": _rgb(170, 116, 80),
    "V": _rgb(126, 82, 54),
    "VI": _rgb(82, 54, 40),
}
HAIR_COLOURS: dict[str, RGB] = {
    "black": _rgb(22, 18, 16),
    "dark_brown": _rgb(55, 38, 28),
    "brown": _rgb(96, 64, 40),
    "blonde": _rgb(196, 160, 104),
    "red": _rgb(140, 62, 30),
    "grey": _rgb(150, 148, 144),
}
CLOTHES_COLOURS: dict[str, RGB] = {
    "black": _rgb(28, 28, 32),
    "charcoal": _rgb(62, 62, 68),
    "grey": _rgb(128, 128, 132),
    "white": _rgb(232, 232, 228),
    "navy": _rgb(30, 42, 90),
    "blue": _rgb(40, 95, 175),
    "teal": _rgb(20, 128, 128),
    "green": _rgb(60, 130, 70),
    "olive": _rgb(100, 104, 56),
    "red": _rgb(180, 40, 44),
    "pink": _rgb(222, 120, 160),
    "purple": _rgb(104, 60, 140),
    "orange": _rgb(230, 120, 40),
    "yellow": _rgb(220, 190, 60),
    "maroon": _rgb(110, 30, 40),
}
SHOE_COLOURS: dict[str, RGB] = {
    "white": _rgb(235, 235, 235),
    "black": _rgb(30, 30, 30),
    "grey": _rgb(140, 140, 145),
    "socks_white": _rgb(225, 225, 220),
    "barefoot": (-1.0, -1.0, -1.0),  # placeholder: replaced by the skin tone
}
FLOOR_KINDS: dict[str, tuple[RGB, ...]] = {
    "wood": (_rgb(150, 110, 75), _rgb(180, 140, 100), _rgb(110, 76, 50), _rgb(200, 170, 130)),
    "tile": (_rgb(200, 198, 190), _rgb(150, 150, 150), _rgb(190, 170, 150), _rgb(90, 90, 95)),
    "carpet": (_rgb(120, 110, 100), _rgb(90, 96, 110), _rgb(160, 150, 130), _rgb(70, 70, 72)),
}
WALL_COLOURS: tuple[RGB, ...] = (
    _rgb(214, 208, 196), _rgb(235, 233, 228), _rgb(200, 205, 210), _rgb(220, 200, 170),
    _rgb(190, 205, 190), _rgb(170, 180, 200), _rgb(240, 225, 200), _rgb(160, 160, 158),
)
MAT_COLOURS: tuple[RGB, ...] = (
    _rgb(120, 70, 140), _rgb(40, 90, 160), _rgb(60, 140, 90), _rgb(220, 110, 150), _rgb(35, 35, 38),
    _rgb(120, 120, 125), _rgb(30, 150, 170),
)
PROP_COLOURS: tuple[RGB, ...] = (
    _rgb(60, 140, 90), _rgb(30, 30, 34), _rgb(40, 90, 170), _rgb(230, 120, 40), _rgb(180, 180, 60),
)


@dataclass(frozen=True)
class Look:
    """How the person looks (colours; the cut of the clothes is SYNTH-BODY's ``Outfit``).

    Attributes
    ----------
    skin_type : str
        Fitzpatrick type "I".."VI".
    skin, hair, top, bottom, shoe, prop : tuple of 3 float
        sRGB colours in 0..1 (``prop``: the foam roller).
    hair_name, top_name, bottom_name, shoe_name : str
        Names of the sampled colours (for CLIP.json).
    """

    skin_type: str = "II"
    skin: RGB = SKIN_TONES["II"]
    hair: RGB = HAIR_COLOURS["dark_brown"]
    top: RGB = CLOTHES_COLOURS["blue"]
    bottom: RGB = CLOTHES_COLOURS["black"]
    shoe: RGB = SHOE_COLOURS["white"]
    prop: RGB = PROP_COLOURS[0]
    hair_name: str = "dark_brown"
    top_name: str = "blue"
    bottom_name: str = "black"
    shoe_name: str = "white"

    @classmethod
    def plain(cls) -> Look:
        """The prototype's look (blue shirt, black leggings, white shoes, light skin)."""
        return cls()


@dataclass(frozen=True)
class Mat:
    """Exercise mat lying on the floor.

    Attributes
    ----------
    center : tuple of 2 float
        (x, z) of the mat's centre, metres.
    size : tuple of 2 float
        (length along ``yaw_deg``, width), metres.
    yaw_deg : float
        Direction of the mat's long side, degrees from +x toward +z.
    color : tuple of 3 float
    """

    center: tuple[float, float] = (0.0, 0.0)
    size: tuple[float, float] = (1.83, 0.61)
    yaw_deg: float = 0.0
    color: RGB = MAT_COLOURS[0]


@dataclass(frozen=True)
class Clutter:
    """One piece of furniture or clutter, as a kind and a placement.

    Attributes
    ----------
    kind : {"sofa", "plant", "box", "chair"}
    position : tuple of 2 float
        (x, z) on the floor, metres.
    yaw_deg : float
    color : tuple of 3 float
    scale : float
    """

    kind: str
    position: tuple[float, float]
    yaw_deg: float = 0.0
    color: RGB = (0.5, 0.5, 0.5)
    scale: float = 1.0

    def primitives(self) -> list[Primitive]:
        """The shapes of this item, materials named ``clutter{id}`` resolved by :func:`palette`."""
        x, z = self.position
        s = self.scale
        a = np.radians(self.yaw_deg)
        R = np.array([[np.cos(a), 0, -np.sin(a)], [0, 1, 0], [np.sin(a), 0, np.cos(a)]])
        mat = f"clutter:{self.kind}:{self.color[0]:.3f},{self.color[1]:.3f},{self.color[2]:.3f}"
        c = np.array([x, 0.0, z])
        if self.kind == "sofa":
            seat = Box(c + [0, 0.22 * s, 0], np.array([1.0, 0.22, 0.45]) * s, mat, R)
            back = Box(c + R @ np.array([0, 0.45, -0.35]) * s, np.array([1.0, 0.25, 0.12]) * s, mat, R)
            arms = [Box(c + R @ np.array([sx * 0.95, 0.32, 0]) * s, np.array([0.1, 0.32, 0.45]) * s, mat, R)
                    for sx in (-1, 1)]
            return [seat, back, *arms]
        if self.kind == "plant":
            pot = Cylinder(c, c + [0, 0.32 * s, 0], 0.16 * s, "clutter:pot:0.700,0.400,0.300")
            leaves = Ellipsoid(c + [0, 0.62 * s, 0], np.eye(3), np.array([0.3, 0.35, 0.3]) * s,
                               "clutter:leaves:0.180,0.420,0.180")
            return [pot, leaves]
        if self.kind == "box":
            return [Box(c + [0, 0.18 * s, 0], np.array([0.25, 0.18, 0.2]) * s,
                        "clutter:box:0.650,0.500,0.330", R)]
        if self.kind == "chair":
            seat = Box(c + [0, 0.45 * s, 0], np.array([0.22, 0.025, 0.22]) * s, mat, R)
            back = Box(c + R @ np.array([0, 0.72, -0.2]) * s, np.array([0.22, 0.25, 0.02]) * s, mat, R)
            legs = [Cylinder(c + R @ np.array([lx * 0.19, 0, lz * 0.19]) * s,
                             c + R @ np.array([lx * 0.19, 0.43, lz * 0.19]) * s, 0.018 * s, mat)
                    for lx in (-1, 1) for lz in (-1, 1)]
            return [seat, back, *legs]
        raise ValueError(f"unknown clutter kind {self.kind!r}")


@dataclass(frozen=True)
class Room:
    """A box-shaped room around the exercise spot.

    Attributes
    ----------
    floor_kind : {"wood", "tile", "carpet"}
    floor_color, wall_color : tuple of 3 float
    extent : tuple of 4 float
        (x_min, x_max, z_min, z_max) of the walls, metres.
    ceiling : float
        Ceiling height, metres.
    mat : Mat or None
    clutter : tuple of Clutter
    """

    floor_kind: str = "wood"
    floor_color: RGB = FLOOR_KINDS["wood"][0]
    wall_color: RGB = WALL_COLOURS[0]
    extent: tuple[float, float, float, float] = (-4.0, 4.0, -1.6, 6.0)
    ceiling: float = 2.5
    mat: Mat | None = field(default_factory=Mat)
    clutter: tuple[Clutter, ...] = ()

    def primitives(self) -> list[Primitive]:
        """Shapes of all clutter items."""
        return [p for c in self.clutter for p in c.primitives()]

    def enclosing(self, points: np.ndarray, margin: float = 0.4) -> Room:
        """This room grown so that ``points`` (N, 3) lie at least ``margin`` metres inside the walls."""
        p = np.atleast_2d(np.asarray(points, float))
        x0, x1, z0, z1 = self.extent
        ext = (min(x0, float(p[:, 0].min()) - margin), max(x1, float(p[:, 0].max()) + margin),
               min(z0, float(p[:, 2].min()) - margin), max(z1, float(p[:, 2].max()) + margin))
        ceiling = max(self.ceiling, float(p[:, 1].max()) + margin)
        return replace(self, extent=ext, ceiling=ceiling)

    def without_occluders(self, camera: Camera, points: np.ndarray, clearance: float = 0.35) -> Room:
        """Drop clutter that would stand between the camera and any of ``points`` (N, 3), that the body
        overlaps, or that shows right behind the body in the frame (a plant "growing" out of the head
        makes the silhouette unreadable for people and pose models alike)."""
        pos = np.asarray(camera.position, float)
        p = np.atleast_2d(np.asarray(points, float))
        uv, _ = camera.project(p)
        lo, hi = uv.min(0), uv.max(0)
        pad = 0.08 * (hi - lo) + 4
        lo, hi = lo - pad, hi + pad
        keep = []
        for c in self.clutter:
            ok = True
            for pr in c.primitives():
                bc, br = pr.bound_center, pr.bound_radius + clearance
                seg = p - pos
                s = np.clip(((bc - pos) @ seg.T) / np.maximum((seg * seg).sum(1), 1e-9), 0, 1)
                d = np.linalg.norm(pos + s[:, None] * seg - bc, axis=1)
                (cu,), (cz,) = camera.project(bc[None])
                r_px = camera.focal_px * pr.bound_radius / max(float(cz), 1e-3)
                behind = cz > 0 and (cu + r_px > lo).all() and (cu - r_px < hi).all()
                if (d < br).any() or behind:
                    ok = False
                    break
            if ok:
                keep.append(c)
        return replace(self, clutter=tuple(keep))


@dataclass(frozen=True)
class Lighting:
    """A key light (direction toward the light), a fill from the camera side, and ambient.

    Attributes
    ----------
    direction : tuple of 3 float
        Unit vector pointing from the scene toward the key light.
    key, fill, ambient : float
        Intensities (the plain look: 0.6, 0.15, 0.32).
    tint : tuple of 3 float
        Multiplier per RGB channel (warm or cool light).
    """

    direction: RGB = (-0.35, 1.0, 0.55)
    key: float = 0.6
    fill: float = 0.15
    ambient: float = 0.32
    tint: RGB = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Scene:
    """Look + room + light."""

    look: Look = field(default_factory=Look)
    room: Room = field(default_factory=Room)
    lighting: Lighting = field(default_factory=Lighting)

    @classmethod
    def plain(cls) -> Scene:
        """The prototype's scene: one look, a wood floor, beige wall, purple mat, no clutter."""
        return cls()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (colours as 0..255 ints)."""
        def col(c: RGB) -> list[int]:
            return [int(round(v * 255)) for v in c]

        lk, rm, li = self.look, self.room, self.lighting
        return {
            "look": {"skin_type": lk.skin_type, "skin": col(lk.skin), "hair": lk.hair_name,
                     "top": lk.top_name, "bottom": lk.bottom_name, "shoe": lk.shoe_name, "prop": col(lk.prop)},
            "room": {"floor": rm.floor_kind, "floor_color": col(rm.floor_color), "wall_color": col(rm.wall_color),
                     "extent": [round(v, 3) for v in rm.extent], "ceiling": round(rm.ceiling, 3),
                     "mat": None if rm.mat is None else {"center": [round(v, 3) for v in rm.mat.center],
                                                         "size": list(rm.mat.size),
                                                         "yaw_deg": round(rm.mat.yaw_deg, 2),
                                                         "color": col(rm.mat.color)},
                     "clutter": [{"kind": c.kind, "position": [round(v, 3) for v in c.position],
                                  "yaw_deg": round(c.yaw_deg, 1)} for c in rm.clutter]},
            "lighting": {"direction": [round(v, 3) for v in li.direction], "key": round(li.key, 3),
                         "fill": round(li.fill, 3), "ambient": round(li.ambient, 3),
                         "tint": [round(v, 3) for v in li.tint]},
        }


# ----------------------------------------------------------------------------------------- palette
#: Material names the body may use, mapped to Look fields (SYNTH-BODY's names and the prototype's).
_LOOK_MATERIALS = {
    "skin": "skin", "hair": "hair", "brow": "hair",
    "top": "top", "shirt": "top", "sleeve": "top",
    "bottom": "bottom", "pants": "bottom", "shorts": "bottom", "leggings": "bottom",
    "shoe": "shoe", "prop": "prop", "roller": "prop",
}
_FIXED_MATERIALS: dict[str, RGB] = {
    "eye_white": (0.95, 0.95, 0.95), "sclera": (0.95, 0.95, 0.95),
    "iris": (0.25, 0.17, 0.10), "pupil": (0.03, 0.03, 0.03), "lips": (0.62, 0.25, 0.25),
    "mouth": (0.62, 0.25, 0.25), "sock": (0.86, 0.86, 0.84),
}
_FALLBACK: RGB = (0.6, 0.6, 0.6)


def palette(scene: Scene, materials: set[str] | list[str] | tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Colours (RGB 0..1, shape (3,)) for material names.

    Parameters
    ----------
    scene : Scene
    materials : iterable of str
        Extra names to resolve (``clutter:<kind>:r,g,b`` names carry their colour; unknown names get a
        neutral grey so a new body part never crashes the renderer).
    """
    lk = scene.look
    pal: dict[str, np.ndarray] = {}
    for name, fld in _LOOK_MATERIALS.items():
        pal[name] = np.asarray(getattr(lk, fld), float)
    for name, c in _FIXED_MATERIALS.items():
        pal[name] = np.asarray(c, float)
    if lk.shoe[0] < 0:  # barefoot
        pal["shoe"] = pal["sock"] = np.asarray(lk.skin, float)
    for name in materials:
        if name in pal:
            continue
        if name.startswith("clutter:"):
            pal[name] = np.array([float(v) for v in name.rsplit(":", 1)[1].split(",")])
        else:
            pal[name] = np.asarray(_FALLBACK, float)
    return pal


# ----------------------------------------------------------------------------------------- sampling
def _pick(rng: np.random.Generator, seq: Any) -> Any:
    seq = list(seq)
    return seq[int(rng.integers(len(seq)))]


def _contrast(a: RGB, b: RGB) -> float:
    return float(np.abs(np.asarray(a) - np.asarray(b)).sum())


def sample_look(rng: np.random.Generator) -> Look:
    """A random person's colours: skin across Fitzpatrick I–VI, hair, top, bottom, shoes, roller."""
    skin_type = _pick(rng, SKIN_TONES)
    skin = SKIN_TONES[skin_type]
    # small within-type variation
    skin = tuple(float(np.clip(v * rng.uniform(0.94, 1.06), 0, 1)) for v in skin)
    hair_name = _pick(rng, HAIR_COLOURS)
    names = list(CLOTHES_COLOURS)
    top_name = _pick(rng, names)
    bottom_name = _pick(rng, names)
    for _ in range(10):  # tops close to skin or to the bottoms blur the figure; real people vary, but
        if _contrast(CLOTHES_COLOURS[top_name], skin) > 0.25 and top_name != bottom_name:
            break  # keep the sampled outfit readable
        top_name = _pick(rng, names)
    shoe_name = _pick(rng, SHOE_COLOURS)
    return Look(skin_type=skin_type, skin=skin, hair=HAIR_COLOURS[hair_name], top=CLOTHES_COLOURS[top_name],
                bottom=CLOTHES_COLOURS[bottom_name], shoe=SHOE_COLOURS[shoe_name],
                prop=_pick(rng, PROP_COLOURS), hair_name=hair_name, top_name=top_name,
                bottom_name=bottom_name, shoe_name=shoe_name)


def sample_room(rng: np.random.Generator, *, body_center: tuple[float, float, float] = (0.0, 0.0, 0.0),
                head_dir: tuple[float, float, float] = (1.0, 0.0, 0.0), look: Look | None = None) -> Room:
    """A random room: floor kind and colour, wall colour, a mat under the body (or none), 0–3 clutter
    items standing 1.4 m or more from the body."""
    floor_kind = _pick(rng, FLOOR_KINDS)
    floor = _pick(rng, FLOOR_KINDS[floor_kind])
    wall = _pick(rng, WALL_COLOURS)
    bx, _, bz = (float(v) for v in body_center)
    hx, hz = float(head_dir[0]), float(head_dir[2])
    yaw = float(np.degrees(np.arctan2(hz, hx)))
    mat = None
    if rng.random() < 0.7:
        mcol = _pick(rng, MAT_COLOURS)
        if look is not None:
            for _ in range(10):
                if _contrast(mcol, look.bottom) > 0.3 and _contrast(mcol, look.top) > 0.3:
                    break
                mcol = _pick(rng, MAT_COLOURS)
        mat = Mat(center=(bx + rng.uniform(-0.1, 0.1), bz + rng.uniform(-0.08, 0.08)),
                  size=(float(rng.uniform(1.7, 1.9)), float(rng.uniform(0.58, 0.7))),
                  yaw_deg=yaw + float(rng.uniform(-6, 6)), color=mcol)
    hw_x = float(rng.uniform(2.8, 4.5))
    hw_z = float(rng.uniform(1.6, 3.5))
    extent = (bx - hw_x, bx + hw_x, bz - hw_z, bz + hw_z)
    clutter = []
    for _ in range(int(rng.integers(0, 4))):
        kind = _pick(rng, ("sofa", "plant", "box", "chair"))
        # against a wall, away from the body
        wall_side = int(rng.integers(4))
        if wall_side < 2:
            zc = extent[2] + 0.5 if wall_side == 0 else extent[3] - 0.5
            xc = float(rng.uniform(extent[0] + 0.6, extent[1] - 0.6))
            yaw_c = 0.0 if wall_side == 0 else 180.0
        else:
            xc = extent[0] + 0.5 if wall_side == 2 else extent[1] - 0.5
            zc = float(rng.uniform(extent[2] + 0.6, extent[3] - 0.6))
            yaw_c = 90.0 if wall_side == 2 else -90.0
        if np.hypot(xc - bx, zc - bz) < 1.4:
            continue
        clutter.append(Clutter(kind=kind, position=(xc, zc), yaw_deg=yaw_c + float(rng.uniform(-10, 10)),
                               color=_pick(rng, WALL_COLOURS[2:] + tuple(CLOTHES_COLOURS.values())[:6]),
                               scale=float(rng.uniform(0.9, 1.1))))
    return Room(floor_kind=floor_kind, floor_color=floor, wall_color=wall, extent=extent,
                ceiling=float(rng.uniform(2.4, 2.8)), mat=mat, clutter=tuple(clutter))


def sample_lighting(rng: np.random.Generator, *, toward: tuple[float, float, float] | None = None,
                    spread_deg: float = 80.0) -> Lighting:
    """Key light from above and to a side (ceiling lamp or window), random strength and tint.

    ``toward``: a horizontal direction (e.g. from the body to the camera); the key light's azimuth is
    then drawn within ±``spread_deg`` of it (people film facing the light; a backlit figure is mostly
    silhouette).
    """
    if toward is None:
        az = rng.uniform(0, 2 * np.pi)
    else:
        az = np.arctan2(toward[2], toward[0]) + np.radians(rng.uniform(-spread_deg, spread_deg))
    el = np.radians(rng.uniform(35, 75))
    d = (float(np.cos(el) * np.cos(az)), float(np.sin(el)), float(np.cos(el) * np.sin(az)))
    warm = rng.uniform(-1, 1)
    tint = (1.0 + 0.06 * warm, 1.0, 1.0 - 0.06 * warm)
    return Lighting(direction=d, key=float(rng.uniform(0.45, 0.7)), fill=float(rng.uniform(0.1, 0.22)),
                    ambient=float(rng.uniform(0.26, 0.4)), tint=tint)


def sample_scene(rng: np.random.Generator, *, body_center: tuple[float, float, float] = (0.0, 0.0, 0.0),
                 head_dir: tuple[float, float, float] = (1.0, 0.0, 0.0)) -> Scene:
    """A random look, room and light. ``body_center``/``head_dir`` place the mat under the body."""
    look = sample_look(rng)
    room = sample_room(rng, body_center=body_center, head_dir=head_dir, look=look)
    return Scene(look=look, room=room, lighting=sample_lighting(rng))


#: Named views: (yaw from side-on toward the head, degrees; mirrored side; camera height range metres).
CAMERA_VIEWS: dict[str, tuple[float, bool, tuple[float, float]]] = {
    "side": (0.0, False, (0.25, 1.0)),
    "other_side": (0.0, True, (0.25, 1.0)),
    "oblique": (30.0, False, (0.25, 1.0)),
    "oblique45": (45.0, False, (0.25, 1.0)),
    "head_end": (60.0, False, (0.25, 1.0)),
    "feet_end": (-60.0, False, (0.25, 1.0)),
    # directly behind a kneeling or lying person (toward the feet), the placement the lumbar locked
    # rotation's camera advice names for a sideways hip shift or hip rotation; added last so the
    # shipped data's seeds (which never draw it) render as before
    "behind": (-90.0, False, (0.25, 1.0)),
    "floor": (0.0, False, (0.05, 0.2)),
    "high": (0.0, False, (1.4, 1.8)),
}


def _height_mode(rng: np.random.Generator) -> tuple[str, float]:
    u = rng.random()
    if u < 0.4:
        return "floor", float(rng.uniform(0.05, 0.2))
    if u < 0.85:
        return "furniture", float(rng.uniform(0.4, 1.0))
    return "held", float(rng.uniform(1.2, 1.8))


def sample_camera(rng: np.random.Generator, *, view: str | None, body_center: tuple[float, float, float],
                  body_length: float, size: tuple[int, int] = (480, 270),
                  head_dir: tuple[float, float, float] = (1.0, 0.0, 0.0), side_sign: int | None = None,
                  points: np.ndarray | None = None, margin: float = 0.06) -> tuple[Camera, dict[str, Any]]:
    """Place a phone the way people prop one up to film themselves.

    Parameters
    ----------
    rng : numpy.random.Generator
    view : str or None
        A name from :data:`CAMERA_VIEWS` or None for a fully random placement.
    body_center : tuple of 3 float
        Middle of the body, metres (the camera aims near it).
    body_length : float
        Extent of the body along its long axis, metres (frames the whole body).
    size : tuple of int
        (width, height) in pixels; portrait when height > width.
    head_dir : tuple of 3 float
        Horizontal direction the head points (yaw sign reference).
    side_sign : {+1, -1} or None
        Which side of the body (+z or −z of a body along x) a side-on camera stands; None: rng.
    points : ndarray of shape (N, 3), optional
        Body points that must all be in frame (the camera backs off until they are, up to 6 m).
    margin : float
        Fraction of the frame kept free around ``points``.

    Returns
    -------
    camera : Camera
    info : dict
        JSON-ready placement parameters (view, yaw_deg, height_m, distance_m, mode, side_sign, ...).
    """
    if view is not None and view not in CAMERA_VIEWS:
        raise ValueError(f"unknown view {view!r}; choose from {', '.join(CAMERA_VIEWS)}")
    w, h = int(size[0]), int(size[1])
    if side_sign is None:
        side_sign = 1 if rng.random() < 0.5 else -1
    long_fov = float(rng.uniform(55, 75))  # phone lenses: the long side of the frame
    if w >= h:
        hfov = long_fov
    else:
        hfov = float(np.degrees(2 * np.arctan(np.tan(np.radians(long_fov) / 2) * w / h)))
    if view is None:
        mode, height = _height_mode(rng)
        yaw = float(rng.uniform(-60, 60))
        mirrored = False
        dist = float(rng.uniform(1.5, 5.0))
    else:
        yaw, mirrored, (h0, h1) = CAMERA_VIEWS[view]
        if view == "oblique" or view == "oblique45":
            yaw = yaw * (1 if rng.random() < 0.5 else -1)
        yaw += float(rng.uniform(-4, 4))
        height = float(rng.uniform(h0, h1))
        mode = "held" if view == "high" else ("floor" if height < 0.25 else "furniture")
        dist = None  # set below: framing the body with a little room to spare, as people do
    sign = -side_sign if mirrored else side_sign
    roll = float(rng.uniform(-5, 5))
    c = np.asarray(body_center, float)
    hd = np.array([head_dir[0], 0.0, head_dir[2]], float)
    hd /= max(np.linalg.norm(hd), 1e-9)
    lateral = np.cross(hd, [0.0, 1.0, 0.0])  # head toward +x: lateral = +z, the side_sign=+1 side
    a = np.radians(yaw)
    horiz = np.cos(a) * lateral * sign + np.sin(a) * hd
    target = c + np.array([rng.uniform(-0.05, 0.05) * body_length, rng.uniform(-0.05, 0.1), 0.0])
    target[1] = max(float(target[1]), 0.1)
    # minimum distance so the body's length fits the frame width with margin
    tan_half = np.tan(np.radians(hfov) / 2)
    need = body_length * (0.5 + margin + 0.05) / tan_half * max(abs(np.cos(a)), 0.5)
    if dist is None:
        near = max(float(need), 2.0)  # ROUTINE.md: phones stand 2–4 m away
        dist = float(min(near * rng.uniform(1.0, 1.5), max(near, 4.0)))
    dist = max(dist, float(need))
    cam = None
    def place(d: float) -> Camera:
        flat = np.sqrt(max(d ** 2 - (height - target[1]) ** 2, 0.25))
        pos = target + horiz * flat
        pos[1] = height
        return Camera(tuple(float(v) for v in pos), tuple(float(v) for v in target), w, h, hfov, roll)

    fill = float(rng.uniform(0.35, 0.5))  # named views: the body spans at least this much of the frame
    cam = place(dist)
    for _ in range(40):
        if points is None or _in_frame(cam, points, margin):
            break
        dist *= 1.06
        cam = place(dist)
        if dist > 6.5:
            break
    # seen end-on a body is narrow: step closer (not nearer than 1.8 m) until it fills the frame, as
    # someone checking the phone's screen would
    while view is not None and points is not None and dist * 0.95 >= 1.8 and _width_fraction(cam, points) < fill:
        closer = place(dist * 0.95)
        if not _in_frame(closer, points, margin):
            break
        dist, cam = dist * 0.95, closer
    info = {"view": view, "mode": mode, "yaw_deg": round(yaw, 2), "side_sign": int(sign),
            "height_m": round(height, 3), "distance_m": round(float(dist), 3), "hfov_deg": round(hfov, 2),
            "roll_deg": round(roll, 2), "position": [round(float(v), 4) for v in cam.position],
            "target": [round(float(v), 4) for v in cam.target], "size": [w, h]}
    return cam, info


def _width_fraction(cam: Camera, points: np.ndarray) -> float:
    uv, _ = cam.project(np.asarray(points, float))
    return float(max(np.ptp(uv[:, 0]) / cam.width, np.ptp(uv[:, 1]) / cam.height))


def _in_frame(cam: Camera, points: np.ndarray, margin: float) -> bool:
    uv, z = cam.project(np.asarray(points, float))
    if (z <= 0.1).any():
        return False
    mx, my = margin * cam.width, margin * cam.height
    return bool(((uv[:, 0] > mx) & (uv[:, 0] < cam.width - mx) & (uv[:, 1] > my)
                 & (uv[:, 1] < cam.height - my)).all())


# ----------------------------------------------------------------------------------------- sensor
def degrade_frame(frame: np.ndarray, rng: np.random.Generator, *, noise_sigma: float = 2.5,
                  blur_sigma: float = 0.6) -> np.ndarray:
    """Phone-sensor look before video encoding: slight blur then gaussian noise.

    Parameters
    ----------
    frame : ndarray of shape (H, W, 3), uint8 BGR
    rng : numpy.random.Generator
    noise_sigma : float
        Standard deviation of the noise in 8-bit levels.
    blur_sigma : float
        Gaussian blur sigma in pixels (0: none).

    Returns
    -------
    ndarray of shape (H, W, 3), uint8 BGR
    """
    img = frame.astype(np.float32)
    if blur_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), blur_sigma)
    if noise_sigma > 0:
        img += rng.normal(0.0, noise_sigma, img.shape).astype(np.float32)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)
