"""Dressing the skeleton: ellipsoids and tapered capsules with material tags the renderer colours.

:func:`dress` turns a posed :class:`~.body.Skeleton` and an :class:`Outfit` into primitives of
:mod:`repcheck.synth.primitives`. Materials: ``skin``, ``hair``, ``top`` (shirt and sleeves), ``bottom``
(shorts or leggings), ``shoe``; the head ellipsoid carries ``tag="head"`` so the renderer paints eyes,
brows and mouth on it. Face geometry (nose, ears) and hair volume are primitives of their own: face cues
are what anchors MediaPipe's person detector (prototype README: no face, 57–73 % detection; with face
cues, 100 %).

Radii are for the 1.75 m reference body and scale with :attr:`BodyShape.scale` and, for soft tissue,
:attr:`BodyShape.girth`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .body import BodyShape, Skeleton, frame_from
from .primitives import Ellipsoid, Primitive, RoundCone

__all__ = ["Outfit", "dress", "SLEEVES", "BOTTOMS", "HAIR_STYLES"]

SLEEVES = ("none", "short", "long")
BOTTOMS = ("shorts", "capri", "leggings")
HAIR_STYLES = ("short", "long", "bun", "bald")


@dataclass(frozen=True)
class Outfit:
    """The cut of the clothes and the hair (colours are the renderer's :class:`~.scene.Look`).

    Attributes
    ----------
    sleeves : {"none", "short", "long"}
        Tank top, T-shirt or long-sleeved top.
    bottom : {"shorts", "capri", "leggings"}
        Shorts end above the knee, capri below it, leggings at the ankle.
    hair : {"short", "long", "bun", "bald"}
    shoes : bool
        Trainers (False: socks/barefoot, smaller feet).
    loose_top : float
        Extra radius of the shirt around the trunk (fraction, 0–0.15).
    """

    sleeves: str = "short"
    bottom: str = "leggings"
    hair: str = "short"
    shoes: bool = True
    loose_top: float = 0.04

    def __post_init__(self) -> None:
        if self.sleeves not in SLEEVES:
            raise ValueError(f"Outfit.sleeves must be one of {SLEEVES}, got {self.sleeves!r}")
        if self.bottom not in BOTTOMS:
            raise ValueError(f"Outfit.bottom must be one of {BOTTOMS}, got {self.bottom!r}")
        if self.hair not in HAIR_STYLES:
            raise ValueError(f"Outfit.hair must be one of {HAIR_STYLES}, got {self.hair!r}")

    @property
    def hair_style(self) -> str:
        return self.hair

    @classmethod
    def sample(cls, rng: np.random.Generator, body: BodyShape | None = None) -> Outfit:
        """A random outfit (``body`` is accepted for API symmetry; girth follows the body in :func:`dress`)."""
        return cls(
            sleeves=str(rng.choice(SLEEVES, p=[0.25, 0.5, 0.25])),
            bottom=str(rng.choice(BOTTOMS, p=[0.3, 0.2, 0.5])),
            hair=str(rng.choice(HAIR_STYLES, p=[0.4, 0.25, 0.25, 0.1])),
            shoes=bool(rng.random() < 0.7),
            loose_top=float(rng.uniform(0.0, 0.12)),
        )


def dress(skeleton: Skeleton, outfit: Outfit | None = None) -> list[Primitive]:
    """Primitives of the dressed mannequin in world metres.

    Parameters
    ----------
    skeleton : Skeleton
        A posed body.
    outfit : Outfit, optional
        Default :class:`Outfit` ().

    Returns
    -------
    list of Primitive
        Ellipsoids and round cones with material names; the head has ``tag="head"``.
    """
    o = outfit or Outfit()
    J, F, b = skeleton.joints, skeleton.frames, skeleton.body
    sc, g = b.scale, b.girth
    gs = sc * g  # soft-tissue radii
    lt = 1.0 + o.loose_top
    P: list[Primitive] = []
    Rp, Rl, Rt, Rr = F["pelvis"], F["lumbar"], F["thorax"], F["ribcage"]
    # ---- trunk: pelvis block, abdomen, rib cage, shoulder girdle
    hipw = b.hip_half / (0.088 * sc)
    P.append(Ellipsoid(J["pelvis"] + Rp @ (np.array([0.0, 0.035, -0.015]) * sc), Rp,
                       np.array([0.160 * hipw, 0.115, 0.105]) * gs, "bottom"))
    mid_l = 0.5 * (J["sacrum"] + J["t12"])
    P.append(Ellipsoid(mid_l + Rl @ (np.array([0.0, 0.0, 0.055]) * gs), Rl,
                       np.array([0.140, 0.125, 0.098]) * gs * lt, "top"))
    ribc = J["t12"] + Rt[:, 1] * 0.55 * b.thoracic + Rr @ (np.array([0.0, 0.0, 0.065]) * sc)
    shw = b.shoulder_half / (0.185 * sc)
    P.append(Ellipsoid(ribc, Rr, np.array([0.150 * shw, 0.175, 0.112]) * np.array([g, 1.0, g]) * sc * lt, "top"))
    P.append(RoundCone(J["left_shoulder"], J["right_shoulder"], 0.058 * gs, 0.058 * gs, "top"))
    # ---- neck and head
    Hd, hc = F["head"], J["head"]
    neck_top = hc - Hd[:, 1] * 0.07 * sc - Hd[:, 2] * 0.02 * sc
    P.append(RoundCone(J["c7"] + Rt[:, 2] * 0.03 * sc, neck_top, 0.055 * gs, 0.048 * gs, "skin"))
    hr = b.head_radii
    P.append(Ellipsoid(hc, Hd, hr, "skin", tag="head"))
    k = hr / np.array([0.078, 0.118, 0.098])
    P.append(Ellipsoid(hc + Hd @ (np.array([0.0, -0.018, 0.090]) * k), Hd, np.array([0.013, 0.026, 0.024]) * k,
                       "skin"))  # nose
    for s in (1.0, -1.0):
        P.append(Ellipsoid(hc + Hd @ (np.array([s * 0.076, 0.0, -0.008]) * k), Hd,
                           np.array([0.014, 0.032, 0.021]) * k, "skin"))  # ears
    if o.hair == "long":
        a = hc - Hd[:, 2] * 0.07 * k[2] + Hd[:, 1] * 0.02 * sc
        c = hc - Hd[:, 2] * 0.09 * k[2] - Hd[:, 1] * 0.17 * sc
        P.append(RoundCone(a, c, 0.075 * sc, 0.055 * sc, "hair"))
    elif o.hair == "bun":
        P.append(Ellipsoid(hc - Hd[:, 2] * 0.085 * k[2] + Hd[:, 1] * 0.075 * k[1], Hd,
                           np.array([0.045, 0.040, 0.040]) * sc, "hair"))
    # ---- arms
    for side in ("left", "right"):
        sh, el, wr = J[f"{side}_shoulder"], J[f"{side}_elbow"], J[f"{side}_wrist"]
        if o.sleeves == "long":
            P.append(RoundCone(sh, el, 0.052 * gs, 0.041 * gs, "top"))
            P.append(RoundCone(el, wr, 0.041 * gs, 0.030 * gs, "top", "skin", 0.92))
        elif o.sleeves == "short":
            P.append(RoundCone(sh, el, 0.052 * gs, 0.041 * gs, "top", "skin", 0.45))
            P.append(RoundCone(el, wr, 0.041 * gs, 0.030 * gs, "skin"))
        else:
            P.append(RoundCone(sh, el, 0.050 * gs, 0.040 * gs, "skin"))
            P.append(RoundCone(el, wr, 0.040 * gs, 0.030 * gs, "skin"))
        Hf = F[f"{side}_hand"]  # across (thumb side), along, palm normal
        R = np.stack([Hf[:, 1], Hf[:, 0], Hf[:, 2]], axis=1)
        # palm, fingers and thumb: a hand reads as a hand, not as a paddle continuing the forearm (a foot)
        P.append(Ellipsoid(wr + Hf[:, 1] * 0.24 * b.hand, R, np.array([0.28 * b.hand, 0.043 * sc, 0.018 * sc]),
                           "skin"))
        P.append(Ellipsoid(wr + Hf[:, 1] * 0.66 * b.hand, R, np.array([0.30 * b.hand, 0.037 * sc, 0.011 * sc]),
                           "skin"))
        P.append(RoundCone(wr + Hf[:, 1] * 0.10 * b.hand + Hf[:, 0] * 0.025 * sc,
                           wr + Hf[:, 1] * 0.42 * b.hand + Hf[:, 0] * 0.070 * sc + Hf[:, 2] * 0.012 * sc,
                           0.013 * sc, 0.009 * sc, "skin"))
    # ---- legs
    split = {"shorts": 0.55, "capri": None, "leggings": None}[o.bottom]
    for side in ("left", "right"):
        hp, kn, an = J[f"{side}_hip"], J[f"{side}_knee"], J[f"{side}_ankle"]
        if split is not None:
            P.append(RoundCone(hp, kn, 0.085 * gs, 0.056 * gs, "bottom", "skin", split))
        else:
            P.append(RoundCone(hp, kn, 0.085 * gs, 0.056 * gs, "bottom"))
        if o.bottom == "leggings":
            P.append(RoundCone(kn, an, 0.052 * gs, 0.035 * gs, "bottom", "skin", 0.85))
        elif o.bottom == "capri":
            P.append(RoundCone(kn, an, 0.052 * gs, 0.035 * gs, "bottom", "skin", 0.45))
        else:
            P.append(RoundCone(kn, an, 0.050 * gs, 0.034 * gs, "skin"))
        Ff = F[f"{side}_foot"]  # across, along (heel→toe), up (sole→instep)
        fmat = "shoe" if o.shoes else "sock"
        fr = 1.0 if o.shoes else 0.85
        heel_c = an - Ff[:, 1] * 0.17 * b.foot - Ff[:, 2] * 0.035 * sc
        toe_c = an + Ff[:, 1] * 0.62 * b.foot - Ff[:, 2] * 0.045 * sc
        P.append(Ellipsoid(an, frame_from(Ff[:, 2], Ff[:, 1]), np.array([0.038, 0.038, 0.038]) * sc * fr, fmat))
        P.append(RoundCone(heel_c, toe_c, 0.037 * sc * fr, 0.028 * sc * fr, fmat))
        P.append(RoundCone(an, 0.5 * (heel_c + toe_c) + Ff[:, 2] * 0.01 * sc, 0.036 * sc * fr, 0.033 * sc * fr,
                           fmat))
    return P


def skeleton_points(skeleton: Skeleton) -> np.ndarray:
    """All anatomical joint positions of a skeleton, shape (J, 3) (for framing and bounds)."""
    return np.stack([np.asarray(v, float) for v in skeleton.joints.values()])
