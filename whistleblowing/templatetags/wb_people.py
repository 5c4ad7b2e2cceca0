"""``{% can_manage_wb_people as can %}``: may the user open the secretariat's people and
routes page (``permissions.can_manage_people``)? For links only; the views check again."""

from __future__ import annotations

from typing import Any

from django import template

from whistleblowing.permissions import can_manage_people

register = template.Library()


@register.simple_tag(takes_context=True)
def can_manage_wb_people(context: dict[str, Any]) -> bool:
    request = context.get("request")
    return bool(request is not None and can_manage_people(request.user))
