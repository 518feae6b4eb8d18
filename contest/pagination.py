"""Pages of rows already in memory, for the shared Bootstrap pagination macro."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination


class RowPagination(Pagination):
    """``RowPagination(rows=…, per_page=N)``: the page comes from ``?page=`` (1 when
    missing or wrong; past the end, an empty page)."""

    def __init__(self, rows: list, per_page: int):
        super().__init__(rows=rows, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list:
        start = self._query_offset
        return self._query_args["rows"][start:start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])
