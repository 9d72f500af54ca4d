"""The story body with its images and embeds expanded (see `reader.body`)."""

from django import template

from ..body import has_embeds, render_body

register = template.Library()


@register.simple_tag
def story_body(article):
    """`{% story_body article %}`: the sanitised body, its figures and embed placeholders expanded."""
    return render_body(article.body, getattr(article, "body_media", None))


@register.filter
def shows_embeds(article):
    """Whether the body holds an embed, so the page loads the small script behind their buttons."""
    return has_embeds(article.body)
