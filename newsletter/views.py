"""The reader's side of the newsletter: sign up, confirm, unsubscribe. No account, no cookie.

The sign-up page is an ordinary cached page: its form needs no CSRF token (there is no session to ride, and
double opt-in means a forged sign-up sends nothing but a confirmation request). The confirm and unsubscribe
pages are per reader and never cached; each acts only on a POST, so a mail scanner that follows links
changes nothing, while a mail client's one-click unsubscribe (RFC 8058) is a POST to the same address.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from reader import readmodel

from . import selectors, services
from .exceptions import ConfirmationError
from .forms import SubscribeForm


def _form(data=None):
    return SubscribeForm(data, regions=readmodel.public_tag_list("region"), topics=readmodel.public_tag_list("topic"))


def _sign_up_page(request, form, status=200, **context):
    privacy = readmodel.site_page("privacy")
    return render(request, "newsletter/subscribe.html", {"form": form, "privacy": privacy, **context}, status=status)


def _too_many(request):
    """Sign-ups from one address (per IP, IPv6 by /64) and to one mailbox are limited; counting every POST."""
    by_client = is_ratelimited(
        request, group="newsletter-signup", key="ip", rate=settings.NEWSLETTER_SIGNUP_RATE, increment=True
    )
    by_mailbox = is_ratelimited(
        request,
        group="newsletter-mailbox",
        key=lambda _group, request: request.POST.get("email", "").strip().lower(),
        rate=settings.NEWSLETTER_MAILBOX_RATE,
        increment=True,
    )
    return by_client or by_mailbox


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        return _sign_up_page(request, _form())
    if _too_many(request):
        response = _sign_up_page(
            request, _form(), status=429, refused="Too many sign-ups from here just now. Please try again in an hour."
        )
        response["Retry-After"] = "3600"
        return response
    form = _form(request.POST)
    if not form.is_valid():
        return _sign_up_page(request, form, status=400)
    services.subscribe(
        email=form.cleaned_data["email"],
        region_ids=form.cleaned_data["regions"],
        topic_ids=form.cleaned_data["topics"],
    )
    return redirect("newsletter:check_inbox")


@require_http_methods(["GET", "HEAD"])
def check_inbox(request):
    return render(
        request, "newsletter/message.html", {"heading": "Check your inbox", "check_inbox": True, "noindex": True}
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    if request.method != "POST":
        return render(request, "newsletter/confirm.html", {"token": token, "noindex": True})
    try:
        services.confirm(token=token)
    except ConfirmationError as error:
        context = {"heading": "We could not confirm that", "problem": str(error), "noindex": True}
        return render(request, "newsletter/message.html", context, status=400)
    return render(
        request,
        "newsletter/message.html",
        {"heading": "You are subscribed", "confirmed": True, "noindex": True},
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, key):
    if request.method != "POST":
        known = selectors.is_subscribed(key)
        context = {"key": key, "known": known, "noindex": True}
        return render(request, "newsletter/unsubscribe.html", context, status=200 if known else 404)
    services.unsubscribe(key=key)
    # The same answer whether or not the link was still valid: the address is not subscribed either way.
    context = {"heading": "You are unsubscribed", "unsubscribed": True, "noindex": True}
    return render(request, "newsletter/message.html", context)
