"""C-NED score (conversion to no evidence of disease), Li et al., Am J Cancer Res 2022.

One point each: poorly differentiated primary; more than 8 liver metastases; TLVR >= 0.23
(cut-offs in :mod:`cned_viewer.scores.evidence`). Total 0-3; each total is its own group,
the one the per-group conversion and survival figures refer to.
"""

from cned_viewer.scores.criteria import LESION_COUNT_SOURCE, TLVR_SOURCE, at_least, equals, more_than
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import CNED, CNED_GROUPS, CNED_LESION_COUNT_ABOVE, CNED_TLVR_AT_LEAST
from cned_viewer.scores.registry import register

SCORE = register(ScoreDefinition(
    id="cned",
    name="C-NED",
    evidence=CNED,
    items=(
        equals("poor_differentiation", "Poorly differentiated primary", "differentiation", "poor",
               description="Pathology of the primary tumour: poorly differentiated."),
        more_than("lesion_count", f"More than {CNED_LESION_COUNT_ABOVE} liver metastases", "lesion_count",
                  CNED_LESION_COUNT_ABOVE, description=LESION_COUNT_SOURCE),
        at_least("tlvr", f"TLVR >= {CNED_TLVR_AT_LEAST}", "tlvr", CNED_TLVR_AT_LEAST, description=TLVR_SOURCE),
    ),
    groups=CNED_GROUPS,
))
