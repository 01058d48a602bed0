"""Deployment packages as the checks see them: what a function's code or a layer's content holds.

A package is read read-only from the presigned URL Lambda gives (``GetFunction`` ``Code.Location``,
``GetLayerVersion`` ``Content.Location``): the zip's central directory, then only the Python sources a
check judges. Nothing is extracted to disk and nothing is ever run; checks judge the sources from their
syntax tree. A package the grader could not read raises :class:`~grader.aws.errors.FactUnavailable`
(an ``error`` row); a package that is itself wrong (not a zip, a container image, a zip bomb) is a
:class:`Package` whose ``problem`` says why (a ``fail``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Installed dependencies: their member names are read (is `requests` there?), their sources are not,
# except a top-level module or package `__init__.py` directly inside (a layer's own `utils.py` may live
# at python/lib/python3.12/site-packages/utils.py).
DEPENDENCY_FOLDERS = ("site-packages/", "dist-packages/")


def is_read_source(path: str) -> bool:
    """Whether the reader reads this member's text (subject to its size caps)."""
    if not path.endswith(".py"):
        return False
    for folder in DEPENDENCY_FOLDERS:
        if folder in path:
            inside = path.split(folder, 1)[1].split("/")
            return len(inside) == 1 or (len(inside) == 2 and inside[1] == "__init__.py")
    return True


@dataclass(frozen=True)
class Package:
    """The members of one deployment package and the Python sources read from it."""

    names: tuple[str, ...] = ()  # every member path, in the archive's order (folders end in "/")
    sources: Mapping[str, str] = field(default_factory=dict)  # path -> text of each source read
    skipped: Mapping[str, str] = field(default_factory=dict)  # path -> why a source was not read
    problem: str | None = None  # why the package itself cannot be judged; None when it can
    sha256: str = ""  # Lambda's CodeSha256 of the package (base64), the key it is shared by
    size: int = 0  # bytes, as Lambda reports it

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(self, "skipped", MappingProxyType(dict(self.skipped)))

    @classmethod
    def of(cls, files: Mapping[str, str | bytes], *, sha256: str = "", size: int = 0) -> Package:
        """A package holding ``files`` (path -> content), read as the reader reads one: for hand-built facts."""
        sources: dict[str, str] = {}
        skipped: dict[str, str] = {}
        for path, content in files.items():
            if not is_read_source(path):
                continue
            if isinstance(content, bytes):
                try:
                    content = content.decode("utf-8")
                except UnicodeDecodeError:
                    skipped[path] = "not UTF-8 text"
                    continue
            sources[path] = content
        return cls(names=tuple(files), sources=sources, skipped=skipped, sha256=sha256, size=size)

    @classmethod
    def broken(cls, problem: str, *, sha256: str = "", size: int = 0) -> Package:
        """A package that cannot be judged, and why (``"not a zip archive"``, ``"a container image"``...)."""
        return cls(problem=problem, sha256=sha256, size=size)
