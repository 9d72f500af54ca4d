from django import forms
from js_asset import Media


class FormMediaNonceMiddleware:
    """Give form media the request's Content-Security-Policy nonce.

    The prose editor loads its modules through an inline import map, which a
    strict policy only runs when it carries the nonce of the response. The
    admin renders form media from its template context, so the nonce is added
    there, for every admin page at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        context = response.context_data
        media = context.get("media") if isinstance(context, dict) else None
        nonce = getattr(request, "csp_nonce", None)
        if isinstance(media, forms.Media) and nonce is not None:
            context["media"] = Media.from_media(media, nonce=nonce)
        return response
