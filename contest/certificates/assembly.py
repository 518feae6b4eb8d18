"""Assemble certificate PDFs: text pages joined, each kind's design stamped under its pages.

The design layer (frame, issuer, motto, title, signer) is the same on every
certificate of a kind. It is laid out once, kept in the PDF once as a form
XObject, and drawn under each page by a two-operator content stream: that
saves WeasyPrint half of its per-page work and keeps the file small.
"""
from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _contents(page: PageObject) -> list:
    """The page's content stream references, in order, unresolved."""
    contents = page.raw_get(NameObject("/Contents"))
    if isinstance(contents, IndirectObject):
        resolved = contents.get_object()
        return list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    return list(contents)


def _form_xobject(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """One page of another PDF as a form XObject of ``writer``."""
    form = _stream(b"".join(ref.get_object().get_data() for ref in _contents(page)))
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(page.mediabox),
        NameObject("/Resources"): page[NameObject("/Resources")].clone(writer),
    })
    if "/Group" in page:
        form[NameObject("/Group")] = page[NameObject("/Group")].clone(writer)
    # pypdf has no public way to add a free-standing object to a writer.
    return writer._add_object(form.flate_encode())


def join_pdfs(parts: Sequence[bytes]) -> PdfWriter:
    """The pages of ``parts``, in order, with the first part's metadata (title)."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(BytesIO(part)))
    metadata = PdfReader(BytesIO(parts[0])).metadata
    if metadata:
        writer.add_metadata({key: str(value) for key, value in metadata.items()})
    return writer


def assemble(designs: Sequence[bytes], text_parts: Sequence[bytes], page_designs: Sequence[int]) -> bytes:
    """Join ``text_parts`` and draw design ``page_designs[i]`` (a one-page PDF) under page i.

    Without designs (pre-printed stock) the parts are only joined.
    """
    writer = join_pdfs(text_parts)
    if not designs:
        out = BytesIO()
        writer.write(out)
        return out.getvalue()
    if len(writer.pages) != len(page_designs):
        raise ValueError(f"{len(writer.pages)} text pages for {len(page_designs)} certificates")
    stamps = []
    for index, design in enumerate(designs):
        name = NameObject(f"/Design{index}")
        form = _form_xobject(writer, PdfReader(BytesIO(design)).pages[0])
        draw = writer._add_object(_stream(f"q {name} Do Q\n".encode()))
        stamps.append((name, form, draw))
    for page, index in zip(writer.pages, page_designs):
        name, form, draw = stamps[index]
        resources = page[NameObject("/Resources")]
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        resources["/XObject"][name] = form
        page[NameObject("/Contents")] = ArrayObject([draw, *_contents(page)])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
