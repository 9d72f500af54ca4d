"""Views of the furniture: the outlet's own pages, and the beacon that counts a story's reads."""

import re

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from articles.models import Article, StaticPage
from articles.paper import count_read

from . import readmodel

# Crawlers, link previewers, monitors and scripted clients: their visits are not reads. A request with no
# User-Agent at all is not a reader's browser either.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|scan|headless|lighthouse|python|curl|wget|httpclient|okhttp|"
    r"java/|go-http|ruby|perl|php|node-fetch|axios|facebookexternalhit|embedly|whatsapp|skypeuripreview",
    re.IGNORECASE,
)


# Larger ids cannot exist (a 64-bit key); the databases would refuse to compare with them.
MAX_ID = 2**63 - 1


def is_bot(user_agent):
    return not user_agent.strip() or bool(BOT_AGENT.search(user_agent))


@never_cache
@csrf_exempt
@require_POST
def count_article_read(request, pk):
    """Count one read of a live story (204): no cookie is read or set, nothing about the reader is kept.

    Called by the page's beacon once it has loaded, so a page served from the cache is counted too and
    counting never delays a page. Bots (by User-Agent) and stories that are not live are not counted.
    """
    if pk > MAX_ID or is_bot(request.headers.get("User-Agent", "")):
        return HttpResponse(status=204)
    if Article.objects.live().filter(pk=pk).exists():
        count_read(article_id=pk, at=timezone.now())
    return HttpResponse(status=204)


class SitePageView(TemplateView):
    """One of the outlet's own pages (About, Contact, …), while an editor has it shown."""

    template_name = "reader/site_page.html"

    def get_context_data(self, **kwargs):
        page = readmodel.site_page(self.kwargs["kind"])
        if page is None:
            raise Http404("No such page.")
        return super().get_context_data(page=page, **kwargs)


class SitePageKindConverter:
    """Matches only the addresses of the outlet's pages (/about/, /privacy/, …), so no other path is shadowed."""

    regex = "|".join(re.escape(kind) for kind in StaticPage.Kind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
