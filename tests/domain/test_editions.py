from datetime import datetime

import pytest

from contest.domain.editions import a_year_later, next_edition


@pytest.mark.parametrize(("text", "expected"), [
    ("dvk-2022", "dvk-2023"),
    ("Tuyên truyền “Dân vận khéo” năm 2022", "Tuyên truyền “Dân vận khéo” năm 2023"),
    ("thi-thu", "thi-thu"),
    ("DVK-12345", "DVK-12345"),          # not a year
    ("2022/GCN-BTC", "2023/GCN-BTC"),
])
def test_next_edition(text, expected):
    assert next_edition(text) == expected


def test_a_year_later():
    assert a_year_later(datetime(2022, 5, 20, 8, 0)) == datetime(2023, 5, 20, 8, 0)
    assert a_year_later(datetime(2024, 2, 29, 17, 0)) == datetime(2025, 2, 28, 17, 0)
