"""The future liver remnant (FLR) threshold that applies, body surface area and total estimated liver volume.

* BSA (m²), Mosteller: ``sqrt(height_cm x weight_kg / 3600)`` (Mosteller RD, N Engl J Med 1987;317:1098).
* TELV (mL), Vauthey 2002: ``-794.41 + 1267.28 x BSA`` (Vauthey JN, Abdalla EK, Doherty DA, et al.
  Body surface area and body weight predict total liver volume in Western adults. Liver Transpl
  2002;8:233-240).
* sFLR (standardised FLR, %) = FLR volume / TELV x 100 (Vauthey JN, Chaoui A, Do KA, et al.
  Standardized measurement of the future liver remnant prior to extended liver resection.
  Surgery 2000;127:512-519).

Thresholds (the highest that applies wins): >= 20 % normal liver; >= 30 % after extensive
chemotherapy (:data:`EXTENSIVE_CHEMOTHERAPY_CYCLES`) or with steatosis / chemotherapy-associated
injury; >= 40 % cirrhosis. An unknown input is named in the reason, never guessed as present.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cned_viewer.core.clinical import ClinicalData

#: More than this many cycles is "extensive": 6 two-weekly cycles (FOLFOX / FOLFIRI) are 12 weeks,
#: and Kishi 2009 found that > 12 weeks of preoperative chemotherapy needs an sFLR > 30 %.
EXTENSIVE_CHEMOTHERAPY_CYCLES = 6

KISHI_2009 = ("Kishi Y, Abdalla EK, Chun YS, et al. Three hundred and one consecutive extended right hepatectomies: "
              "evaluation of outcome based on systematic liver volumetry. Ann Surg 2009;250:540-548")
ADAMS_2013 = ("Adams RB, Aloia TA, Loyer E, et al. Selection for hepatic resection of colorectal liver metastases: "
              "expert consensus statement. HPB (Oxford) 2013;15:91-103")
KUBOTA_1997 = ("Kubota K, Makuuchi M, Kusaka K, et al. Measurement of liver volume and hepatic functional reserve as a "
               "guide to decision-making in resectional surgery for hepatic tumors. Hepatology 1997;26:1176-1181")

NORMAL_PERCENT, INJURED_PERCENT, CIRRHOSIS_PERCENT = 20.0, 30.0, 40.0


@dataclass(frozen=True)
class FlrThreshold:
    """The minimum FLR (%) for this liver, why (``reason``), the source of the number, and the inputs that were unknown."""

    percent: float
    reason: str
    source: str
    unknown: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """What the threshold did not assume ("" when every input was known)."""
        if not self.unknown:
            return ""
        names = self.unknown[0] if len(self.unknown) == 1 else f"{', '.join(self.unknown[:-1])} and {self.unknown[-1]}"
        return f"{names} unknown: the FLR threshold does not assume {'it' if len(self.unknown) == 1 else 'them'}"


def bsa_mosteller_m2(height_cm: float, weight_kg: float) -> float:
    """Body surface area (m²) by Mosteller 1987."""
    if height_cm <= 0 or weight_kg <= 0:
        raise ValueError(f"height and weight must be positive, got {height_cm} cm and {weight_kg} kg")
    return math.sqrt(height_cm * weight_kg / 3600.0)


def telv_vauthey_ml(bsa_m2: float) -> float:
    """Total estimated liver volume (mL) from the body surface area, Vauthey 2002."""
    return -794.41 + 1267.28 * bsa_m2


def flr_threshold(clinical: ClinicalData) -> FlrThreshold:
    """The threshold for the liver that ``clinical`` describes (module doc)."""
    cycles = clinical.chemotherapy_cycles
    unknown = tuple(name for name, value in (("cirrhosis", clinical.cirrhosis), ("steatosis", clinical.steatosis),
                                             ("chemotherapy cycles", cycles)) if value is None)
    higher_unknown = unknown[:1] if clinical.cirrhosis is None else ()  # only cirrhosis could raise a 30 % threshold
    if clinical.cirrhosis:
        return FlrThreshold(CIRRHOSIS_PERCENT, "cirrhosis", f"{KUBOTA_1997}; {ADAMS_2013}")
    if cycles is not None and cycles > EXTENSIVE_CHEMOTHERAPY_CYCLES:
        reason = f"extensive chemotherapy: {cycles} cycles > {EXTENSIVE_CHEMOTHERAPY_CYCLES}, about 12 weeks"
        return FlrThreshold(INJURED_PERCENT, reason, f"{KISHI_2009}; {ADAMS_2013}", higher_unknown)
    if clinical.steatosis:
        return FlrThreshold(INJURED_PERCENT, "steatosis / chemotherapy-associated liver injury", ADAMS_2013, higher_unknown)
    return FlrThreshold(NORMAL_PERCENT, "normal liver", f"{KISHI_2009}; {ADAMS_2013}", unknown)
