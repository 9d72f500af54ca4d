from django import template

from ..readmodel import default_footer

register = template.Library()


@register.inclusion_tag("reader/includes/promo_footer.html", takes_context=True)
def promo_footer(context, article):
    """The footer block under an article: its own footer or the site default (`Article.footer`)."""
    footer = article.footer(site_default=default_footer)
    teaser = footer.teaser(exclude=article) if footer else None
    return {"footer": footer, "teaser": teaser, "SITE_NAME": context.get("SITE_NAME")}
