"""Real files for the tests, made with the libraries that read and write them, with
the author's identity planted in every metadata field that can carry it."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

NAME = "Trần Văn Bí Mật"
ORGANIZATION = "Hợp tác xã Kín Tiếng Kiến Thụy"
EMAIL = "bimat.tacgia@example.vn"
PHONE = "0987 654 321"


def ascii_fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


# Each identity with and without diacritics.
IDENTITY = [NAME, ascii_fold(NAME), ORGANIZATION, ascii_fold(ORGANIZATION), EMAIL, PHONE]


def workbook(rows: list[list], title: str = "Trang 1") -> bytes:
    """A workbook whose first sheet, named ``title``, holds ``rows``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def views(data: bytes) -> list[bytes]:
    """The bytes as stored, and what a reader decodes from them: every zip member,
    every PDF stream, so compression hides nothing."""
    found = [data]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            found += [package.read(name) for name in package.namelist()]
    if data[:5] == b"%PDF-":
        import pikepdf

        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        found.append(obj.read_bytes())
                    except pikepdf.PdfError:
                        found.append(obj.read_raw_bytes())
    if data[:2] == b"\xff\xd8" or data[:8] == b"\x89PNG\r\n\x1a\n":
        for chunk in _png_chunks(data):
            try:
                found.append(zlib.decompress(chunk))
            except zlib.error:
                pass
    return found


def _png_chunks(data: bytes):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"zTXt":
            yield body.split(b"\0", 1)[1][1:]
        elif kind == b"iTXt":
            yield body.split(b"\0", 1)[1][2:].split(b"\0", 2)[2]
        at += 12 + length


def identity_strings_in(data: bytes) -> list[str]:
    """Every identity string found in ``data``, in UTF-8, UTF-16 (both byte orders)
    or Latin-1, case-insensitively."""
    hits = []
    for text in IDENTITY:
        for variant in {text, text.upper(), text.lower()}:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be", "latin-1"):
                try:
                    needle = variant.encode(encoding)
                except UnicodeEncodeError:
                    continue
                if any(needle in view for view in views(data)):
                    hits.append(f"{text!r} ({encoding})")
    return sorted(set(hits))


def _utf16(text: str):
    import pikepdf

    return pikepdf.String(b"\xfe\xff" + text.encode("utf-16-be"))


def pdf(body: str = "Bài dự thi về mô hình Dân vận khéo.", identity: bool = True) -> bytes:
    """A one-page PDF; the identity in the Info dictionary (PDFDocEncoding and UTF-16),
    the XMP packet and an annotation's author."""
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    page = document.pages[0]
    font = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                      BaseFont=pikepdf.Name.Helvetica))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = document.make_stream(f"BT /F1 14 Tf 72 760 Td ({ascii_fold(body)}) Tj ET".encode())
    if identity:
        document.docinfo["/Author"] = NAME
        document.docinfo["/Title"] = _utf16(f"Bài của {ascii_fold(NAME)}")
        document.docinfo["/Subject"] = ascii_fold(ORGANIZATION)
        document.docinfo["/Keywords"] = _utf16(EMAIL)
        document.docinfo["/Creator"] = ORGANIZATION
        document.docinfo["/Producer"] = PHONE
        document.docinfo["/Company"] = ORGANIZATION
        with document.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = [NAME, ascii_fold(NAME)]
            meta["dc:rights"] = ORGANIZATION
            meta["dc:description"] = EMAIL
            meta["xmp:CreatorTool"] = ascii_fold(ORGANIZATION)
            meta["pdf:Producer"] = PHONE
        page.Annots = document.make_indirect(pikepdf.Array([document.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[72, 700, 92, 720],
            T=_utf16(NAME), Contents="Ghi chú"))]))
    out = io.BytesIO()
    document.save(out, compress_streams=False)
    return out.getvalue()


