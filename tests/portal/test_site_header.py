"""The page header kept per user, page and language (``{% site_header %}``,
portal/templatetags/onecenter.py) is what the template draws for that request:
the same menu, the request's own CSRF token and return address."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from notifications.selectors import unread_badge
from portal.templatetags.onecenter import site_header
from tests.factories import demo_user

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def request_for(user, path: str):
    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    return request


def drawn(request) -> str:
    """The header as the template alone draws it for this request."""
    return render_to_string(
        "includes/site_header.html",
        {"unread": unread_badge(request.user) if request.user.is_authenticated else ""},
        request=request,
    )


def tokens(html: str, request) -> str:
    """The page with its CSRF tokens checked (each a masked form of the
    request's secret) and replaced by one word."""
    for token in TOKEN.findall(html):
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    return TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


@pytest.mark.parametrize("username", [None, "citizen", "clerk", "manager", "admin"])
@pytest.mark.parametrize(
    "path",
    ["/", "/procedures/?q=đăng+ký", "/my/dossiers/", '/staff/dossiers/?q=<a href="x">'],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_kept_header_is_the_drawn_one(demo, username, path, language):
    user = demo_user(username) if username else AnonymousUser()
    with translation.override(language):
        for _ in range(2):  # drawn, then from the kept copy
            request = request_for(user, path)
            kept = str(site_header(Context({"request": request, "user": user})))
            assert tokens(kept, request) == tokens(drawn(request), request)
    assert "<a href" not in kept  # the return address is escaped


def test_a_new_name_or_unread_count_shows_at_once(demo):
    citizen = demo_user("citizen")
    request = request_for(citizen, "/my/dossiers/")
    before = str(site_header(Context({"request": request, "user": citizen})))
    citizen.full_name = "Nguyễn Văn Bình"
    citizen.save()
    after = str(site_header(Context({"request": request, "user": citizen})))
    assert "Nguyễn Văn Bình" in after and "Nguyễn Văn Bình" not in before


def test_a_page_drawn_without_its_request_still_has_its_header(demo):
    html = render_to_string("404.html", {"user": AnonymousUser()})
    assert 'class="site-header"' in html and "skip-link" in html
