from __future__ import annotations

from axes.utils import reset as reset_login_attempts
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.models import (
    CandidateSource,
    Conclusion,
    Cycle,
    Idea,
    IntroductionMeeting,
    LearningPoint,
    ObservationNote,
    Obstacle,
    PersonalGoal,
    Phase,
    PhasePlan,
    Practice,
    PracticeAttachment,
    PracticeLogEntry,
    Reflection,
    RepresentativeInvolvement,
    SharingSession,
    Task,
    Unit,
    User,
    Visit,
    VisitFeedback,
    VisitReflection,
    personal_data_warnings,
)


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


def login_username(request, credentials: dict | None) -> str:
    """The email address a login attempt is counted against (django-axes), written as the
    login finds it: case and surrounding spaces do not make a new address to guess for."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return (username or "").strip().lower()


class UnlockingSetPasswordForm(SetPasswordForm):
    """Setting a new password from the emailed link also lifts a login lockout for the
    address, as the lockout page promises."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            reset_login_attempts(username=login_username(None, {"username": user.get_username()}))
        return user


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


# The kollegalæring cycle


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["title", "owner", "start_date"]
        widgets = {"start_date": DateInput()}
        help_texts = {"title": _("A short name staff will recognise, such as “Good mealtimes”.")}

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = unit.leaders()
        self.fields["owner"].empty_label = None
        if self.instance.pk:
            del self.fields["owner"]  # handed over with a reason, see OwnerForm


class PhasePlanForm(forms.ModelForm):
    class Meta:
        model = PhasePlan
        fields = ["due_date", "responsible"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, people, start_date, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_date = start_date
        self.fields["responsible"].queryset = people
        self.fields["responsible"].empty_label = _("No one yet")

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and self.start_date and due < self.start_date:
            raise forms.ValidationError(
                _("The target date cannot be before the cycle starts (%(start)s)."),
                params={"start": self.start_date.strftime("%d.%m.%Y")},
            )
        return due


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(ReasonForm):
    phase = forms.TypedChoiceField(label=_("Phase to reopen"), coerce=int, choices=Phase.choices)

    field_order = ["phase", "reason"]

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        last = (
            Phase.EVALUATION + 1 if cycle.status == Cycle.Status.COMPLETED else cycle.current_phase
        )
        self.fields["phase"].choices = [(p.value, p.label) for p in Phase if p < last]
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = _("Write why the phase is reopened.")


class StatusForm(ReasonForm):
    status = forms.ChoiceField(
        choices=[
            (Cycle.Status.PAUSED, _("Pause")),
            (Cycle.Status.ACTIVE, _("Resume")),
            (Cycle.Status.ENDED, _("End early")),
        ]
    )


class OwnerForm(ReasonForm):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())

    field_order = ["owner", "reason"]

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = cycle.unit.leaders().exclude(pk=cycle.owner_id)


class StatementForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["what", "why", "how", "plan_links"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["participation_decided_on", "participation_how", "supporters", "group_agreement"]
        widgets = {
            "participation_decided_on": DateInput(),
            "participation_how": forms.Textarea(attrs={"rows": 3}),
            "supporters": forms.CheckboxSelectMultiple(),
            "group_agreement": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporters"].queryset = people

    def clean(self):
        data = super().clean()
        if bool(data.get("participation_decided_on")) != bool(
            (data.get("participation_how") or "").strip()
        ):
            raise forms.ValidationError(
                _("Give both the date of the decision and how staff were involved.")
            )
        return data


class AttendanceForm(forms.ModelForm):
    """A meeting with its date, the people who attended (from the unit) and others."""

    missing_attendees = _("Say who attended the meeting.")

    class Meta:
        fields = ["held_on", "attendees", "other_attendees", "note"]
        widgets = {
            "held_on": DateInput(),
            "attendees": forms.CheckboxSelectMultiple(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people

    def clean(self):
        data = super().clean()
        if not data.get("attendees") and not data.get("other_attendees"):
            raise forms.ValidationError(self.missing_attendees)
        return data


class IntroductionMeetingForm(AttendanceForm):
    class Meta(AttendanceForm.Meta):
        model = IntroductionMeeting


class RepresentativeForm(forms.ModelForm):
    class Meta:
        model = RepresentativeInvolvement
        fields = ["name", "role", "involved_on", "comment"]
        widgets = {"involved_on": DateInput(), "comment": forms.Textarea(attrs={"rows": 2})}


class IdeaForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = [
            "text",
            "category",
            "source",
            "deviation_category",
            "deviation_count",
            "deviation_period",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}
        help_texts = {
            "text": _("What could the unit learn or do better? A sentence or two is enough."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Not sure")), *Idea.Category.choices]


class IdeaAnswerForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["response", "reply"]
        widgets = {
            "response": forms.RadioSelect(),
            "reply": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].required = True
        self.fields["response"].choices = Idea.Response.choices


class NeedForm(forms.Form):
    idea = forms.ModelChoiceField(
        label=_("Take the need from an idea"),
        queryset=Idea.objects.none(),
        required=False,
        empty_label=_("None, I write it below"),
    )
    learning_need = forms.CharField(
        label=_("The unit's learning need"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to use the text of the chosen idea."),
    )
    learning_need_source = forms.ChoiceField(
        label=_("Source of the need"), choices=Cycle.NeedSource.choices
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = cycle.ideas.all()

    def clean(self):
        data = super().clean()
        if not (data.get("learning_need") or "").strip():
            if data.get("idea"):
                data["learning_need"] = data["idea"].text
            else:
                raise forms.ValidationError(_("Write the learning need or choose an idea."))
        return data


class FocusQuestionForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["focus_question"]
        widgets = {"focus_question": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "focus_question": _(
                "The question the unit wants answered by observing, such as “How do they make "
                "mealtimes calm?”"
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_question"].required = True
        self.fields["focus_question"].error_messages["required"] = _(
            "Write the focus question before saving."
        )

    def clean_focus_question(self):
        return self.cleaned_data["focus_question"].strip()


class LearningPointForm(forms.ModelForm):
    class Meta:
        model = LearningPoint
        fields = ["title", "observe", "learn", "train"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2}) for name in ["observe", "learn", "train"]
        }


class PersonalGoalForm(forms.ModelForm):
    class Meta:
        model = PersonalGoal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "maxlength": 1000})}


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["description", "phase", "responsible", "start_date", "due_date", "status"]
        widgets = {"start_date": DateInput(), "due_date": DateInput()}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people
        self.fields["responsible"].empty_label = _("No one yet")


class ObstacleForm(forms.ModelForm):
    class Meta:
        model = Obstacle
        fields = ["description", "occurred_on", "action_taken"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "occurred_on": DateInput(),
            "action_taken": forms.Textarea(attrs={"rows": 2}),
        }


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# The practice register


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["title", "description", "themes", "contact", "visits_per_month", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = unit.people()
        self.fields["contact"].empty_label = _("The unit's leader")


class PracticeAttachmentForm(forms.ModelForm):
    class Meta:
        model = PracticeAttachment
        fields = ["title", "file"]


class PracticeFilterForm(UnitFilterForm):
    """Search words and the unit filters, applied to practices through their unit."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("For example “måltid” or “overganger”."),
    )

    def filter(self, practices):
        if not self.is_valid():
            return practices
        data = self.cleaned_data
        if data["sector"]:
            sector = data["sector"]
            practices = practices.filter(
                Q(unit=sector) | Q(unit__parent=sector) | Q(unit__parent__parent=sector)
            )
        if data["unit_type"]:
            practices = practices.filter(unit__unit_type=data["unit_type"])
        if data["former_municipality"]:
            practices = practices.filter(unit__former_municipality_id=data["former_municipality"])
        return practices


# Phase 4


class CandidateSourceForm(forms.ModelForm):
    class Meta:
        model = CandidateSource
        fields = ["kind", "where", "contact", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class HostForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["host_practice", "host_unit", "host_external"]

    def __init__(self, *args, units, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].queryset = units
        self.fields["host_unit"].empty_label = _("None")
        self.fields["host_practice"].queryset = practices
        self.fields["host_practice"].empty_label = _("None")
        self.fields["host_practice"].label = _("A practice from the register")
        self.fields["host_unit"].label = _("Or a unit in the municipality")
        self.fields["host_external"].label = _("Or an external host")

    def clean(self):
        data = super().clean()
        practice, unit = data.get("host_practice"), data.get("host_unit")
        external = (data.get("host_external") or "").strip()
        if practice:
            if unit and unit != practice.unit:
                raise forms.ValidationError(
                    _("The practice belongs to %(unit)s. Choose that unit or no unit."),
                    params={"unit": practice.unit.name},
                )
            data["host_unit"] = practice.unit
        chosen = [bool(data.get("host_unit")), bool(external)]
        if not any(chosen):
            raise forms.ValidationError(_("Choose a practice or a unit, or describe the host."))
        if all(chosen):
            raise forms.ValidationError(
                _("Choose either a unit in the municipality or an external host, not both.")
            )
        data["host_external"] = external
        return data


# Phase 5: visits


class VisitRequestForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["starts_at", "ends_at", "observers", "purpose"]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "observers": forms.CheckboxSelectMultiple(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "purpose": _(
                "What you hope to see and learn. The host also sees your focus question and "
                "learning points."
            )
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observers"].queryset = people

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The visit must end after it starts."))
        # A request to a host in the app asks for a time ahead; an external visit may be
        # recorded afterwards.
        if starts and self.instance.host_unit_id and starts <= timezone.now():
            self.add_error("starts_at", _("Choose a time in the future."))
        return data


class VisitAnswerForm(forms.Form):
    ACCEPT, DECLINE, PROPOSE = "accept", "decline", "propose"
    answer = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("Accept the visit")),
            (PROPOSE, _("Propose another time")),
            (DECLINE, _("Decline")),
        ],
    )
    message = forms.CharField(
        label=_("Message or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline, so the unit can look elsewhere."),
    )
    starts_at = forms.DateTimeField(label=_("New start"), required=False, widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("New end"), required=False, widget=DateTimeInput())

    def clean(self):
        data = super().clean()
        answer = data.get("answer")
        if answer == self.DECLINE and not (data.get("message") or "").strip():
            self.add_error("message", _("Tell the unit why, so it can look elsewhere."))
        if answer == self.PROPOSE:
            starts, ends = data.get("starts_at"), data.get("ends_at")
            if not starts:
                self.add_error("starts_at", _("Give the new start time."))
            if not ends:
                self.add_error("ends_at", _("Give the new end time."))
            if starts and ends and ends <= starts:
                self.add_error("ends_at", _("The visit must end after it starts."))
            if starts and starts <= timezone.now():
                self.add_error("starts_at", _("Choose a time in the future."))
        return data


class ForLearningPointForm(forms.ModelForm):
    """A record about one of the cycle's learning points, or about the whole."""

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learning_point"].queryset = cycle.learning_points.all()
        self.fields["learning_point"].empty_label = _("In general")


class ObservationNoteForm(ForLearningPointForm):
    class Meta:
        model = ObservationNote
        fields = ["learning_point", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class VisitReflectionForm(forms.ModelForm):
    class Meta:
        model = VisitReflection
        fields = ["observed", "take_home"]
        widgets = {
            "observed": forms.Textarea(attrs={"rows": 3}),
            "take_home": forms.Textarea(attrs={"rows": 3}),
        }


class VisitFeedbackForm(forms.ModelForm):
    class Meta:
        model = VisitFeedback
        fields = ["works", "learned", "questions", "suggestions", "show_on_practice"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["works", "learned", "questions", "suggestions"]
        }


class AcknowledgeForm(forms.Form):
    reply = forms.CharField(
        label=_("A short reply (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Phase 6


class SharingSessionForm(AttendanceForm):
    missing_attendees = _("Say who attended the session.")

    class Meta(AttendanceForm.Meta):
        model = SharingSession


class ConclusionForm(ForLearningPointForm):
    class Meta:
        model = Conclusion
        fields = ["learning_point", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class PracticeLogForm(forms.ModelForm):
    class Meta:
        model = PracticeLogEntry
        fields = ["practised_on", "what", "who", "learned"]
        widgets = {
            "practised_on": DateInput(),
            "what": forms.Textarea(attrs={"rows": 2}),
            "learned": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionForm(forms.ModelForm):
    class Meta:
        model = LearningPoint
        fields = ["decision", "decision_reason"]
        widgets = {
            "decision": forms.RadioSelect(),
            "decision_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].required = True
        self.fields["decision"].choices = LearningPoint.Decision.choices
        self.fields["decision_reason"].required = True
        self.fields["decision_reason"].error_messages["required"] = _(
            "Write why, so others can learn from the decision."
        )


# Reflections


class ReflectionForm(forms.Form):
    """The guiding questions as answer fields, free text, and who may read it."""

    free_text = forms.CharField(
        label=_("In my own words"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    learning_point = forms.ModelChoiceField(
        label=_("Learning point"), queryset=LearningPoint.objects.none(), required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who can read it"),
        choices=Reflection.Visibility.choices,
        initial=Reflection.Visibility.PRIVATE,
        widget=forms.RadioSelect,
        help_text=_("Only you, unless you share it. Your leader sees only how many reflected."),
    )
    confirm_personal_data = forms.BooleanField(
        label=_("I have checked the text, and it contains no personal data about others."),
        required=False,
    )

    def __init__(self, *args, prompts: list[str], cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompts = prompts
        for index, prompt in enumerate(prompts):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=prompt,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields([f"answer_{i}" for i in range(len(prompts))] + ["free_text"])
        self.fields["learning_point"].queryset = cycle.learning_points.all()
        self.fields["learning_point"].empty_label = _("None in particular")
        self.personal_data = []

    @classmethod
    def initial_from(cls, reflection: Reflection, prompts: list[str]) -> dict:
        given = {item["question"]: item["answer"] for item in reflection.answers}
        initial = {f"answer_{i}": given.get(prompt, "") for i, prompt in enumerate(prompts)}
        initial.update(
            free_text=reflection.free_text,
            learning_point=reflection.learning_point_id,
            visibility=reflection.visibility,
        )
        return initial

    def answers(self) -> list[dict]:
        return [
            {"question": prompt, "answer": self.cleaned_data.get(f"answer_{i}", "").strip()}
            for i, prompt in enumerate(self.prompts)
        ]

    def check_complete(self) -> None:
        """For saving (not for drafts): something written, and a personal data check."""
        text = " ".join(
            [item["answer"] for item in self.answers()] + [self.cleaned_data["free_text"]]
        )
        if not text.strip():
            raise forms.ValidationError(_("Write something before you save."))
        self.personal_data = personal_data_warnings(text)
        if self.personal_data and not self.cleaned_data.get("confirm_personal_data"):
            raise forms.ValidationError(
                _(
                    "The text seems to contain %(found)s. Reflections are about practice, "
                    "not about residents, pupils, children or colleagues. Remove it, or tick "
                    "the box if it is not personal data."
                ),
                params={"found": ", ".join(self.personal_data)},
                code="personal_data",
            )


# The audit log


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("Part of a name or an email address: who did it, or whom it concerned."),
    )

    def __init__(self, *args, **kwargs):
        from learning.models import AuditEvent

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AuditEvent.Action.choices]

    def filter(self, events):
        if not self.is_valid():
            return events
        if self.cleaned_data["action"]:
            events = events.filter(action=self.cleaned_data["action"])
        person = self.cleaned_data["person"].strip()
        if person:
            events = events.filter(
                Q(actor__full_name__icontains=person)
                | Q(actor__email__icontains=person)
                | Q(subject__full_name__icontains=person)
                | Q(subject__email__icontains=person)
            )
        return events
