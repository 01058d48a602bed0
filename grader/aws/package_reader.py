"""Deployment packages read from their presigned URLs by range requests: never whole, never written, never run.

:meth:`PackageReader.package` turns ``GetFunction``'s ``Code.Location`` (or ``GetLayerVersion``'s
``Content.Location``) into a :class:`~grader.aws.packages.Package`:

1. one request for the file's last 66 KiB, 192 KiB when Lambda's ``CodeSize`` says it is over 1 MiB (a
   package of a few KB is read whole in that request): the end records (zip64 too) and, for most packages,
   the whole central directory;
2. the rest of the central directory, when it is longer, in one more request;
3. the members ``is_read_source`` selects, in as few requests as their places allow (ranges less than
   ``GAP`` apart are read as one), inflated in memory under caps.

Members of installed libraries (a package folder or module beside the ``*.dist-info`` or ``*.egg-info``
folder that installed it: ``boto3`` with ``boto3-1.34.0.dist-info``) are listed but not read: they are no
student's code, and a layer holding ``boto3`` would otherwise cost a request per library.

What the reader could not read (a fault that outlasted the retries, an expired or refused URL, a host
outside AWS's S3) raises :class:`~grader.aws.errors.FactUnavailable`: an ``error`` row, never a grade. What is
wrong with the package itself (not a zip, a zip bomb, a damaged archive) is ``Package.broken``. Packages are
shared by their ``CodeSha256``: a class reads each distinct package once.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from grader.aws import zip_reader as zips
from grader.aws.package_http import Fetcher, HttpTransport, Response, Retries, Transport
from grader.aws.packages import Package, is_read_source

TAIL = zips.END_SEARCH + 1024  # bytes read first, from the end: covers the longest comment and zip64 locator
# ...and from a package Lambda says is large: its directory is then long too (about 130 bytes a member), and
# one longer first request saves the second for directories up to about 1,400 members, within 256 KB in all.
LARGE, LARGE_TAIL = 1024 * 1024, 192 * 1024
GAP = 32 * 1024  # ranges closer than this are read in one request
MAX_MEMBERS = 50_000
MAX_DIRECTORY = 8 * 1024 * 1024
MAX_SOURCE = 1024 * 1024  # a source larger than this is not read (skipped, with the reason)
MAX_SOURCES_TOTAL = 16 * 1024 * 1024  # bytes inflated per package, at most
MAX_FETCH = 32 * 1024 * 1024  # bytes fetched per package, at most
MAX_RANGES = 24  # requests for members per package, at most
# Lambda's quota on a function's unzipped code and layers (the Lambda developer guide, "Lambda quotas"):
# an archive that declares more could never have been deployed. A large member inflating near deflate's own
# limit (about 1,030 to 1: nothing but one byte repeated) is taken for a bomb too.
MAX_UNZIPPED = 262_144_000
MAX_RATIO, RATIO_FROM = 500, 8 * 1024 * 1024
CACHED, CACHED_BYTES = 2048, 256 * 1024 * 1024  # packages kept by CodeSha256, and the source text they may hold


class PackageReader:
    """Reads packages for one router of accounts (``Connections``), shared by every student and batch."""

    def __init__(
        self, transport: Transport | None = None, *, concurrency: int = 8, retries: Retries | None = None
    ) -> None:
        self.transport: Transport = transport or HttpTransport()  # grader.aws.package_http.Transport
        self.retries = retries or Retries()
        self.requests = 0  # ranged GETs sent (retries included)
        self.bytes = 0  # body bytes received
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._done: OrderedDict[str, Package] = OrderedDict()
        self._held = 0  # characters of source the cached packages hold
        self._reading: dict[str, threading.Event] = {}

    def package(
        self,
        url: str,
        *,
        sha256: str = "",
        size: int = 0,
        region: str = "us-east-1",
        trusted: tuple[str, ...] = (),
        refresh: Callable[[], str | None] | None = None,
        action: str = "lambda:GetFunction",
    ) -> Package:
        """The package at ``url`` (read once per ``sha256``); ``refresh`` gives a fresh URL when this one is
        refused (expired); ``action`` names the read that gave the URL, in errors."""
        key = sha256 or url.split("?", 1)[0]
        while True:
            with self._lock:
                if key in self._done:
                    self._done.move_to_end(key)
                    return self._done[key]
                waiting = self._reading.get(key)
                if waiting is None:
                    event = self._reading[key] = threading.Event()
                    break
            waiting.wait()  # another thread reads it; a failure there is tried again here
        try:
            with self._slots:
                found = self._read(url, sha256, size, region, trusted, refresh, action)
            with self._lock:
                self._done[key] = found
                self._held += _held(found)
                while len(self._done) > CACHED or (self._held > CACHED_BYTES and len(self._done) > 1):
                    self._held -= _held(self._done.popitem(last=False)[1])
            return found
        finally:
            with self._lock:
                del self._reading[key]
            event.set()

    # --- one package -----------------------------------------------------------------------------

    def _read(
        self,
        url: str,
        sha256: str,
        size: int,
        region: str,
        trusted: tuple[str, ...],
        refresh: Callable[[], str | None] | None,
        action: str,
    ) -> Package:
        def broken(problem: str) -> Package:
            return Package.broken(problem, sha256=sha256, size=size)

        fetch = Fetcher(
            self.transport,
            url,
            region,
            trusted,
            refresh=refresh,
            action=action,
            retries=self.retries,
            count=self._count,
        )
        data, total = fetch.tail(LARGE_TAIL if size >= LARGE else TAIL)
        if total == 0:
            return broken("an empty file, not a zip archive")
        size = size or total
        pieces = zips.Pieces(total)
        pieces.add(total - len(data), data)
        try:
            directory = _with_bytes(fetch, pieces, lambda: zips.locate_directory(pieces))
            if directory.entries > MAX_MEMBERS or directory.size > MAX_DIRECTORY:
                return broken(
                    f"{directory.entries} members in a {directory.size:,}-byte directory: more than the "
                    f"{MAX_MEMBERS:,} members the grader reads"
                )
            members = _with_bytes(fetch, pieces, lambda: zips.read_directory(pieces, directory, MAX_MEMBERS))
            zips.check_layout(members, directory)
        except zips.NotAZip:
            return broken("not a zip archive")
        except zips.TooMany as exc:
            return broken(f"{exc.count:,} members: more than the {MAX_MEMBERS:,} the grader reads")
        except zips.Bomb as exc:
            return broken(f"a zip bomb: {exc}")
        except zips.Damaged as exc:
            return broken(f"a damaged zip archive: {exc}")
        problem = _bomb(members)
        if problem:
            return broken(problem)
        wanted, skipped = select(members)
        extents = zips.extents(members, directory)
        wanted, over = _within_budget(wanted, extents, pieces)
        skipped.update(
            {
                m.name: f"not read: the package's sources lie in more places than the grader reads "
                f"({MAX_RANGES} requests, {MAX_FETCH // 2**20} MiB)"
                for m in over
            }
        )
        for start, end in coalesce([extents[m] for m in wanted if not pieces.has(*extents[m])]):
            pieces.add(start, fetch.range(start, end))
        sources: dict[str, str] = {}
        for member in wanted:
            try:
                content = zips.inflate(
                    member, _with_bytes(fetch, pieces, lambda m=member: zips.compressed_data(pieces, m))
                )
            except zips.Bomb as exc:
                return broken(f"a zip bomb: {exc}")
            except zips.Damaged as exc:
                skipped[member.name] = f"damaged: {exc}"
                continue
            try:
                sources[member.name] = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                skipped[member.name] = "not UTF-8 text"
        names = tuple(m.name for m in members)
        return Package(names=names, sources=sources, skipped=skipped, sha256=sha256, size=size)

    def _count(self, response: Response) -> None:
        with self._lock:
            self.requests += 1
            self.bytes += len(response.body)


def _held(package: Package) -> int:
    return sum(len(text) for text in package.sources.values())


# --- which members ---------------------------------------------------------------------------------

_DISTRIBUTION = re.compile(r"^(?P<folder>(?:.*/)?)(?P<name>[^/]+?)(?:-[^/]*)?\.(?:dist-info|egg-info)/")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_libraries(names: list[str]) -> dict[str, set[str]]:
    """Folder -> the (normalised) names of the distributions installed into it, from their metadata folders."""
    found: dict[str, set[str]] = {}
    for name in names:
        match = _DISTRIBUTION.match(name)
        if match:
            found.setdefault(match["folder"], set()).add(_normal(match["name"]))
    return found


def library_of(path: str, libraries: dict[str, set[str]]) -> str | None:
    """The distribution ``path`` belongs to, when its folder holds one of its name (``python_dateutil`` for
    ``dateutil``, ``pyyaml`` for ``yaml`` too); None for anything else."""
    for folder, installed in libraries.items():
        if path.startswith(folder):
            top = _normal(path[len(folder) :].split("/", 1)[0].removesuffix(".py"))
            for distribution in installed:
                if distribution in (top, "py" + top) or distribution.endswith("_" + top):
                    return distribution
    return None


def select(members: list[zips.Member]) -> tuple[list[zips.Member], dict[str, str]]:
    """The members to read (``is_read_source``, within the caps) and why the others it selects are not read."""
    libraries = installed_libraries([m.name for m in members])
    wanted: list[zips.Member] = []
    skipped: dict[str, str] = {}
    total = 0
    # Shallow paths first: a handler at the root is read before anything deep inside a folder.
    for member in sorted(members, key=lambda m: (m.name.count("/"), m.offset)):
        if member.is_dir or not is_read_source(member.name):
            continue
        library = library_of(member.name, libraries)
        if library:
            skipped[member.name] = f"not read: part of the installed library {library}"
        elif member.encrypted:
            skipped[member.name] = "encrypted"
        elif member.method not in (zips.STORED, zips.DEFLATED):
            skipped[member.name] = f"compressed with method {member.method}, which the grader does not inflate"
        elif member.size > MAX_SOURCE:
            skipped[member.name] = f"{member.size:,} bytes: larger than the {MAX_SOURCE // 1024} KiB the grader reads"
        elif total + member.size > MAX_SOURCES_TOTAL:
            skipped[member.name] = f"not read: the package's sources pass {MAX_SOURCES_TOTAL // 2**20} MiB"
        else:
            total += member.size
            wanted.append(member)
    wanted.sort(key=lambda m: m.offset)
    return wanted, skipped


def _bomb(members: list[zips.Member]) -> str | None:
    declared = sum(m.size for m in members)
    if declared > MAX_UNZIPPED:
        return (
            f"a zip bomb: its members declare {declared:,} bytes unzipped, more than Lambda's "
            f"{MAX_UNZIPPED:,}-byte limit"
        )
    for m in members:
        if m.size >= RATIO_FROM and m.size > MAX_RATIO * max(m.compressed_size, 1):
            return f"a zip bomb: {m.name} declares {m.size:,} bytes from {m.compressed_size:,} compressed"
    return None


def coalesce(ranges: list[tuple[int, int]], gap: int = GAP) -> list[tuple[int, int]]:
    """Ranges merged where they overlap or lie less than ``gap`` apart, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _within_budget(
    wanted: list[zips.Member], extents: dict[zips.Member, tuple[int, int]], pieces: zips.Pieces
) -> tuple[list[zips.Member], list[zips.Member]]:
    """The members (in file order) whose ranges fit ``MAX_RANGES`` requests and ``MAX_FETCH`` bytes, and the others."""
    kept: list[zips.Member] = []
    over: list[zips.Member] = []
    ranges: list[list[int]] = []
    fetched = 0
    for member in wanted:
        start, end = extents[member]
        if pieces.has(start, end):
            kept.append(member)
            continue
        if ranges and start - ranges[-1][1] < GAP:
            grown = max(ranges[-1][1], end) - ranges[-1][1]
            if fetched + grown <= MAX_FETCH:
                ranges[-1][1] += grown
                fetched += grown
                kept.append(member)
                continue
        elif len(ranges) < MAX_RANGES and fetched + end - start <= MAX_FETCH:
            ranges.append([start, end])
            fetched += end - start
            kept.append(member)
            continue
        over.append(member)
    return kept, over


def _with_bytes(fetch: Fetcher, pieces: zips.Pieces, parse: Callable[[], Any]) -> Any:
    """``parse()``, fetching what it says it lacks (a few rounds at most)."""
    for _ in range(4):
        try:
            return parse()
        except zips.NeedBytes as need:
            pieces.add(need.start, fetch.range(need.start, need.end))
    return parse()
