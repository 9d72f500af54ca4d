"""Template tags for the furniture of every reader page: breaking news, the outlet's pages, most read, sharing.

The error pages that must render without the database (500, 503: `is_error_page`) show none of it.
"""

from urllib.parse import quote, urlencode

from django import template

from .. import readmodel
from ..context_processors import furniture
from ..links import absolute

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


@register.inclusion_tag("reader/includes/share.html")
def share_links(path, title):
    """Links that share a page on X, Facebook, WhatsApp or by email, and a copy-link button: plain links to
    each service's own share address, so no third-party script or tracker loads."""
    url = absolute(path)
    return {
        "url": url,
        "links": [
            ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
            ("Email", f"mailto:?subject={quote(title, safe='')}&body={quote(url, safe='')}"),
        ],
    }
