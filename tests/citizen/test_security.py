"""Another citizen gets 404 on every URL of someone else's dossier, file or notice.

The test walks the URL patterns of the citizen portal's namespaces rather than a
hand-written list, so a page added later is covered without anyone remembering to.
"""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from dossiers.models import Dossier
from notifications.models import Notification
from tests.factories import demo_user

pytestmark = pytest.mark.django_db

NAMESPACES = ("dossiers", "feedback", "notifications")
# Keyword arguments that point at someone's object; a pattern with none of them is
# public (tracking) or the user's own list.
OBJECT_KWARGS = {"pk", "attachment_pk"}


def citizen_patterns() -> list[tuple[str, URLPattern]]:
    resolver = get_resolver()
    found = []
    for namespace in NAMESPACES:
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            names = set(pattern.pattern.converters)
            if names & OBJECT_KWARGS:
                found.append((namespace, pattern))
    return found


def kwargs_for(namespace, pattern, dossier, attachment, notification):
    values = {
        "pk": notification.pk if namespace == "notifications" else dossier.pk,
        "attachment_pk": attachment.pk,
        "index": 0,
        "number": "01",
        "seq": 1,
    }
    return {name: values[name] for name in pattern.pattern.converters}


def test_the_walk_covers_every_page_of_a_dossier():
    """Guard against a vacuous walk: every dossier page and the inbox are in it."""
    names = {f"{ns}:{p.name}" for ns, p in citizen_patterns()}
    assert names >= {
        "dossiers:detail",
        "dossiers:draft",
        "dossiers:submitted",
        "dossiers:upload_paper",
        "dossiers:attachment",
        "dossiers:remove_paper",
        "dossiers:supplement",
        "dossiers:withdraw",
        "dossiers:slip",
        "dossiers:slip_issue",
        "feedback:rate",
        "notifications:mark_read",
    }


@pytest.mark.parametrize("victim_state", ["returned", "draft", "supplement_requested"])
def test_another_citizen_gets_404_on_every_url_of_a_dossier(
    client, citizen, stranger, victim_state
):
    """GET and POST on each URL with the citizen's ids answer 404 to a stranger,
    and nothing of the citizen's dossier changes."""
    dossier = Dossier.objects.filter(applicant=citizen, state=victim_state).first()
    attachment = dossier.attachments.first()
    notification = Notification.objects.create(
        recipient=citizen,
        link=dossier.get_absolute_url(),
        key=f"t:{dossier.pk}",
        subject="s",
        body="b",
    )
    before = (dossier.state, dossier.version, dossier.attachments.count())
    client.force_login(stranger)
    checked = 0
    for namespace, pattern in citizen_patterns():
        url = reverse(
            f"{namespace}:{pattern.name}",
            kwargs=kwargs_for(namespace, pattern, dossier, attachment, notification),
        )
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, (method.__name__, url)
            checked += 1
    dossier.refresh_from_db()
    assert (dossier.state, dossier.version, dossier.attachments.count()) == before
    notification.refresh_from_db()
    assert notification.read_at is None
    assert checked >= 22


def test_the_owner_reaches_the_same_urls(client, citizen, returned):
    """The same walk as the owner finds nothing forbidden (no 403 or 404 on GET
    for the pages that exist in this state)."""
    attachment = returned.attachments.get(kind="result")
    notification = Notification.objects.create(
        recipient=citizen,
        link=returned.get_absolute_url(),
        key="t",
        subject="s",
        body="b",
    )
    client.force_login(citizen)
    for name in ("detail", "attachment", "slip"):
        pattern = next(p for ns, p in citizen_patterns() if p.name == name)
        url = reverse(
            f"dossiers:{name}",
            kwargs=kwargs_for("dossiers", pattern, returned, attachment, notification),
        )
        assert client.get(url).status_code == 200, url
    mark = reverse("notifications:mark_read", args=[notification.pk])
    assert client.post(mark).status_code == 302


def test_staff_get_403_and_visitors_the_login_page_on_every_url(client, citizen):
    """Staff have no citizen pages (403); a visitor is sent to log in (302)."""
    dossier = Dossier.objects.filter(applicant=citizen).first()
    attachment = dossier.attachments.first()
    notification = Notification.objects.create(
        recipient=citizen,
        link=dossier.get_absolute_url(),
        key="t",
        subject="s",
        body="b",
    )
    urls = [
        reverse(
            f"{ns}:{p.name}",
            kwargs=kwargs_for(ns, p, dossier, attachment, notification),
        )
        for ns, p in citizen_patterns()
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(demo_user("clerk"))
    for url in urls:
        expected = {404} if url.startswith("/notifications/") else {403}
        assert client.get(url).status_code in expected, url
        assert client.post(url).status_code in expected, url
