"""Role names of the active programme in place of the generic 牵头园 / 结对园 labels.

Core describes the roster with generic labels (牵头园, 结对园); the programme says what the
two sides are called in its county (核心幼儿园 / 受援学区, 帮扶园 / 被帮扶农村园 …). This is
display only: which side is which is decided by core.
"""

from __future__ import annotations

from gongtongti_desktop.core.profile.programme import Programme

GENERIC_LEAD = "牵头园"
GENERIC_PARTNER = "结对园"


class RoleLabels:
    def __init__(self, programme: Programme) -> None:
        self.lead = programme.roles.lead
        self.partners = programme.roles.partners
        self.partner = "／".join(self.partners)

    def relabel(self, text: str, partner_role: str = "") -> str:
        """``text`` with the generic side names replaced by the programme's role names.

        ``partner_role`` names the other side when it is known (e.g. chosen in a dialog).
        """
        if text == "结对园角色":
            return "结对角色"
        partner = partner_role or self.partner
        return text.replace(GENERIC_LEAD, self.lead).replace(GENERIC_PARTNER, partner)
