"""Template tags for the reader's site: absolute addresses, page links, section navigation and story cards."""

from django import template

from .. import readmodel
from ..context_processors import furniture
from ..fragments import render_fragment
from ..links import absolute, site_links

register = template.Library()


@register.simple_tag
def absolute_url(path):
    """path on the outlet's public address (SITE_URL); full URLs pass through."""
    return absolute(path)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current address with ?page=number, keeping the other query parameters (e.g. q)."""
    query = context["request"].GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path


@register.simple_tag(takes_context=True)
def section_nav(context):
    """The section navigation, the page being read marked current (a Jinja2 fragment: it is on every page)."""
    path = getattr(context.get("request"), "path", "")
    return render_fragment("reader/frame/nav.html", sections=furniture(context)["nav"], path=path, links=site_links())


@register.simple_tag
def article_cards(ids, variant):
    """The rendered cards of the live articles with these ids, in order: `{% article_cards ids "list" as cards %}`."""
    return readmodel.card_groups([(ids, variant)])[0]
