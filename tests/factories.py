from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from learning.models import Membership, Municipality, MunicipalityRole, Unit, User

# Valid organisation numbers (mod-11 check digit) for test municipalities.
ORGANISATION_NUMBERS = iter(
    f"{base}{check}"
    for base in range(92189000, 92199999)
    for check in range(10)
    if __import__("stdnum.no.orgnr", fromlist=["is_valid"]).is_valid(f"{base}{check}")
)


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    organisation_number = factory.LazyFunction(lambda: next(ORGANISATION_NUMBERS))


class UnitFactory(DjangoModelFactory):
    """A department (avdeling) with its enterprise and sector created on the way."""

    class Meta:
        model = Unit

    municipality = factory.SubFactory(MunicipalityFactory)
    level = Unit.Level.DEPARTMENT
    name = factory.Sequence(lambda n: f"Avdeling {n}")
    unit_type = Unit.UnitType.NURSING_HOME
    parent = factory.LazyAttribute(
        lambda o: Unit.objects.create(
            municipality=o.municipality,
            level=Unit.Level.ENTERPRISE,
            name=f"Virksomhet for {o.name}",
            unit_type=o.unit_type,
            parent=Unit.objects.create(
                municipality=o.municipality, level=Unit.Level.SECTOR, name=f"Sektor for {o.name}"
            ),
        )
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.kommune.no")
    full_name = factory.Sequence(lambda n: f"Person Nummer{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.django.Password("passord-som-er-langt")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(
        UserFactory, municipality=factory.SelfAttribute("..unit.municipality")
    )
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.STAFF


class MunicipalityRoleFactory(DjangoModelFactory):
    class Meta:
        model = MunicipalityRole

    municipality = factory.SubFactory(MunicipalityFactory)
    user = factory.SubFactory(UserFactory, municipality=factory.SelfAttribute("..municipality"))
    role = MunicipalityRole.Role.HR_COORDINATOR
