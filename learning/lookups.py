"""``__in`` on integer fields (primary keys too) ignores numbers the database cannot hold.

Django leaves out such numbers for ``exact``, ``gt``, ``lt`` and the like (ticket #27397)
but not for ``in``: SQLite then fails with OverflowError, so a form with several choices
(a ModelMultipleChoiceField) posted with an id such as 99999999999999999999 was a server
error instead of "select a valid choice". No row can have such a number, so leaving it out
changes no answer.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
