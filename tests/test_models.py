"""Validation and behaviour of the organisation models."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from learning.models import (
    FormerMunicipality,
    Membership,
    Municipality,
    Unit,
    User,
    validate_organisation_number,
)
from tests.factories import MunicipalityFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A department with its enterprise and sector, and a second municipality."""
    department = UnitFactory(name="Avdeling A")
    enterprise = department.parent
    return {
        "municipality": department.municipality,
        "sector": enterprise.parent,
        "enterprise": enterprise,
        "department": department,
        "elsewhere": UnitFactory(name="Avdeling B"),
    }


def errors_of(unit: Unit) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        unit.clean()
    return info.value.message_dict


def new_unit(municipality, level, parent=None, **fields) -> Unit:
    return Unit(municipality=municipality, level=level, parent=parent, name="Ny enhet", **fields)


# Unit.clean -------------------------------------------------------------------------


def test_valid_units_pass_clean(tree):
    m = tree["municipality"]
    new_unit(m, Unit.Level.SECTOR).clean()
    new_unit(m, Unit.Level.ENTERPRISE, tree["sector"]).clean()
    new_unit(m, Unit.Level.DEPARTMENT, tree["enterprise"]).clean()
    tree["department"].full_clean()


def test_department_needs_an_enterprise_parent(tree):
    m = tree["municipality"]
    assert "parent" in errors_of(new_unit(m, Unit.Level.DEPARTMENT))
    assert "parent" in errors_of(new_unit(m, Unit.Level.DEPARTMENT, tree["sector"]))
    assert "parent" in errors_of(new_unit(m, Unit.Level.DEPARTMENT, tree["department"]))


def test_enterprise_needs_a_sector_parent(tree):
    m = tree["municipality"]
    assert "parent" in errors_of(new_unit(m, Unit.Level.ENTERPRISE))
    assert "parent" in errors_of(new_unit(m, Unit.Level.ENTERPRISE, tree["enterprise"]))
    assert "parent" in errors_of(new_unit(m, Unit.Level.ENTERPRISE, tree["department"]))


def test_sector_has_no_parent(tree):
    m = tree["municipality"]
    assert "parent" in errors_of(new_unit(m, Unit.Level.SECTOR, tree["sector"]))


def test_parent_must_be_in_same_municipality(tree):
    other = tree["elsewhere"]
    unit = new_unit(tree["municipality"], Unit.Level.DEPARTMENT, other.parent)
    assert "parent" in errors_of(unit)


def test_former_municipality_must_belong_to_the_municipality(tree):
    m = tree["municipality"]
    own = FormerMunicipality.objects.create(municipality=m, name="Sundvik")
    foreign = FormerMunicipality.objects.create(
        municipality=tree["elsewhere"].municipality, name="Fremmed"
    )
    new_unit(m, Unit.Level.ENTERPRISE, tree["sector"], former_municipality=own).clean()
    unit = new_unit(m, Unit.Level.ENTERPRISE, tree["sector"], former_municipality=foreign)
    assert set(errors_of(unit)) == {"former_municipality"}


def test_wrong_level_message_names_the_levels(tree):
    unit = new_unit(tree["municipality"], Unit.Level.DEPARTMENT, tree["sector"])
    message = errors_of(unit)["parent"][0]
    assert str(Unit.Level.DEPARTMENT.label).lower() in message
    assert str(Unit.Level.ENTERPRISE.label).lower() in message


def test_database_rejects_sector_with_parent(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            municipality=tree["municipality"],
            level=Unit.Level.SECTOR,
            parent=tree["sector"],
            name="Undersektor",
        )


def test_database_rejects_enterprise_without_parent(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            municipality=tree["municipality"], level=Unit.Level.ENTERPRISE, name="Foreldreløs"
        )


def test_database_rejects_two_sectors_with_same_name(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            municipality=tree["municipality"], level=Unit.Level.SECTOR, name=tree["sector"].name
        )


