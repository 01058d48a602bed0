"""The zip reader parses what CPython's zipfile writes and reads (the reference: every archive here is also
read back by ``zipfile``): stored and deflated members, data descriptors, zip64 records and extra fields, a
comment at the end (one holding the end record's signature too), data before the archive; and it refuses
what is not a zip, or is a zip bomb (PKWARE APPNOTE.TXT 4.3; Fifield, "A better zip bomb", 2019)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from grader.aws import zip_reader as zips


def archive(
    files: dict[str, bytes | str],
    *,
    method: int = zipfile.ZIP_DEFLATED,
    comment: bytes = b"",
    stream: bool = False,
    force_zip64: bool = False,
) -> bytes:
    """A zip written by zipfile; ``stream``: to an unseekable file, so every member has a data descriptor."""
    buffer = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            return buffer.write(data)

    target = Unseekable() if stream else buffer
    with zipfile.ZipFile(target, "w", method) as zf:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            with zf.open(
                zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)) if method == zipfile.ZIP_STORED else name,
                "w",
                force_zip64=force_zip64,
            ) as member:
                member.write(data)
        zf.comment = comment
    blob = buffer.getvalue()
    assert zipfile.ZipFile(io.BytesIO(blob)).testzip() is None  # CPython reads it: a valid archive
    return blob


def whole(blob: bytes) -> zips.Pieces:
    pieces = zips.Pieces(len(blob))
    pieces.add(0, blob)
    return pieces


def contents(blob: bytes) -> dict[str, bytes]:
    pieces = whole(blob)
    directory = zips.locate_directory(pieces)
    members = zips.read_directory(pieces, directory, 1000)
    zips.check_layout(members, directory)
    return {m.name: zips.inflate(m, zips.compressed_data(pieces, m)) for m in members}


FILES = {
    "lambda_function.py": "import utils\n\ndef lambda_handler(event, context):\n    return utils.ok()\n" * 20,
    "python/utils.py": "def ok():\n    return {'statusCode': 200}\n",
    "folder/": b"",
    "data.bin": bytes(range(256)),
}


def expected() -> dict[str, bytes]:
    return {name: content.encode() if isinstance(content, str) else content for name, content in FILES.items()}


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["stored", "deflated"])
def test_members_stored_or_deflated(method):
    blob = archive(FILES, method=method)
    assert contents(blob) == expected()
    members = zips.read_directory(whole(blob), zips.locate_directory(whole(blob)), 100)
    assert {m.method for m in members if m.size} == {method}


def test_members_with_data_descriptors():
    blob = archive(FILES, stream=True)
    members = zips.read_directory(whole(blob), zips.locate_directory(whole(blob)), 100)
    assert all(m.flags & 0x08 for m in members if not m.is_dir)  # bit 3: sizes after the data
    assert contents(blob) == expected()


def test_zip64_extra_fields_and_end_records(monkeypatch):
    # zipfile writes zip64 records only past its limits: lowered, so a small archive has them all.
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 16)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    blob = archive(FILES, force_zip64=True)
    monkeypatch.undo()
    assert zips.ZIP64_END_SIGNATURE in blob and zips.ZIP64_LOCATOR_SIGNATURE in blob
    central = [i for i in range(len(blob)) if blob.startswith(zips.CENTRAL_SIGNATURE, i)]
    sizes = [struct.unpack_from("<2L", blob, i + 20) for i in central]
    assert (0xFFFFFFFF, 0xFFFFFFFF) in sizes  # sizes in the zip64 extra field, not the entry
    assert contents(blob) == expected()
    # The end record's own fields all deferring to the zip64 record (APPNOTE 4.4.1.4), as a writer past 4 GiB
    # or 65,535 members leaves them: CPython reads that too.
    end = blob.rfind(zips.END_SIGNATURE)
    deferred = blob[: end + 8] + struct.pack("<2H2L", 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + blob[end + 20 :]
    assert len(zipfile.ZipFile(io.BytesIO(deferred)).namelist()) == len(FILES)
    assert contents(deferred) == expected()


def test_a_comment_at_the_end_even_one_holding_the_signature():
    comment = b"built by hand " + zips.END_SIGNATURE + b"\x00" * 40 + b" end"
    blob = archive(FILES, comment=comment)
    assert contents(blob) == expected()
    longest = archive({"a.py": "x = 1\n"}, comment=b"c" * 0xFFFF)
    assert contents(longest) == {"a.py": b"x = 1\n"}


def test_data_before_the_archive_moves_every_offset():
    blob = b"#!/bin/sh\nexec something\n" * 10 + archive(FILES)
    assert contents(blob) == expected()


def test_not_a_zip():
    for blob in (b"", b"hello", b"print('not a zip')\n" * 100, b"PK\x03\x04 truncated"):
        with pytest.raises(zips.NotAZip):
            zips.locate_directory(whole(blob))


def test_a_truncated_archive_is_damaged_not_a_crash():
    blob = archive(FILES)
    cut = blob[blob.index(zips.CENTRAL_SIGNATURE) + 10 :]  # the head gone: offsets point before the file
    with pytest.raises(zips.Damaged):
        contents(cut)


def test_overlapping_members_are_a_bomb():
    """Two directory entries for one local file (the overlap Fifield's bomb multiplies)."""
    blob = archive({"a.py": "x = 1\n" * 50, "b.py": "y = 2\n"})
    pieces = whole(blob)
    directory = zips.locate_directory(pieces)
    members = zips.read_directory(pieces, directory, 10)
    overlapping = [
        members[0],
        zips.Member(
            "c.py",
            members[0].method,
            0,
            members[0].crc,
            members[0].compressed_size,
            members[0].size,
            members[0].offset + 1,
            4,
        ),
    ]
    with pytest.raises(zips.Bomb, match="overlap"):
        zips.check_layout(overlapping, directory)


def test_a_member_inflating_past_what_it_declares_is_a_bomb():
    data = b"a" * 10_000
    member = zips.Member("a.py", zips.DEFLATED, 0, zlib.crc32(data[:100]), 0, 100, 0, 4)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    with pytest.raises(zips.Bomb, match="declares"):
        zips.inflate(member, deflater.compress(data) + deflater.flush())


def test_a_member_whose_crc_is_wrong_is_damaged():
    member = zips.Member("a.py", zips.STORED, 0, 12345, 5, 5, 0, 4)
    with pytest.raises(zips.Damaged, match="CRC"):
        zips.inflate(member, b"hello")


def test_pieces_join_what_touches_and_say_what_is_missing():
    pieces = zips.Pieces(100)
    pieces.add(80, b"e" * 20)
    with pytest.raises(zips.NeedBytes) as need:
        pieces.get(50, 90)
    assert (need.value.start, need.value.end) == (50, 80)
    pieces.add(50, b"d" * 30)  # touches the tail piece: one piece from 50 to 100
    assert pieces.get(50, 100) == b"d" * 30 + b"e" * 20 and pieces.has(60, 95)
    pieces.add(0, b"a" * 10)
    assert pieces.missing(0, 100) == (10, 50) and pieces.missing(0, 10) == (10, 10)
