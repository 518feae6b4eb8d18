"""Certificate numbers from the organizer's format string."""
from __future__ import annotations

import pytest

from contest.domain.numbering import NumberFormatError, format_number, validate_number_format


@pytest.mark.parametrize(("fmt", "seq", "year", "expected"), [
    ("{seq:02d}/GCN-BTC", 1, 2022, "01/GCN-BTC"),
    ("{seq:02d}/GCN-BTC", 16, 2022, "16/GCN-BTC"),
    ("{seq:02d}/GCN-BTC", 380, 2022, "380/GCN-BTC"),
    ("{seq:02d}/QĐ-UBND", 6, 2022, "06/QĐ-UBND"),
    ("{seq}/{year}/GCN", 3, 2022, "3/2022/GCN"),
    ("GCN-{year}-{seq:04d}", 12, 2023, "GCN-2023-0012"),
    ("{{{seq}}}", 5, 2022, "{5}"),
])
def test_format_number(fmt, seq, year, expected):
    validate_number_format(fmt)
    assert format_number(fmt, seq, year) == expected


@pytest.mark.parametrize(("fmt", "message"), [
    pytest.param("GCN-BTC", "must contain {seq}", id="no-seq"),
    pytest.param("{year}/GCN", "must contain {seq}", id="year-only"),
    pytest.param("{n:02d}/GCN", "unknown field", id="unknown-field"),
    pytest.param("{seq}/{month}", "unknown field", id="seq-and-unknown-field"),
    pytest.param("{seq.real}/GCN", "unknown field", id="attribute"),
    pytest.param("{seq[0]}/GCN", "unknown field", id="index"),
    pytest.param("{0}/GCN", "unknown field", id="positional-number"),
    pytest.param("{}/GCN", "positional", id="positional-empty"),
    pytest.param("{seq/GCN", "", id="unclosed-brace"),
    pytest.param("seq}/GCN", "", id="stray-closing-brace"),
    pytest.param("{seq:02s}/GCN", "", id="wrong-format-code"),
    pytest.param("{seq:0200d}/GCN", "100 characters", id="too-long"),
    pytest.param("{seq:{year}}/GCN", "", id="nested-field"),
])
def test_bad_formats_are_refused(fmt, message):
    with pytest.raises(NumberFormatError, match=message if message else None) as caught:
        validate_number_format(fmt)
    assert fmt in str(caught.value)


@pytest.mark.parametrize("fmt", ["{seq:02d}/GCN-BTC", "{seq}", "{year}-{seq:03d}"])
def test_good_formats_pass(fmt):
    assert validate_number_format(fmt) is None
