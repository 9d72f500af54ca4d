"""The newsletter's messages: plain text and HTML in the site's look, through Django's email framework."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from reader.links import absolute


def _message(*, to, subject, template, context, headers=None, connection=None):
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": settings.SITE_TAGLINE, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"newsletter/email/{template}.txt", context),
        from_email=settings.NEWSLETTER_FROM_EMAIL,
        to=[to],
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"newsletter/email/{template}.html", context), "text/html")
    return message


def confirmation_message(subscriber, token):
    confirm_url = absolute(reverse("newsletter:confirm", kwargs={"token": token}))
    return _message(
        to=subscriber.email,
        subject=f"Confirm your daily newsletter from {settings.SITE_NAME}",
        template="confirm",
        context={"confirm_url": confirm_url, "hours": settings.NEWSLETTER_CONFIRM_HOURS},
    )


def digest_message(subscriber, run, stories, *, connection=None):
    """The morning digest, with the one-click unsubscribe headers of RFC 2369 and RFC 8058."""
    unsubscribe_url = absolute(subscriber.get_unsubscribe_url())
    return _message(
        to=subscriber.email,
        subject=f"{settings.SITE_NAME}: {len(stories)} stor{'y' if len(stories) == 1 else 'ies'} for {run.edition:%A %-d %B}",
        template="digest",
        context={
            "run": run,
            "stories": [(story, absolute(story.get_absolute_url())) for story in stories],
            "unsubscribe_url": unsubscribe_url,
            "home_url": absolute(reverse("reader:home")),
            "subscribe_url": absolute(reverse("newsletter:subscribe")),
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} daily digest <digest.{settings.NEWSLETTER_LIST_DOMAIN}>",
        },
        connection=connection,
    )
