from __future__ import annotations

from django.urls import path

from evaluation.views import evaluation, reports, surveys

urlpatterns = [
    # Phase 7 and indicators (evaluation/views/evaluation.py)
    path("cycles/<int:pk>/evaluation/", evaluation.evaluation_save, name="evaluation_save"),
    path("cycles/<int:pk>/decision/", evaluation.decision_save, name="decision_save_evaluation"),
    path("cycles/<int:pk>/check-in/", evaluation.check_in_save, name="check_in_save"),
    path("cycles/<int:pk>/indicators/", evaluation.cycle_indicators, name="cycle_indicators"),
    path(
        "programmes/<int:pk>/indicators/",
        evaluation.programme_indicators,
        name="programme_indicators",
    ),
    path("indicators/<int:pk>/values/", evaluation.indicator_value_add, name="indicator_value_add"),
    path("indicators/<int:pk>/delete/", evaluation.indicator_delete, name="indicator_delete"),
    # Surveys (evaluation/views/surveys.py)
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/new/", surveys.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", surveys.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/questions/", surveys.survey_questions, name="survey_questions"),
    path(
        "surveys/<int:pk>/questions/new/",
        surveys.survey_question_create,
        name="survey_question_create",
    ),
    path(
        "surveys/questions/<int:pk>/remove/",
        surveys.survey_question_remove,
        name="survey_question_remove",
    ),
    path("surveys/<int:pk>/open/", surveys.survey_open, name="survey_open"),
    path("surveys/<int:pk>/close/", surveys.survey_close, name="survey_close"),
    path("surveys/<int:pk>/answer/", surveys.survey_answer, name="survey_answer"),
    path("surveys/<int:pk>/results/", surveys.survey_results, name="survey_results"),
    path("surveys/<int:pk>/results.xlsx", surveys.survey_export, name="survey_export"),
    # Reports (evaluation/views/reports.py)
    path("cycles/<int:pk>/reports/", reports.cycle_reports, name="cycle_reports"),
    path("programmes/<int:pk>/reports/", reports.programme_reports, name="programme_reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/download/", reports.report_download, name="report_download"),
    path("reports/<int:pk>/retry/", reports.report_retry, name="report_retry"),
]
