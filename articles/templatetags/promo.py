from django import template

register = template.Library()


@register.inclusion_tag("includes/promo_footer.html", takes_context=True)
def promo_footer(context, article):
    """The footer block under an article: its own footer or the site default."""
    footer = article.footer()
    teaser = footer.teaser(exclude=article) if footer else None
    return {"footer": footer, "teaser": teaser, "SITE_NAME": context.get("SITE_NAME")}
