"""The organisation: municipalities, their unit tree, people and their roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr


def validate_organisation_number(value: str) -> None:
    if not orgnr.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid organisation number (nine digits with a valid check digit)."
            ),
            params={"value": value},
        )


class LanguageForm(models.TextChoices):
    BOKMAL = "nb", _("Bokmål")
    NYNORSK = "nn", _("Nynorsk")


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        validators=[validate_organisation_number],
    )
    language_form = models.CharField(
        _("language form"),
        max_length=2,
        choices=LanguageForm.choices,
        default=LanguageForm.BOKMAL,
        help_text=_("The written standard used for people who have not chosen their own."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class FormerMunicipality(models.Model):
    """A municipality merged into this one; units keep the tag because practice differs along it."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="former_municipalities",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("former municipality")
        verbose_name_plural = _("former municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="unique_former_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node in a municipality's tree: sector → enterprise (virksomhet) → department (avdeling)."""

    class Level(models.TextChoices):
        SECTOR = "sector", _("Sector")
        ENTERPRISE = "enterprise", _("Enterprise")
        DEPARTMENT = "department", _("Department")

    class UnitType(models.TextChoices):
        SCHOOL = "school", _("School")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        AFTER_SCHOOL = "after_school", _("After-school programme (SFO)")
        NURSING_HOME = "nursing_home", _("Nursing home")
        HOME_CARE = "home_care", _("Home care")
        HEALTH_STATION = "health_station", _("Health station")
        SUPPORTED_HOUSING = "supported_housing", _("Supported housing (bo- og tjenestested)")
        NAV = "nav", _("NAV office")
        TECHNICAL = "technical", _("Technical services")
        STAFF_FUNCTION = "staff_function", _("Staff function (stab)")
        OTHER = "other", _("Other")

    PARENT_LEVEL = {Level.ENTERPRISE: Level.SECTOR, Level.DEPARTMENT: Level.ENTERPRISE}
    WRONG_PARENT_MESSAGE = {
        Level.ENTERPRISE: _("An enterprise must belong to a sector."),
        Level.DEPARTMENT: _("A department must belong to an enterprise."),
    }

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="units", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    name = models.CharField(_("name"), max_length=150)
    unit_type = models.CharField(
        _("type"), max_length=20, choices=UnitType.choices, default=UnitType.OTHER
    )
    former_municipality = models.ForeignKey(
        FormerMunicipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("former municipality"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_unit_name_in_parent"),
            models.UniqueConstraint(
                fields=["municipality", "name"],
                condition=models.Q(parent__isnull=True),
                name="unique_sector_name",
            ),
            models.CheckConstraint(
                condition=models.Q(level="sector", parent__isnull=True)
                | (~models.Q(level="sector") & models.Q(parent__isnull=False)),
                name="only_sectors_lack_a_parent",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "level"])]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        parent = self.parent
        return [pk for pk in (self.parent_id, parent.parent_id if parent else None) if pk]

    def people(self):
        """Everyone with a role in the unit, and the leaders above it (who lead it too)."""
        return (
            User.objects.filter(is_active=True)
            .filter(
                models.Q(memberships__unit=self)
                | models.Q(
                    memberships__unit__in=self.ancestor_ids(),
                    memberships__role=Membership.Role.LEADER,
                )
            )
            .distinct()
            .order_by("full_name")
        )

    def leaders(self):
        """The people who lead the unit: its own leaders and the leaders above it."""
        return self.people().filter(
            memberships__role=Membership.Role.LEADER,
            memberships__unit__in=[self.pk, *self.ancestor_ids()],
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        expected_parent_level = self.PARENT_LEVEL.get(self.level)
        if self.parent is None:
            if expected_parent_level:
                errors["parent"] = _("Choose the unit this one belongs to.")
        elif expected_parent_level is None:
            errors["parent"] = _("A sector is the top of the tree and belongs to no other unit.")
        else:
            if self.parent.level != expected_parent_level:
                errors["parent"] = self.WRONG_PARENT_MESSAGE[self.level]
            if self.parent.municipality_id != self.municipality_id:
                errors["parent"] = _("The unit above must be in the same municipality.")
        if (
            self.former_municipality
            and self.former_municipality.municipality_id != self.municipality_id
        ):
            errors["former_municipality"] = _("Choose a former municipality of this municipality.")
        if errors:
            raise ValidationError(errors)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def _create_user(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person, who logs in with an email address."""

    class Language(models.TextChoices):
        BOKMAL = "nb", _("Norwegian Bokmål")
        NYNORSK = "nn", _("Norwegian Nynorsk")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty to use the municipality's language form."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("municipality"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin access"), default=False, help_text=_("May log in to the admin site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    deletion_requested_at = models.DateTimeField(
        _("asked for deletion"), null=True, blank=True, editable=False
    )
    forgotten_at = models.DateTimeField(
        _("personal data deleted"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The person was deleted; the name shows as “Former employee”."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        if self.forgotten_at:
            return gettext("Former employee")
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        if self.forgotten_at:
            return gettext("Former employee")
        return self.full_name

    def get_short_name(self) -> str:
        if self.forgotten_at:
            return gettext("Former employee")
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def preferred_language(self) -> str:
        """The language pages, emails and PDFs are rendered in for this person."""
        if self.language:
            return self.language
        if self.municipality_id:
            return self.municipality.language_form
        return settings.LANGUAGE_CODE


class Membership(models.Model):
    """A person's role in a unit. One person may hold several roles in several units."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Employee")
        LEADER = "leader", _("Leader")
        SUPPORTER = "supporter", _("Supporter")
        UNION_REP = "union_rep", _("Union representative")
        SAFETY_REP = "safety_rep", _("Safety representative")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["unit__name", "user__full_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"

    def clean(self) -> None:
        if (
            self.user_id
            and self.unit_id
            and self.user.municipality_id
            and self.user.municipality_id != self.unit.municipality_id
        ):
            raise ValidationError({"unit": _("The unit must be in the person's own municipality.")})


class MunicipalityRole(models.Model):
    """A role that spans a whole municipality."""

    class Role(models.TextChoices):
        HR_COORDINATOR = "hr_coordinator", _("HR coordinator")
        SENIOR_LEADER = "senior_leader", _("Senior leader (read only)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipality_roles",
        verbose_name=_("person"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["municipality__name", "role"]
        verbose_name = _("municipality role")
        verbose_name_plural = _("municipality roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="unique_municipality_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.municipality}"
