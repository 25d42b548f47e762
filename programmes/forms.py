from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.forms import DateInput, DateTimeInput
from learning.models import Cycle, MunicipalityRole, Unit, User
from programmes.models import (
    AgendaItem,
    Assignment,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Material,
    Network,
    Programme,
    QuietPeriod,
    StatusReport,
    Submission,
    TeamMember,
)


class HttpsURLField(forms.URLField):
    """A link; "www.example.no" is read as https://www.example.no."""

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "title",
            "purpose",
            "commissioned_by",
            "themes",
            "starts_on",
            "ends_on",
            "status",
            "municipalities",
            "coordinators",
            "description",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "municipalities": forms.CheckboxSelectMultiple(),
            "coordinators": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].required = False
        if self.instance.pk is None:
            self.fields["coordinators"].required = False
            self.fields["coordinators"].help_text = _("You are a coordinator of what you create.")
        self.fields["coordinators"].queryset = User.objects.filter(
            is_active=True, municipality_roles__role=MunicipalityRole.Role.HR_COORDINATOR
        ).distinct()

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The programme must end after it starts."))
        return data


class ApplicationForm(forms.ModelForm):
    """A unit's application; the coordinator's direct enrolment uses it too."""

    class Meta:
        model = Enrolment
        fields = [
            "goals",
            "first_ideas",
            "anchoring",
            "commits_to_attend",
            "commits_to_report",
            "commits_to_share",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "first_ideas": forms.Textarea(attrs={"rows": 3}),
            "anchoring": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("commits_to_attend", "commits_to_report", "commits_to_share"):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = _(
                "The programme asks every unit to commit to this."
            )
        if units is not None:
            self.fields = {
                "unit": forms.ModelChoiceField(
                    label=_("Unit"),
                    queryset=units,
                    empty_label=_("Choose a unit"),
                    help_text=_("Units already in the programme are not listed."),
                ),
                **self.fields,
            }


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Enrolment.Status.ADMITTED, _("Admit")),
            (Enrolment.Status.WAITLISTED, _("Put on the waiting list")),
            (Enrolment.Status.DECLINED, _("Decline")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for the waiting list and for a decline. The unit's leader sees it."),
    )
    cycle = forms.ModelChoiceField(
        label=_("Cycle"),
        queryset=Cycle.objects.none(),
        required=False,
        empty_label=_("Start a new cycle for the programme"),
        help_text=_("An admitted unit works through its cycle in the programme."),
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status and status != Enrolment.Status.ADMITTED and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the unit a reason."))
        return data


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["user", "role"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].empty_label = _("Choose a person")

    def clean(self):
        data = super().clean()
        if (
            data.get("user")
            and data.get("role")
            and TeamMember.objects.filter(
                enrolment=self.instance.enrolment, user=data["user"], role=data["role"]
            ).exists()
        ):
            self.add_error("user", _("This person already has that role in the team."))
        return data


class NetworkForm(forms.ModelForm):
    class Meta:
        model = Network
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Network.objects.filter(programme=self.instance.programme, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The programme already has a network with this name."))
        return name


class NetworkChoiceForm(forms.Form):
    network = forms.ModelChoiceField(
        label=_("Network"), queryset=Network.objects.none(), required=False, empty_label="–"
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = programme.networks.all()


class GatheringForm(forms.ModelForm):
    class Meta:
        model = Gathering
        fields = [
            "kind",
            "title",
            "network",
            "starts_at",
            "ends_at",
            "place",
            "video_link",
            "status_reports_due",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "status_reports_due": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"video_link": HttpsURLField}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["network"].queryset = programme.networks.all()
        self.fields["network"].empty_label = _("The whole programme")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The gathering must end after it starts."))
        if not data.get("place") and not data.get("video_link") and "place" not in self.errors:
            self.add_error("place", _("Give a place, a video link, or both."))
        due = data.get("status_reports_due")
        if due and starts and due > timezone.localtime(starts).date():
            self.add_error("status_reports_due", _("Status reports are due before the gathering."))
        return data


class AgendaItemForm(forms.ModelForm):
    minutes = forms.IntegerField(label=_("minutes"), min_value=1, max_value=600, initial=30)

    class Meta:
        model = AgendaItem
        fields = ["starts_at", "minutes", "kind", "title", "responsible"]
        widgets = {"starts_at": TimeInput()}


class StatusRoundForm(forms.Form):
    starts_at = forms.TimeField(label=_("The status round starts"), widget=TimeInput())
    minutes = forms.IntegerField(label=_("Minutes per unit"), min_value=3, max_value=60, initial=10)


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["title", "file", "url"]
        field_classes = {"url": HttpsURLField}

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError(_("Add a file or a link."))
        return data


class AttendanceForm(forms.Form):
    """One checkbox per team member of each invited unit, plus others who came."""

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for enrolment in enrolments:
            for member in enrolment.team_list:
                name = f"present_{enrolment.pk}_{member.user_id}_{member.role}"
                self.fields[name] = forms.BooleanField(
                    label=f"{member.user.full_name} ({member.get_role_display()})",
                    required=False,
                    initial=enrolment.present.get(member.user_id) == member.role,
                )
                member.bound = self[name]

    def present(self) -> set[tuple[int, int, str]]:
        chosen = set()
        for name, value in self.cleaned_data.items():
            if value and name.startswith("present_"):
                enrolment_id, user_id, role = name.removeprefix("present_").split("_", 2)
                chosen.add((int(enrolment_id), int(user_id), role))
        return chosen


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["title", "instructions", "due_date", "gathering", "network", "enrolment"]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 4}),
            "due_date": DateInput(),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["gathering"].queryset = programme.gatherings.filter(
            starts_at__gte=timezone.now()
        )
        self.fields["network"].queryset = programme.networks.all()
        self.fields["network"].empty_label = _("All units")
        self.fields["enrolment"].queryset = programme.enrolments.filter(
            status=Enrolment.Status.ADMITTED
        ).select_related("unit")
        self.fields["enrolment"].label_from_instance = lambda enrolment: enrolment.unit.name
        self.fields["enrolment"].empty_label = "–"


class SubmissionForm(forms.ModelForm):
    class Meta:
        model = Submission
        fields = ["text", "file"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback to the unit"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class StatusReportForm(forms.ModelForm):
    class Meta:
        model = StatusReport
        fields = ["gathering", "what_we_did", "where_we_are", "what_we_need"]
        widgets = {
            "what_we_did": forms.Textarea(attrs={"rows": 3}),
            "where_we_are": forms.Textarea(attrs={"rows": 3}),
            "what_we_need": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "where_we_are": _("Which phase, and what you are working on now."),
            "what_we_need": _("Help from the coordinator or the other units in the network."),
        }

    def __init__(self, *args, gatherings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gathering"].queryset = gatherings
        self.fields["gathering"].empty_label = _("No particular gathering")


class BringHomeCreateForm(forms.Form):
    what = forms.CharField(
        label=_("What each unit shares at home"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("Share the main points from the gathering at a staff meeting."),
    )
    due_date = forms.DateField(label=_("By when"), widget=DateInput())


class BringHomeForm(forms.ModelForm):
    class Meta:
        model = BringHomeTask
        fields = ["what", "responsible", "due_date"]
        widgets = {"what": forms.Textarea(attrs={"rows": 2}), "due_date": DateInput()}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people


class ConfirmBringHomeForm(forms.Form):
    note = forms.CharField(
        label=_("How it went"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def applicable_units(user_led_ids, programme: Programme):
    """Units the person leads in the programme's municipalities, not yet enrolled."""
    return (
        Unit.objects.filter(
            pk__in=user_led_ids,
            is_active=True,
            municipality__in=[programme.municipality_id, *programme.municipalities.all()],
        )
        .exclude(enrolments__programme=programme)
        .order_by("name")
    )


class NotificationSettingsForm(forms.Form):
    """One delivery choice per kind of notification."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        from programmes.reminders import RULES

        super().__init__(*args, **kwargs)
        for kind, rule in RULES.items():
            self.fields[kind] = forms.ChoiceField(
                label=rule.label,
                choices=Delivery.choices,
                initial=current[kind],
                help_text=rule.who,
            )


class ReminderRulesForm(forms.Form):
    """A municipality's choice for each reminder rule: on or off, and on which days."""

    def __init__(self, *args, current, **kwargs):
        from programmes.reminders import BEFORE, EVENT, RULES

        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, rule in RULES.items():
            setting = current[kind]
            self.fields[f"{kind}-enabled"] = forms.BooleanField(
                label=rule.label, required=False, initial=setting.enabled
            )
            row = {"rule": rule, "enabled": f"{kind}-enabled", "days": None}
            # A cycle without an owner is reminded about once per owner who left, not on days.
            if rule.timing != EVENT and kind != Kind.CYCLE_WITHOUT_OWNER:
                self.fields[f"{kind}-days"] = forms.CharField(
                    label=_("Days before") if rule.timing == BEFORE else _("Days after"),
                    initial=", ".join(str(day) for day in setting.days),
                    max_length=40,
                )
                row["days"] = f"{kind}-days"
            self.rows.append(row)

    def clean(self):
        from programmes.reminders import parse_days

        data = super().clean()
        for name, value in list(data.items()):
            if name.endswith("-days"):
                try:
                    data[name] = parse_days(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def bound_rows(self):
        for row in self.rows:
            yield {
                "rule": row["rule"],
                "enabled": self[row["enabled"]],
                "days": self[row["days"]] if row["days"] else None,
            }


class QuietPeriodForm(forms.ModelForm):
    class Meta:
        model = QuietPeriod
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
