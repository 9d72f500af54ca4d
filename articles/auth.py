"""Login throttling for people signing in through a browser."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuse sign-ins from a locked-out username and address; pass everything else on.

    Throttling needs the HTTP request (the client's address). Sign-ins made in
    code without one — management commands, or Django's test client
    `login()` — have no remote client to throttle, so they are left to the
    next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
