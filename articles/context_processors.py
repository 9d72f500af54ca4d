from django.conf import settings


def site(request):
    """The outlet's name and tagline, so another outlet can reuse the templates."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": settings.SITE_TAGLINE}
