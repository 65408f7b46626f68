"""The God-view's training compliance tile, from the same matrix as the Training page and panel.

One definition (DESIGN "Training compliance": required modules passed ÷ required modules, each
person's current-version result per module), so the tile, the panel beside it and the page it
links to read the same figure. Three queries for both periods: modules, people, results.
"""

import datetime as dt

from accounts.models import Pod, User
from godview.forms import Filters
from training import selectors as training
from training.compliance import Totals, compliance_totals


def training_scope(filters: Filters) -> training.TrainingFilters:
    """The God-view filters the training matrix understands (pod, AM), as the panel reads them."""
    return training.TrainingFilters(
        pod=Pod(pk=filters.pod) if filters.pod else None, person=User(pk=filters.am) if filters.am else None
    )


def compliance_now_and_at(user: User, filters: Filters, before: dt.date) -> tuple[Totals, Totals]:
    """The matrix's totals today, and as they stood on `before` (only the results completed by
    then), counted without building its cells (at 10,000 clients two matrices took 130 ms)."""
    modules = training.required_modules()
    roles = set().union(*(m.required_roles for m in modules)) if modules else set()
    people = training.people_facts(user, training_scope(filters), roles) if roles else []
    results = training.result_facts([p.id for p in people], [m.id for m in modules]) if people else []
    earlier = [r for r in results if r.completed_on is not None and r.completed_on < before]
    return compliance_totals(people, modules, results), compliance_totals(people, modules, earlier)
