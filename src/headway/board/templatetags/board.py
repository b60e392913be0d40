"""Template helpers: `user|may:"verb"` asks the permission table whether to show a link.

Showing or hiding a link is only a courtesy; every view checks again on the server.
"""

from django import template

from headway.board.permissions import can

register = template.Library()


@register.filter
def may(user, verb: str) -> bool:
    return can(user, verb)


@register.filter
def day(value) -> str:
    """A date as 31 March 2026 (GOV.UK style), or an empty string."""
    return f"{value.day} {value:%B %Y}" if value else ""
