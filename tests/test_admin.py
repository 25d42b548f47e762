"""The admin site: superusers see everything, HR coordinators only their own municipality."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from learning.models import Membership, Municipality, MunicipalityRole, Unit, User

# The organisation is administered here; cycle work (ideas, goals, plans) only in the app.
LEARNING_MODELS = [
    model
    for model in apps.get_app_config("learning").get_models()
    if admin.site.is_registered(model)
]


def changelist(model) -> str:
    return reverse(f"admin:learning_{model._meta.model_name}_changelist")


@pytest.fixture
def hr_admin(world):
    """The world's HR coordinator with admin access and view/change/add rights on learning."""
    user = world.hr
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="learning",
            codename__regex=r"^(view|change|add)_",
        )
    )
    return User.objects.get(pk=user.pk)  # fresh, without cached permissions


@pytest.mark.parametrize("model", LEARNING_MODELS, ids=lambda m: m._meta.model_name)
def test_every_changelist_renders_for_superuser(client, world, model):
    client.force_login(world.superuser)
    response = client.get(changelist(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count()


def test_superuser_sees_all_units(client, world):
    client.force_login(world.superuser)
    response = client.get(changelist(Unit))
    shown = {unit.pk for unit in response.context["cl"].result_list}
    assert shown == set(Unit.objects.values_list("pk", flat=True))
    assert world.other_unit.pk in shown


@pytest.mark.parametrize("model", LEARNING_MODELS, ids=lambda m: m._meta.model_name)
def test_every_changelist_renders_for_hr(client, hr_admin, model):
    client.force_login(hr_admin)
    assert client.get(changelist(model)).status_code == 200


def shown(client, model) -> set[int]:
    response = client.get(changelist(model))
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_hr_sees_only_own_units(client, world, hr_admin):
    client.force_login(hr_admin)
    municipality = world.unit.municipality
    assert shown(client, Unit) == set(
        Unit.objects.filter(municipality=municipality).values_list("pk", flat=True)
    )
    assert world.other_unit.pk not in shown(client, Unit)


def test_hr_sees_only_own_people(client, world, hr_admin):
    client.force_login(hr_admin)
    people = shown(client, User)
    assert people == set(
        User.objects.filter(municipality=world.unit.municipality).values_list("pk", flat=True)
    )
    assert world.outsider_leader.pk not in people
    assert world.outsider_hr.pk not in people
    assert world.superuser.pk not in people  # no municipality


def test_hr_sees_only_own_memberships_roles_and_municipality(client, world, hr_admin):
    client.force_login(hr_admin)
    municipality = world.unit.municipality
    assert shown(client, Membership) == set(
        Membership.objects.filter(unit__municipality=municipality).values_list("pk", flat=True)
    )
    assert shown(client, MunicipalityRole) == set(
        MunicipalityRole.objects.filter(municipality=municipality).values_list("pk", flat=True)
    )
    assert shown(client, Municipality) == {municipality.pk}


def test_hr_cannot_open_another_municipalitys_objects(client, world, hr_admin):
    client.force_login(hr_admin)
    outsiders = [
        ("unit", world.other_unit.pk),
        ("user", world.outsider_leader.pk),
        ("municipality", world.other_unit.municipality_id),
        ("membership", Membership.objects.get(user=world.outsider_leader).pk),
    ]
    for model_name, pk in outsiders:
        response = client.get(reverse(f"admin:learning_{model_name}_change", args=[pk]))
        assert response.status_code != 200, model_name
        assert response.status_code in (302, 404), model_name


def test_hr_cannot_change_another_municipalitys_unit(client, world, hr_admin):
    client.force_login(hr_admin)
    unit = world.other_unit
    client.post(
        reverse("admin:learning_unit_change", args=[unit.pk]),
        {"name": "Overtatt", "level": unit.level, "municipality": unit.municipality_id},
    )
    unit.refresh_from_db()
    assert unit.name == "Nabokommunens avdeling"


def test_hr_can_open_own_unit(client, world, hr_admin):
    client.force_login(hr_admin)
    response = client.get(reverse("admin:learning_unit_change", args=[world.unit.pk]))
    assert response.status_code == 200


def test_unit_add_form_offers_only_own_municipality(client, world, hr_admin):
    client.force_login(hr_admin)
    response = client.get(reverse("admin:learning_unit_add"))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert list(fields["municipality"].queryset) == [world.unit.municipality]
    assert world.other_unit.municipality.name not in str(
        response.context["adminform"].form["municipality"]
    )
    assert set(fields["parent"].queryset) == set(
        Unit.objects.filter(municipality=world.unit.municipality)
    )


def test_superuser_add_form_offers_every_municipality(client, world):
    client.force_login(world.superuser)
    response = client.get(reverse("admin:learning_unit_add"))
    fields = response.context["adminform"].form.fields
    assert set(fields["municipality"].queryset) == set(Municipality.objects.all())


def test_membership_add_form_offers_only_own_people_and_units(client, world, hr_admin):
    client.force_login(hr_admin)
    response = client.get(reverse("admin:learning_membership_add"))
    fields = response.context["adminform"].form.fields
    municipality = world.unit.municipality
    assert set(fields["unit"].queryset) == set(Unit.objects.filter(municipality=municipality))
    assert set(fields["user"].queryset) == set(User.objects.filter(municipality=municipality))


def test_unit_autocomplete_is_scoped(client, world, hr_admin):
    client.force_login(hr_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "learning",
            "model_name": "unit",
            "field_name": "parent",
            "term": "",
        },
    )
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids
    assert ids <= set(
        Unit.objects.filter(municipality=world.unit.municipality).values_list("pk", flat=True)
    )


def test_hr_cannot_grant_superuser(client, world, hr_admin):
    client.force_login(hr_admin)
    response = client.get(reverse("admin:learning_user_change", args=[world.staff.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert "groups" not in form.fields


@pytest.fixture
def superuser_in_municipality(world):
    """An administrator who also belongs to the municipality, like the demo's admin@."""
    return User.objects.create_superuser(
        email="drift@elvedal.kommune.no",
        password="et-langt-admin-passord",
        full_name="Drift Admin",
        municipality=world.unit.municipality,
    )


def test_hr_cannot_edit_a_superuser(client, hr_admin, superuser_in_municipality):
    """An HR coordinator must not be able to take over a superuser's account (by changing
    its password or email), since that would give them every right in every municipality."""
    admin_user = superuser_in_municipality
    client.force_login(hr_admin)
    client.post(
        reverse("admin:auth_user_password_change", args=[admin_user.pk]),
        {
            "usable_password": "true",
            "password1": "overtatt-passord-123",
            "password2": "overtatt-passord-123",
        },
    )
    admin_user.refresh_from_db()
    assert admin_user.check_password("et-langt-admin-passord")
    change = client.get(reverse("admin:learning_user_change", args=[admin_user.pk]))
    assert change.status_code != 200
    assert admin_user.pk not in shown(client, User)


def test_hr_without_admin_access_cannot_use_admin(client, world):
    client.force_login(world.hr)
    response = client.get(changelist(Unit))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def unit_change_data(unit, memberships=()):
    data = {
        "name": unit.name,
        "level": unit.level,
        "unit_type": unit.unit_type,
        "parent": unit.parent_id or "",
        "former_municipality": "",
        "municipality": unit.municipality_id,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, (user, role) in enumerate(memberships):
        data[f"memberships-{index}-user"] = user.pk
        data[f"memberships-{index}-role"] = role
        data[f"memberships-{index}-unit"] = unit.pk
    return data


def test_hr_can_add_own_person_to_own_unit_inline(client, world, hr_admin):
    client.force_login(hr_admin)
    response = client.post(
        reverse("admin:learning_unit_change", args=[world.sibling.pk]),
        unit_change_data(world.sibling, [(world.no_role, Membership.Role.STAFF)]),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert Membership.objects.filter(user=world.no_role, unit=world.sibling).exists()


def test_hr_cannot_add_outsider_to_own_unit_inline(client, world, hr_admin):
    client.force_login(hr_admin)
    response = client.post(
        reverse("admin:learning_unit_change", args=[world.sibling.pk]),
        unit_change_data(world.sibling, [(world.outsider_leader, Membership.Role.LEADER)]),
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Membership.objects.filter(user=world.outsider_leader, unit=world.sibling).exists()


def test_programmes_can_be_set_up_in_the_admin(client, world):
    """A superuser has no municipality to own a programme in the app, so uses the admin."""
    client.force_login(world.superuser)
    assert client.get(reverse("admin:programmes_programme_changelist")).status_code == 200
    assert client.get(reverse("admin:programmes_programme_add")).status_code == 200
