"""`{{ action.title|said }}`: a stored English name (a play's step, a deliverable, an onboarding
item) in the reader's language when the catalog has it, as typed otherwise."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def said(value) -> str:
    return gettext(value) if value else value
