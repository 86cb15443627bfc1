"""Language selection (Vietnamese first) and no caching of signed-in users' pages."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PreferredLanguageMiddleware:
    """Activate the language chosen in the switcher, else the user's, else Vietnamese.

    A government portal speaks the national language unless the visitor asks
    otherwise, so the browser's Accept-Language header is deliberately ignored.
    Must run after AuthenticationMiddleware, which sets request.user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            user = getattr(request, "user", None)
            preferred = getattr(user, "preferred_language", None)
            language = (
                preferred if preferred in self.supported else settings.LANGUAGE_CODE
            )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PrivatePagesNoStoreMiddleware:
    """Mark every response to a signed-in user ``Cache-Control: no-store, private``.

    A page shown after login carries personal data (a dossier, an address, an ID
    number): neither a shared proxy nor the browser's cache or back button may keep
    it after the user has left the computer (ASVS 14.3.2). A view that set its own
    Cache-Control (the admin's never_cache, a file download) keeps it. Must run after
    AuthenticationMiddleware, which sets request.user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
        ):
            response["Cache-Control"] = "no-store, private"
        return response
