"""The God-view's training compliance tile, from the same matrix as the Training page and panel.

One definition (DESIGN "Training compliance": required modules passed ÷ required modules, each
person's current-version result per module), so the tile, the panel beside it and the page it
links to read the same figure. Three queries for both periods: modules, people by role, results.
"""

import datetime as dt

from accounts.models import Pod, User
from godview.forms import Filters
from training import selectors as training
from training.compliance import Totals


def training_scope(filters: Filters) -> training.TrainingFilters:
    """The God-view filters the training matrix understands (pod, AM), as the panel reads them."""
    return training.TrainingFilters(
        pod=Pod(pk=filters.pod) if filters.pod else None, person=User(pk=filters.am) if filters.am else None
    )


def compliance_now_and_at(user: User, filters: Filters, before: dt.date) -> tuple[Totals, Totals]:
    """The matrix's totals today, and as they stood on `before` (only the results completed by
    then), counted by the database without building its cells."""
    return training.compliance_totals(user, training_scope(filters), before)