def test_same_sector_name_in_other_municipality_is_fine(tree):
    Unit.objects.create(
        municipality=tree["elsewhere"].municipality,
        level=Unit.Level.SECTOR,
        name=tree["sector"].name,
    )
    assert Unit.objects.filter(name=tree["sector"].name).count() == 2


# Municipality -----------------------------------------------------------------------


def test_organisation_number_validator_accepts_valid_number():
    validate_organisation_number("921890117")


@pytest.mark.parametrize("value", ["921890118", "12345", "92189011A", ""])
def test_organisation_number_validator_rejects_invalid(value):
    with pytest.raises(ValidationError):
        validate_organisation_number(value)


def test_municipality_full_clean_checks_organisation_number():
    municipality = Municipality(name="Feilkommune", organisation_number="921890118")
    with pytest.raises(ValidationError) as info:
        municipality.full_clean()
    assert "organisation_number" in info.value.message_dict
    Municipality(name="Rettkommune", organisation_number="921890117").full_clean()


# User -------------------------------------------------------------------------------


def test_email_is_stored_lower_case():
    user = User.objects.create_user("Kari.Nordmann@Elvedal.KOMMUNE.no", "et-langt-passord")
    assert user.email == "kari.nordmann@elvedal.kommune.no"
    user.email = "  OLA@Elvedal.no "
    user.save()
    user.refresh_from_db()
    assert user.email == "ola@elvedal.no"


def test_email_lookup_is_case_insensitive():
    user = UserFactory(email="kari@elvedal.kommune.no", password="et-langt-passord")
    assert User.objects.get_by_natural_key("KARI@Elvedal.Kommune.NO") == user
    request = RequestFactory().post("/login/")  # login throttling needs the request
    assert (
        authenticate(request, username="Kari@ELVEDAL.kommune.no", password="et-langt-passord")
        == user
    )


def test_email_is_unique_whatever_the_case():
    UserFactory(email="kari@elvedal.kommune.no")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="KARI@elvedal.kommune.no")


def test_create_user_requires_email():
    with pytest.raises(ValueError):
        User.objects.create_user("", "passord")


def test_create_superuser_sets_flags():
    admin = User.objects.create_superuser("admin@example.no", "et-langt-passord", full_name="A")
    assert admin.is_superuser
    assert admin.is_staff


def test_preferred_language_is_own_choice_first():
    user = UserFactory(language="en", municipality=MunicipalityFactory(language_form="nn"))
    assert user.preferred_language == "en"


def test_preferred_language_falls_back_to_municipality():
    user = UserFactory(language="", municipality=MunicipalityFactory(language_form="nn"))
    assert user.preferred_language == "nn"


def test_preferred_language_defaults_to_bokmal():
    user = UserFactory(language="", municipality=None)
    assert user.preferred_language == "nb"


def test_short_name_and_str():
    user = UserFactory(full_name="Kari Anne Nordmann", email="kari@example.no")
    assert user.get_short_name() == "Kari"
    assert str(user) == "Kari Anne Nordmann"
    user.full_name = ""
    assert user.get_short_name() == "kari@example.no"
    assert str(user) == "kari@example.no"


# Membership -------------------------------------------------------------------------


def test_membership_in_own_municipality_is_valid(tree):
    user = UserFactory(municipality=tree["municipality"])
    Membership(user=user, unit=tree["department"]).full_clean()


def test_membership_in_another_municipality_is_rejected(tree):
    user = UserFactory(municipality=tree["municipality"])
    membership = Membership(user=user, unit=tree["elsewhere"])
    with pytest.raises(ValidationError) as info:
        membership.clean()
    assert "unit" in info.value.message_dict


def test_same_role_twice_in_a_unit_is_rejected(tree):
    user = UserFactory(municipality=tree["municipality"])
    Membership.objects.create(user=user, unit=tree["department"], role=Membership.Role.LEADER)
    Membership.objects.create(user=user, unit=tree["department"], role=Membership.Role.STAFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, unit=tree["department"], role=Membership.Role.LEADER)
