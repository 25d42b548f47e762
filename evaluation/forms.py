"""Forms for phase 7 (the evaluation, the decision, the check-in a year later) and indicators.
Survey forms live in evaluation/surveys.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Evaluation, Indicator, IndicatorValue
from learning.forms import DateInput


class EvaluationForm(forms.ModelForm):
    """The method's questions: experience; did we achieve the learning; why or why not."""

    class Meta:
        model = Evaluation
        fields = ["experience", "achieved", "why", "evidence", "lessons"]
        widgets = {
            "experience": forms.Textarea(attrs={"rows": 4}),
            "achieved": forms.RadioSelect(),
            "why": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achieved"].choices = Evaluation.Achieved.choices
        self.fields["evidence"].help_text = _(
            "Describe concretely what people now do differently, as they tell it: "
            "examples, not opinions."
        )


class ContinuationForm(forms.ModelForm):
    """Continue into daily practice, start a new cycle, or end: with a reason."""

    class Meta:
        model = Evaluation
        fields = ["decision", "decision_reason"]
        widgets = {
            "decision": forms.RadioSelect(),
            "decision_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].required = True
        self.fields["decision"].choices = Evaluation.Decision.choices
        self.fields["decision"].error_messages["required"] = _("Choose how the unit goes on.")
        self.fields["decision_reason"].required = True
        self.fields["decision_reason"].error_messages["required"] = _(
            "Write why, so others can learn from the decision."
        )


class CheckInForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["check_in_note"]
        widgets = {"check_in_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["check_in_note"].required = True
        self.fields["check_in_note"].help_text = _(
            "Is the new practice still in use? What has changed since the evaluation?"
        )


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit_of_measure",
            "direction",
            "baseline_on",
            "baseline_value",
            "target_value",
        ]
        widgets = {"baseline_on": DateInput(), "direction": forms.RadioSelect()}
        help_texts = {
            "name": _("For example: sick leave, deviation reports per month, share of full-time."),
            "baseline_value": _(
                "The value before the work started (the baseline). Without it, nobody can "
                "tell later whether anything changed."
            ),
        }


class IndicatorValueForm(forms.ModelForm):
    """A follow-up measurement, never before the baseline and at most one per day."""

    class Meta:
        model = IndicatorValue
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_measured_on(self):
        measured_on = self.cleaned_data["measured_on"]
        if measured_on < self.indicator.baseline_on:
            raise forms.ValidationError(
                _("A follow-up value cannot be measured before the baseline date (%(date)s).")
                % {"date": self.indicator.baseline_on.strftime("%d.%m.%Y")}
            )
        if self.indicator.values.filter(measured_on=measured_on).exists():
            raise forms.ValidationError(_("There is already a value for this date."))
        return measured_on

    def save(self, commit: bool = True) -> IndicatorValue:
        self.instance.indicator = self.indicator
        return super().save(commit)
