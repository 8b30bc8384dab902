"""Hostile and broken files, written small (or generated) for the tests."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

from tests.documents import write_docx, write_pdf


def encrypted_pdf(path: Path, *, user_password: str, algorithm: str = "AES-128") -> Path:
    """A real PDF encrypted with an owner password and the given user password ("" opens without one)."""
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(path.with_suffix(".plain.pdf"))
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password=user_password, owner_password="eierpassord", algorithm=algorithm)
    writer.write(str(path))
    plain.unlink()
    return path


def truncated_docx(path: Path) -> Path:
    write_docx(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def docx_bomb(path: Path, unpacked_mb: int = 300) -> Path:
    """A ZIP named .docx whose document.xml unpacks to hundreds of MB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"0" * (1 << 20)
            for _ in range(unpacked_mb):
                fh.write(chunk)
    return path


def _pdf(objects: list[bytes], *, root: int = 1, prev_loop: bool = False) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if prev_loop:
        trailer += b" /Prev %d" % xref  # the cross-reference table names itself as its predecessor
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def circular_pdf(path: Path) -> Path:
    """A PDF whose xref points back at itself and whose page tree is a loop."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    ]
    path.write_bytes(_pdf(objects, prev_loop=True))
    return path


def pdf_bomb(path: Path, unpacked_mb: int = 1500) -> Path:
    """A one-page PDF whose content stream inflates to far more memory than a parse may use."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(packer.compress(chunk) for _ in range(unpacked_mb)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ]
    path.write_bytes(_pdf(objects))
    return path


def huge_text(path: Path, megabytes: int = 100) -> Path:
    line = ("Oppvekst og læring i kommunen. " * 3 + "\n").encode()
    with path.open("wb") as fh:
        fh.truncate(0)
        block = line * ((1 << 20) // len(line) + 1)
        for _ in range(megabytes):
            fh.write(block[: 1 << 20])
    return path


def random_pdf(path: Path) -> Path:
    path.write_bytes(os.urandom(4096))
    return path
