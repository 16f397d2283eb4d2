"""Template helpers of the training app: a coordinator's "today's trainings" card, shown on
their home and journey pages so check-in is one tap away."""

from django import template

from penggerak.accounts import access
from penggerak.training import selectors

register = template.Library()

TODAY_CARD_ROWS = 5


@register.inclusion_tag("training/partials/today_card.html")
def today_trainings(user) -> dict:
    """Today's non-cancelled events of a coordinator's communities (first few), each with
    its check-in button; nothing for other roles. One query."""
    if not access.is_signed_in(user) or not access.is_coordinator(user):
        return {"show": False}
    rows = list(selectors.events_today(actor=user)[: TODAY_CARD_ROWS + 1])
    return {
        "show": True,
        "events": rows[:TODAY_CARD_ROWS],
        "more": len(rows) > TODAY_CARD_ROWS,
    }
