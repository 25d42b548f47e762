"""Load the question bank (evaluation/question_bank.py). Later changes to the bank are loaded
by seed_demo and by ``manage.py sync_question_bank``."""

from django.db import migrations


def load_bank(apps, schema_editor):
    from evaluation.surveys import sync_question_bank

    sync_question_bank(model=apps.get_model("evaluation", "Question"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(load_bank, migrations.RunPython.noop)]
