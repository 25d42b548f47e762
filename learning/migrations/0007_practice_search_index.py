"""A full-text index for the practice register's search, on PostgreSQL.

The expression is the one ``learning.search.search_practices`` filters on (title, themes and
description, weighted A, B and C, Norwegian configuration), so PostgreSQL answers a search
from the index instead of building the text-search vector of every practice for every search.
SQLite, used in development, searches with LIKE and gets no index.
"""

from django.db import migrations

INDEX = "learning_practice_search"
SEARCH_VECTOR = (
    "(setweight(to_tsvector('norwegian'::regconfig, COALESCE(\"title\", '')), 'A')"
    " || setweight(to_tsvector('norwegian'::regconfig, COALESCE(\"themes\", '')), 'B'))"
    " || setweight(to_tsvector('norwegian'::regconfig, COALESCE(\"description\", '')), 'C')"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON learning_practice USING gin (({SEARCH_VECTOR}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("learning", "0006_privacy_and_audit")]

    operations = [migrations.RunPython(create_index, drop_index)]
