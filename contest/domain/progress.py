"""How far along a count is, as shown on progress bars."""


def percent(done: int, total: int) -> int:
    """Whole percent of ``total`` that is ``done``; 0 when there is nothing to do."""
    return round(100 * done / total) if total else 0
