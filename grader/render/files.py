"""Writing report files so that a run killed half-way never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

_UMASK: list[int] = []
_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read once (Linux says it in /proc; elsewhere it is set and put back, once)."""
    with _UMASK_LOCK:
        if not _UMASK:
            try:
                status = Path("/proc/self/status").read_text(encoding="ascii")
                _UMASK.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("Umask:")),
                                  8))
            except (OSError, StopIteration, ValueError, IndexError):
                current = os.umask(0o022)
                os.umask(current)
                _UMASK.append(current)
        return _UMASK[0]


def write_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(content)
        # mkstemp makes the file -rw------- whatever the umask: give it the mode any new file would have.
        os.chmod(temporary, 0o666 & ~umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