def _patch_zip(data: bytes, parts: dict[str, str]) -> bytes:
    """Replace or add parts of an Office package (for fields its library does not write)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, text in parts.items():
            target.writestr(name, text)
    return out.getvalue()


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           f'<Application>Microsoft Office Word</Application><Company>{ORGANIZATION}</Company>'
           f'<Manager>{ascii_fold(NAME)}</Manager></Properties>')
CUSTOM_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Tác giả">'
              f'<vt:lpwstr>{NAME}</vt:lpwstr></property>'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Điện thoại">'
              f'<vt:lpwstr>{PHONE}</vt:lpwstr></property></Properties>')


def _set_core(props) -> None:
    props.author = NAME
    props.last_modified_by = ascii_fold(NAME)
    props.title = f"Bài của {NAME}"
    props.subject = ORGANIZATION
    props.keywords = EMAIL
    props.comments = PHONE
    props.category = ascii_fold(ORGANIZATION)


def docx(body: str = "Bài dự thi về mô hình Dân vận khéo.", identity: bool = True) -> bytes:
    """python-docx: core properties, a comment by the author, a tracked insertion by
    the author; the app and custom properties and people.xml added to the package."""
    import docx as python_docx

    document = python_docx.Document()
    paragraph = document.add_paragraph(body)
    if identity:
        _set_core(document.core_properties)
        document.add_comment(paragraph.runs, text="Xem lại", author=NAME, initials="TVBM")
        inserted = document.add_paragraph()._p
        inserted.append(inserted.makeelement(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ins",
            {"{http://schemas.openxmlformats.org/wordprocessingml/2006/main}id": "9",
             "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}author": ascii_fold(NAME),
             "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}date": "2022-10-01T00:00:00Z"}))
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    if identity:
        data = _patch_zip(data, {
            "docProps/app.xml": APP_XML, "docProps/custom.xml": CUSTOM_XML,
            "word/people.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
            f'<w15:person w15:author="{NAME}"><w15:presenceInfo w15:providerId="None" '
            f'w15:userId="{EMAIL}"/></w15:person></w15:people>'})
    return data


def xlsx(identity: bool = True) -> bytes:
    """openpyxl: core properties and a cell comment by the author."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Số liệu mô hình"
    if identity:
        props = book.properties
        props.creator, props.lastModifiedBy = NAME, ascii_fold(NAME)
        props.title, props.subject, props.keywords = f"Bài của {NAME}", ORGANIZATION, EMAIL
        props.description, props.category = PHONE, ascii_fold(ORGANIZATION)
        sheet["A1"].comment = Comment("Ghi chú", NAME)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    return _patch_zip(data, {"docProps/app.xml": APP_XML, "docProps/custom.xml": CUSTOM_XML}) \
        if identity else data


def pptx(identity: bool = True) -> bytes:
    """python-pptx: core properties; a comment author list added to the package."""
    from pptx import Presentation

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Mô hình Dân vận khéo"
    if identity:
        _set_core(deck.core_properties)
    out = io.BytesIO()
    deck.save(out)
    data = out.getvalue()
    return _patch_zip(data, {
        "docProps/app.xml": APP_XML, "docProps/custom.xml": CUSTOM_XML,
        "ppt/commentAuthors.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        f'<p:cmAuthor id="1" name="{NAME}" initials="TVBM" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>',
    }) if identity else data


def odt(identity: bool = True) -> bytes:
    """odfpy: creator, initial creator, title, a user-defined field, an annotation's author."""
    from odf import dc, meta, office, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    paragraph = text.P(text="Bài dự thi về mô hình Dân vận khéo.")
    if identity:
        document.meta.addElement(dc.Creator(text=NAME))
        document.meta.addElement(meta.InitialCreator(text=ascii_fold(NAME)))
        document.meta.addElement(dc.Title(text=f"Bài của {NAME}"))
        document.meta.addElement(meta.UserDefined(name="Đơn vị", text=ORGANIZATION))
        document.meta.addElement(meta.Keyword(text=EMAIL))
        document.meta.addElement(dc.Description(text=PHONE))
        note = office.Annotation()
        note.addElement(dc.Creator(text=NAME))
        note.addElement(text.P(text="Ghi chú"))
        paragraph.addElement(note)
    document.text.addElement(paragraph)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def odt_text(body: str) -> bytes:
    """An OpenDocument text holding ``body`` and no metadata."""
    from odf import text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.text.addElement(text.P(text=body))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _exif(identity: bool, orientation: int = 1) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = orientation
    if identity:
        exif[0x013B] = NAME                                   # Artist (UTF-8)
        exif[0x8298] = ORGANIZATION                           # Copyright
        exif[0x010E] = ascii_fold(NAME)                       # ImageDescription
        exif[0x9C9D] = (NAME + "\0").encode("utf-16-le")      # XPAuthor (UTF-16)
        exif[0x9C9C] = (EMAIL + "\0").encode("utf-16-le")     # XPComment
        exif[0x9C9F] = (PHONE + "\0").encode("utf-16-le")     # XPSubject
    return exif.tobytes()


XMP = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
       f'<dc:creator><rdf:Seq><rdf:li>{NAME}</rdf:li><rdf:li>{ascii_fold(NAME)}</rdf:li></rdf:Seq></dc:creator>'
       f'<dc:rights>{ORGANIZATION}</dc:rights><dc:description>{EMAIL} {PHONE}</dc:description>'
       '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def _iptc() -> bytes:
    """An APP13 Photoshop segment with IPTC By-line, Copyright and Contact."""
    records = b""
    for dataset, value in ((80, NAME), (116, ORGANIZATION), (118, EMAIL), (85, ascii_fold(NAME))):
        raw = value.encode("utf-8")
        records += b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(raw)) + raw
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(records)) + records
    if len(records) % 2:
        block += b"\0"
    body = b"Photoshop 3.0\0" + block
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def jpeg(identity: bool = True, orientation: int = 6) -> bytes:
    """A 40×20 JPEG, orientation 6 (shown turned): EXIF (UTF-8 and UTF-16 fields),
    XMP, IPTC and a JPEG comment."""
    from PIL import Image

    image = Image.new("RGB", (40, 20), (200, 30, 30))
    out = io.BytesIO()
    options = {"exif": _exif(identity, orientation)}
    if identity:
        options.update(xmp=XMP.encode("utf-8"), comment=ORGANIZATION.encode("utf-8"))
    image.save(out, "JPEG", **options)
    data = out.getvalue()
    return data[:2] + _iptc() + data[2:] if identity else data


