class NewsletterError(Exception):
    """A reader's request the newsletter cannot carry out; the message is shown to them."""


class ConfirmationError(NewsletterError):
    pass
