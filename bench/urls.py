"""The product's URLs plus the floor: the least a signed-in request can cost.

``/bench/floor/`` passes the same middleware as every page (session, language, CSRF,
authentication, the person's language, idle sign-out, axes) and returns two bytes. Each
page's latency is reported as a multiple of it.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *product_urlpatterns]
