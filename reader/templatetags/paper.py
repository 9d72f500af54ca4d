"""Template tags for the furniture of every reader page: breaking news, the outlet's pages, most read.

The error pages that must render without the database (500, 503: `is_error_page`) show none of it.
"""

from django import template
from django.utils import timezone

from .. import readmodel
from ..context_processors import furniture
from ..fragment_templates import local_date

register = template.Library()


@register.inclusion_tag("reader/includes/breaking.html", takes_context=True)
def breaking_banner(context):
    return {"banner": None if context.get("is_error_page") else furniture(context)["banner"]}


@register.inclusion_tag("reader/includes/site_pages.html", takes_context=True)
def site_page_links(context):
    return {"pages": [] if context.get("is_error_page") else furniture(context)["pages"]}


@register.inclusion_tag("reader/includes/most_read.html")
def most_read():
    return {"items": readmodel.most_read()}


@register.simple_tag
def today(format_string):
    """`{% today "l j F Y" %}`: what `{% now %}` writes, written as cards write their dates (a tenth of the cost)."""
    return local_date(timezone.now(), format_string)
