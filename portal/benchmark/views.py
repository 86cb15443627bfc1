"""The bare view the benchmark measures every page against.

It is routed only when ``BENCH_BARE_VIEW`` is on (onecenter/urls.py), and it reads
nothing: what it costs is the middleware every page goes through, so a page's
ratio to it is the work of the page itself.
"""

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
