from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learning import privacy
from learning.models import (
    AuditEvent,
    FormerMunicipality,
    Membership,
    Municipality,
    MunicipalityRole,
    Reflection,
    ReflectionPrompt,
    Unit,
    User,
)
from learning.permissions import HR, get_access


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; other admin users (HR coordinators) only their municipalities."""

    municipality_lookup = "municipality"

    def scope(self, request) -> set[int]:
        return get_access(request.user).municipality_ids_with(HR)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.municipality_lookup}__in": self.scope(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            scope = self.scope(request)
            related = db_field.related_model
            if related is Municipality:
                kwargs["queryset"] = Municipality.objects.filter(pk__in=scope)
            elif related in (Unit, User, FormerMunicipality):
                kwargs["queryset"] = related._default_manager.filter(municipality__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def log_deletions(self, request, queryset):
        """One log line per object, saved one by one, so the audit log sees each deletion
        (Django writes several at once with bulk_create, which sends no signal)."""
        return [
            LogEntry.objects.log_actions(request.user.pk, [obj], DELETION, single_object=True)
            for obj in queryset
        ]


class FormerMunicipalityInline(admin.TabularInline):
    model = FormerMunicipality
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    municipality_lookup = "pk"
    list_display = ["name", "organisation_number", "language_form"]
    search_fields = ["name", "organisation_number"]
    inlines = [FormerMunicipalityInline]


@admin.register(FormerMunicipality)
class FormerMunicipalityAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "municipality"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter)]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(MunicipalityScopedAdmin):
    list_display = [
        "name",
        "level",
        "unit_type",
        "parent",
        "former_municipality",
        "municipality",
        "is_active",
    ]
    list_filter = [
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "level",
        "unit_type",
        "is_active",
    ]
    list_select_related = ["parent", "former_municipality", "municipality"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(MunicipalityScopedAdmin):
    municipality_lookup = "unit__municipality"
    list_display = ["user", "role", "unit"]
    list_filter = ["role", ("unit__municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "unit"]
    search_fields = ["user__full_name", "user__email", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(MunicipalityRole)
class MunicipalityRoleAdmin(MunicipalityScopedAdmin):
    list_display = ["user", "role", "municipality"]
    list_filter = ["role", ("municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "municipality"]
    autocomplete_fields = ["user"]


class PersonCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "municipality"]


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(MunicipalityScopedAdmin, DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "municipality", "is_active", "is_staff"]
    list_filter = [
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "is_active",
        "is_staff",
        "is_superuser",
    ]
    list_select_related = ["municipality"]
    search_fields = ["full_name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language", "municipality"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (
            _("Dates"),
            {"fields": ["last_login", "date_joined", "deletion_requested_at", "forgotten_at"]},
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "municipality",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    inlines = [MembershipInline]
    actions = ["forget"]

    def get_queryset(self, request):
        """Only superusers may see or change superusers."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(is_superuser=True)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "municipality" in form.base_fields:
            form.base_fields["municipality"].required = True
        return form

    def get_readonly_fields(self, request, obj=None):
        dates = ["last_login", "date_joined", "deletion_requested_at", "forgotten_at"]
        if request.user.is_superuser:
            return dates
        return ["is_superuser", "groups", "user_permissions", *dates]

    def has_forget_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description=_("Delete the people's personal data"), permissions=["forget"])
    def forget(self, request, queryset):
        """Forget the chosen people (learning/privacy.py), after a confirmation page."""
        if not request.user.is_superuser:
            raise PermissionDenied
        people = list(queryset.exclude(pk=request.user.pk).filter(forgotten_at__isnull=True))
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Delete personal data"),
                "people": people,
                "queryset": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/learning/user/forget_confirmation.html", context
            )
        for person in people:
            privacy.forget_person(person, request.user, request)
        self.message_user(
            request,
            ngettext(
                "%(count)d person deleted; shared history shows “Former employee”.",
                "%(count)d people deleted; shared history shows “Former employee”.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )
        return None


@admin.register(ReflectionPrompt)
class ReflectionPromptAdmin(MunicipalityScopedAdmin):
    """HR writes the municipality's own reflection questions; without any, defaults are used."""

    list_display = ["text", "phase", "position", "is_active", "municipality"]
    list_filter = ["phase", "is_active"]


CONTENT_FIELDS = {"answers", "free_text", "search_text"}


@admin.register(Reflection)
class ReflectionAdmin(MunicipalityScopedAdmin):
    """Metadata only: the text of a reflection never shows in the admin, whoever looks."""

    municipality_lookup = "cycle__unit__municipality"
    list_display = ["__str__", "author", "cycle", "phase", "visibility", "is_draft", "created_at"]
    list_filter = ["visibility", "is_draft", "phase"]
    fields = ["author", "cycle", "phase", "visibility", "is_draft", "is_pinned", "created_at"]
    readonly_fields = fields
    list_select_related = ["author", "cycle"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # A filter on the text (?free_text__contains=...) would reveal it word by word.
        if lookup.split("__")[0] in CONTENT_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(AuditEvent)
class AuditEventAdmin(MunicipalityScopedAdmin):
    """The audit log, read only: nobody adds, changes or deletes an event."""

    list_display = ["created_at", "action", "actor", "subject", "object_type", "object_id"]
    list_filter = ["action", ("municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["actor", "subject", "municipality"]
    search_fields = ["actor__email", "subject__email", "object_id", "description"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "action",
        "actor",
        "subject",
        "municipality",
        "object_type",
        "object_id",
        "description",
        "ip_address",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
