"""A paginator for lists that can run to hundreds of thousands of rows (the tasks behind a God-view
figure at 10,000 clients): it counts exactly up to `EXACT_UPTO` rows, with a query that stops
there, and past that takes the figure the nightly rollup keeps for the same rows (the number the
God-view shows), marked `estimated` so the page says it is last night's count. Counting 400,000
task rows for the pager cost more than the page itself."""

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

EXACT_UPTO = 5000


class RollupCountPaginator(Paginator):
    def __init__(self, rows: QuerySet, per_page: int, rollup_count: Callable[[], int], **kwargs) -> None:
        super().__init__(rows, per_page, **kwargs)
        self.rollup_count = rollup_count
        self.estimated = False

    @cached_property
    def count(self) -> int:
        seen = self.object_list.order_by()[: EXACT_UPTO + 1].count()
        if seen <= EXACT_UPTO:
            return seen
        self.estimated = True
        return max(self.rollup_count(), seen)

    def page(self, number):
        """A full page of live rows even on the last page: the rollup's figure can be behind them."""
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)
