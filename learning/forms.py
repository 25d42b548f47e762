from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from learning.models import Unit, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "The email address or password is wrong. Check both and try again, "
            "or choose “Forgot your password?” to set a new one."
        ),
        "inactive": _("This account is switched off. Ask your HR coordinator for help."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the task queue, in the recipient's own language."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from learning.services import send_email_to_user

        user = context["user"]
        send_email_to_user(
            user,
            subject_template=subject_template_name,
            body_template=email_template_name,
            context={
                key: context[key] for key in ("domain", "site_name", "uid", "token", "protocol")
            },
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All sectors"),
    )
    unit_type = forms.ChoiceField(label=_("Type"), required=False)
    former_municipality = forms.ChoiceField(label=_("Former municipality"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = units.filter(level=Unit.Level.SECTOR)
        self.fields["unit_type"].choices = [("", _("All types")), *Unit.UnitType.choices]
        former = (
            units.exclude(former_municipality=None)
            .values_list("former_municipality_id", "former_municipality__name")
            .distinct()
            .order_by("former_municipality__name")
        )
        self.fields["former_municipality"].choices = [("", _("All")), *former]

    def filter(self, units):
        if not self.is_valid():
            return units
        data = self.cleaned_data
        if data["q"]:
            units = units.filter(name__icontains=data["q"])
        if data["sector"]:
            sector = data["sector"]
            units = units.filter(Q(pk=sector.pk) | Q(parent=sector) | Q(parent__parent=sector))
        if data["unit_type"]:
            units = units.filter(unit_type=data["unit_type"])
        if data["former_municipality"]:
            units = units.filter(former_municipality_id=data["former_municipality"])
        return units
