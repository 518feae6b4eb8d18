"""Text folded for searching and comparing: no case, no Vietnamese diacritics ("Nguyễn" → "nguyen")."""
from __future__ import annotations

import hashlib
import re
import unicodedata

# Between the parts of a search text, so a phrase never runs from a title into an author's name.
PART_SEPARATOR = " | "
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), words separated by one space."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").casefold()
    return " ".join(re.findall(r"[0-9a-z@._+-]+|[^\W_]+", text))


def search_form(text: str) -> str:
    """What a search compares: folded, numbers without leading zeros ("DVK-0012" → "dvk-12")."""
    return _LEADING_ZEROS.sub("", fold(text))


def search_text(code: str, title: str, authors: list[str], organization: str, district: str) -> str:
    """An entry's stored search column: its searchable parts, each in ``search_form``."""
    return PART_SEPARATOR.join(search_form(part) for part in (code, title, *authors, organization, district))


def duplicate_key(title: str, authors: list[str]) -> str:
    """Equal for entries with the same title and the same authors once folded (likely duplicates)."""
    folded = fold(title) + "\n" + "\n".join(sorted(fold(name) for name in authors))
    return hashlib.sha256(folded.encode()).hexdigest()[:40]
