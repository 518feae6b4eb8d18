"""Text as people typed it: NFC-normalised, outer whitespace trimmed, nothing else."""
from __future__ import annotations

import unicodedata


def clean(value: object) -> str:
    """NFC keeps "Thuỳ" one way in the database whatever keyboard typed it."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def keep_lines(value: object) -> str:
    """Like clean(), keeping the line breaks typed (a signer's title on two lines)."""
    return "\n".join(line for line in (clean(part) for part in clean(value).splitlines()) if line)


def split_names(value: str, sep: str = ";") -> list[str]:
    """Author names from one field, in order, empty parts dropped."""
    return [name for name in (clean(part) for part in value.split(sep)) if name]
