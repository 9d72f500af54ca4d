from django import template

from ..readmodel import default_footer

register = template.Library()


@register.inclusion_tag("reader/includes/promo_footer.html", takes_context=True)
def promo_footer(context, article):
    """The footer block under an article: its own footer or the site default (`Article.footer`)."""
    footer = article.footer(site_default=default_footer)
    teaser = footer.teaser(exclude=article) if footer else None
    tagline = as_sentence(footer.tagline) if footer else ""
    return {"footer": footer, "tagline": tagline, "teaser": teaser, "SITE_NAME": context.get("SITE_NAME")}


@register.filter
def as_sentence(text):
    """text ending as a sentence: a trailing colon (which led into a teaser) becomes a full stop, and a sentence
    with no closing punctuation gets one. The teaser follows as a sentence of its own."""
    text = (text or "").strip()
    if not text:
        return text
    text = text.rstrip(":").rstrip()
    return text if text[-1] in '.!?…”’")' else f"{text}."
