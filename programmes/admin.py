from __future__ import annotations

from django.contrib import admin

from learning.admin import MunicipalityScopedAdmin
from programmes.models import Network, Programme


class NetworkInline(admin.TabularInline):
    model = Network
    extra = 0
    fields = ["name", "description"]


@admin.register(Programme)
class ProgrammeAdmin(MunicipalityScopedAdmin):
    """Programmes are run in the app; the admin is for setting one up or correcting it."""

    list_display = ["title", "municipality", "status", "starts_on", "ends_on"]
    list_filter = ["status", "municipality"]
    search_fields = ["title"]
    filter_horizontal = ["municipalities", "coordinators"]
    inlines = [NetworkInline]
