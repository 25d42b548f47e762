"""Logging in and out, and setting a new password through an emailed link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import MunicipalityFactory, UserFactory

PASSWORD = "passord-som-er-langt"
NEW_PASSWORD = "et-helt-nytt-og-langt-passord-42"
ENGLISH_SUBJECT = "Set a new password for Kollegalæring"
RESET_LINK = re.compile(r"https?://testserver(/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def person(db):
    return UserFactory(
        email="kari.nordmann@elvedal.kommune.no",
        full_name="Kari Nordmann",
        password=PASSWORD,
        municipality=MunicipalityFactory(language_form="nb"),
    )


def log_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


# Logging in -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["kari.nordmann@elvedal.kommune.no", "Kari.Nordmann@Elvedal.KOMMUNE.no"]
)
def test_login_with_email_redirects_home(client, person, email):
    response = log_in(client, email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(person.pk)
    assert client.get(reverse("home")).status_code == 200


def test_login_follows_next(client, person):
    response = client.post(
        reverse("login"),
        {"username": person.email, "password": PASSWORD, "next": reverse("profile")},
    )
    assert response["Location"] == reverse("profile")


def test_login_with_wrong_password_shows_norwegian_error(client, person):
    response = log_in(client, person.email, "feil-passord")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].errors
    assert "E-postadressen eller passordet er feil" in response.content.decode()


def test_login_with_unknown_email_fails(client, person):
    response = log_in(client, "ukjent@elvedal.kommune.no", PASSWORD)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].non_field_errors()


def test_inactive_person_cannot_log_in(client, person):
    person.is_active = False
    person.save()
    response = log_in(client, person.email, PASSWORD)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_signed_in_person_visiting_login_is_sent_home(client, person):
    client.force_login(person)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# Logging out ------------------------------------------------------------------------


def test_logout_with_post(client, person):
    client.force_login(person)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_logout_with_get_is_refused(client, person):
    client.force_login(person)
    assert client.get(reverse("logout")).status_code == 405
    assert client.session[SESSION_KEY] == str(person.pk)


# Setting a new password -------------------------------------------------------------


def request_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def test_password_reset_email_is_queued_after_commit(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("password_reset"), {"email": person.email})
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_password_reset_email_is_sent_from_the_web_process_when_the_broker_is_down(
    client, person, broker_down, django_capture_on_commit_callbacks
):
    response = request_reset(client, person.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[person.email]]


def test_password_reset_sends_english_email_and_link_works(
    client, person, django_capture_on_commit_callbacks
):
    person.language = "en"
    person.save()
    response = request_reset(
        client, "KARI.NORDMANN@elvedal.kommune.no", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject == ENGLISH_SUBJECT
    assert "Hello Kari," in message.body

    link = RESET_LINK.search(message.body)
    assert link, message.body
    response = client.get(link.group(1))
    assert response.status_code == 302  # to the same page without the token
    form_url = response["Location"]
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.context["validlink"] is True

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    response = log_in(client, person.email, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)

    # the link works once
    client.logout()
    response = client.get(link.group(1), follow=True)
    assert response.context["validlink"] is False


def test_password_reset_email_is_in_recipients_language(
    client, db, django_capture_on_commit_callbacks
):
    """Asked for from a bokmål page, the email is written in the person's nynorsk."""
    user = UserFactory(municipality=MunicipalityFactory(language_form="nn"), language="")
    request_reset(client, user.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with translation.override("nn"):
        expected = translation.gettext(ENGLISH_SUBJECT)
    assert mail.outbox[0].subject == expected


def test_password_reset_for_unknown_email_sends_nothing(
    client, person, django_capture_on_commit_callbacks
):
    response = request_reset(client, "ingen@elvedal.kommune.no", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    assert client.get(response["Location"]).status_code == 200


def test_password_reset_for_inactive_person_sends_nothing(
    client, person, django_capture_on_commit_callbacks
):
    person.is_active = False
    person.save()
    response = request_reset(client, person.email, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_task_skips_person_switched_off_meanwhile(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("password_reset"), {"email": person.email})
    person.is_active = False
    person.save()
    callbacks[0]()
    assert mail.outbox == []


def test_password_change(client, person):
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    # still signed in after the change
    assert client.get(reverse("home")).status_code == 200


def test_password_reset_email_is_plain_text_not_html_escaped(
    client, db, django_capture_on_commit_callbacks
):
    """The email is text/plain, so a name like D'Angelo must not arrive as D&#x27;Angelo."""
    user = UserFactory(full_name="D'Angelo Hansen & co", language="en")
    request_reset(client, user.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Hello D'Angelo," in body
    assert "&#x27;" not in body
    assert "&amp;" not in body
