"""Template tags for the furniture of every reader page: breaking news, the outlet's pages, most read.

The error pages that must render without the database (500, 503: `is_error_page`) show none of it.
"""

from django import template
from django.utils import timezone

from .. import readmodel
from ..context_processors import furniture
from ..fragment_templates import local_date
from ..fragments import render_fragment

register = template.Library()


@register.inclusion_tag("reader/includes/breaking.html", takes_context=True)
def breaking_banner(context):
    return {"banner": None if context.get("is_error_page") else furniture(context)["banner"]}


@register.simple_tag
def most_read():
    return render_fragment("reader/frame/most_read.html", items=readmodel.most_read())


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer of every reader page (a Jinja2 fragment), with the outlet's own pages but on error pages."""
    return render_fragment(
        "reader/frame/site_footer.html",
        site_name=context.get("SITE_NAME"),
        site_tagline=context.get("SITE_TAGLINE"),
        links=context.get("SITE_LINKS"),
        pages=[] if context.get("is_error_page") else furniture(context)["pages"],
        year=local_date(timezone.now(), "Y"),
    )


@register.simple_tag
def today(format_string):
    """`{% today "l j F Y" %}`: what `{% now %}` writes, written as cards write their dates (a tenth of the cost)."""
    return local_date(timezone.now(), format_string)
