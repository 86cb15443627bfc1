"""Rate limits of the API, counted in the shared cache per client address as the
audit trail sees it (``audit.network.client_ip``, trusting only our proxies)."""

from rest_framework.throttling import SimpleRateThrottle

from audit.network import client_ip


class PublicThrottle(SimpleRateThrottle):
    """Every anonymous request, per client address."""

    scope = "public"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": client_ip(request._request) or "unknown",
        }


class UserThrottle(SimpleRateThrottle):
    """Every signed-in request (session or key), per account."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