def png(identity: bool = True) -> bytes:
    """A PNG with tEXt, zTXt and iTXt chunks (UTF-8), XMP and an eXIf chunk."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if identity:
        info.add_text("Author", ascii_fold(NAME))
        info.add_itxt("Description", NAME)
        info.add_text("Copyright", ascii_fold(ORGANIZATION), zip=True)
        info.add_itxt("Comment", f"{ORGANIZATION} {EMAIL}", zip=True)
        info.add_itxt("XML:com.adobe.xmp", XMP)
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 120, 60, 255)).save(out, "PNG", pnginfo=info,
                                                         exif=_exif(identity))
    return out.getvalue()


def _mpeg_frames(count: int = 20) -> bytes:
    """Silent MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz (417 bytes each)."""
    return (b"\xff\xfb\x90\x00" + b"\0" * 413) * count


def mp3(identity: bool = True) -> bytes:
    """MP3 with ID3v2.4 frames in UTF-8 and UTF-16, an ID3v1 tag and an APEv2 tag."""
    import tempfile
    from pathlib import Path

    from mutagen.apev2 import APEv2
    from mutagen.id3 import COMM, ID3, TCOM, TCOP, TIT2, TPE1, TPUB, TXXX, WOAR

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bai.mp3"
        path.write_bytes(_mpeg_frames())
        if identity:
            tags = ID3()
            tags.add(TPE1(encoding=3, text=[NAME]))
            tags.add(TIT2(encoding=1, text=[f"Bài của {NAME}"]))
            tags.add(TCOM(encoding=1, text=[ascii_fold(NAME)]))
            tags.add(TCOP(encoding=3, text=[ORGANIZATION]))
            tags.add(TPUB(encoding=1, text=[ascii_fold(ORGANIZATION)]))
            tags.add(COMM(encoding=1, lang="vie", desc="", text=[f"{EMAIL} {PHONE}"]))
            tags.add(TXXX(encoding=3, desc="Tác giả", text=[NAME]))
            tags.add(WOAR(url=f"mailto:{EMAIL}"))
            tags.save(path, v1=2, v2_version=4)
            ape = APEv2()
            ape["Artist"] = NAME
            ape["Publisher"] = ORGANIZATION
            ape.save(path)
        return path.read_bytes()


def _atom(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body) + 8) + kind + body


def m4a(identity: bool = True, brand: bytes = b"M4A ") -> bytes:
    """An MP4 container (ftyp, moov with mvhd, mdat), tagged with mutagen."""
    import tempfile
    from pathlib import Path

    from mutagen.mp4 import MP4

    mvhd = _atom(b"mvhd", b"\0" * 4 + struct.pack(">IIII", 0, 0, 1000, 5000) + b"\0\x01\0\0\x01\0"
                 + b"\0" * 10 + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
                 + b"\0" * 24 + struct.pack(">I", 2))
    data = _atom(b"ftyp", brand + b"\0\0\0\0" + brand + b"isom") + _atom(b"moov", mvhd) \
        + _atom(b"mdat", b"\0" * 64)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bai.m4a"
        path.write_bytes(data)
        if identity:
            media = MP4(path)
            media["\xa9ART"] = [NAME]
            media["aART"] = [ascii_fold(NAME)]
            media["\xa9nam"] = [f"Bài của {NAME}"]
            media["\xa9wrt"] = [ascii_fold(NAME)]
            media["cprt"] = [ORGANIZATION]
            media["\xa9cmt"] = [f"{EMAIL} {PHONE}"]
            media["----:com.apple.iTunes:Publisher"] = [ascii_fold(ORGANIZATION).encode()]
            media.save()
        return path.read_bytes()


def mp4(identity: bool = True) -> bytes:
    return m4a(identity, brand=b"mp42")


def doc() -> bytes:
    """What a Word 97–2003 file starts with (an OLE2 compound file), the author's name inside."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + NAME.encode("utf-16-le") * 20


def rtf() -> bytes:
    """A rich text file naming the author."""
    return b"{\\rtf1\\ansi\\deff0 " + NAME.encode("utf-8") * 20 + b"}"


def webm() -> bytes:
    """What a WebM video starts with (an EBML header), the author's name inside."""
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"webm" + NAME.encode("utf-8") * 20


def windows_program() -> bytes:
    """The start of a Windows executable (MZ header, PE signature)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 50 + b"\x80\0\0\0" + b"\0" * 64 + b"PE\0\0" \
        + b"\0" * 200


def web_page() -> bytes:
    """An HTML page with a script, as a browser would run it."""
    return b"<!DOCTYPE html>\n<html><head><title>Bai du thi</title></head>" \
           b"<body><script>document.location='https://example.com/'</script></body></html>"
