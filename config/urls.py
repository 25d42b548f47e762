from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from learning.views.organisation import healthz

admin.site.site_header = _("Kollegalæring administration")
admin.site.site_title = _("Kollegalæring")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("evaluation.urls")),
    path("", include("programmes.urls")),
    path("", include("learning.urls")),
]
