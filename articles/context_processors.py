from django.conf import settings


def site(request):
    """The outlet's name, tagline and address, so another outlet can reuse the templates."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": settings.SITE_URL,
        "SITE_LANGUAGE": settings.SITE_LANGUAGE,
    }
