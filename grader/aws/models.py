"""Smaller service models: the installed botocore's own, trimmed to the operations the grader reads.

Creating a client parses its service's whole model: EC2's is 7 MB of JSON (a tenth of a second), IAM's
and Lambda's tens of milliseconds, for a grader that calls two or three operations of each. So at
first use the models of the services the grader calls are written, trimmed, into a cache folder, and
the grader's loader searches that folder first (botocore's documented search path, as ``AWS_DATA_PATH``
does). A trimmed model is botocore's, merged with its extras, keeping:

- ``metadata`` and the endpoint rule set whole (endpoints, signing and the protocol are botocore's);
- the operations the grader calls (reads only), every shape they reach, and their paginators;
- nothing else: other operations, documentation, waiters, examples.

The cache folder is keyed by what it was made from: botocore's version, the operations, and every
source file botocore would load (path, size, modification time), so an upgraded botocore, a model in
``~/.aws/models`` or ``AWS_DATA_PATH`` makes a new one, never a stale answer. Writing is atomic (a
folder renamed into place); when nothing can be written the full models are used.
``GRADER_MODEL_CACHE`` names another folder, or ``off`` turns trimming off.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

GENERATOR = 2  # bump when what is written changes
TYPES = ("service-2", "paginators-1", "endpoint-rule-set-1")
EXTRAS = ("service-2.sdk-extras", "paginators-1.sdk-extras")
NO_MERGE = {"version": 1.0, "merge": {}}


def trim(model: Mapping[str, Any], operations: Iterable[str]) -> dict[str, Any]:
    """A service-2 model with only these operations (those it has) and every shape they reach."""
    kept_operations = {name: _undocumented(model["operations"][name]) for name in operations
                       if name in model["operations"]}
    shapes = model["shapes"]
    reached: dict[str, Any] = {}
    todo = list(_references(kept_operations))
    while todo:
        name = todo.pop()
        if name not in reached:
            reached[name] = _undocumented(shapes[name])
            todo.extend(_references(reached[name]))
    trimmed = {k: v for k, v in model.items() if k not in ("operations", "shapes", "documentation")}
    trimmed["operations"] = kept_operations
    trimmed["shapes"] = {name: reached[name] for name in shapes if name in reached}  # the model's order
    return trimmed


def trim_paginators(paginators: Mapping[str, Any], operations: Iterable[str]) -> dict[str, Any]:
    pages = paginators.get("pagination", {})
    return {**paginators, "pagination": {name: pages[name] for name in operations if name in pages}}


def check(service: str, model: dict[str, Any]) -> None:
    """Resolve every shape of every operation as botocore will: a trimmed model missing one is never used."""
    from botocore.model import ServiceModel

    seen: set[str] = set()

    def visit(shape: Any) -> None:
        if shape is None or shape.name in seen:
            return
        seen.add(shape.name)
        for child in (*getattr(shape, "members", {}).values(), getattr(shape, "member", None),
                      getattr(shape, "key", None), getattr(shape, "value", None)):
            visit(child)

    service_model = ServiceModel(model, service)
    for name in service_model.operation_names:
        operation = service_model.operation_model(name)
        for shape in (operation.input_shape, operation.output_shape, *operation.error_shapes):
            visit(shape)
    if seen - set(model["shapes"]):
        raise ValueError(f"{service}: shapes outside the model: {sorted(seen - set(model['shapes']))}")


def _references(part: Any) -> Iterator[str]:
    """Every shape a part of a model names, however deep: ``{"shape": name}``."""
    if isinstance(part, dict):
        if isinstance(part.get("shape"), str):
            yield part["shape"]
        for value in part.values():
            yield from _references(value)
    elif isinstance(part, list):
        for value in part:
            yield from _references(value)


def _undocumented(part: Any) -> Any:
    """A part of a model without its documentation (text only botocore's docstrings read). A member that
    happens to be named ``documentation`` is a reference (a dict), never text: it stays."""
    if isinstance(part, dict):
        return {k: _undocumented(v) for k, v in part.items()
                if not (k in ("documentation", "documentationUrl") and isinstance(v, str))}
    if isinstance(part, list):
        return [_undocumented(v) for v in part]
    return part


# --- where botocore would read each file from, and the cache ---------------------------------------


def _source(loader: Any, relative: str) -> str | None:
    """The file botocore's loader would read for ``service/version/type`` (the first on its search path)."""
    for base in loader.search_paths:
        for ext in (".json", ".json.gz"):  # botocore's order
            path = os.path.join(base, relative + ext)
            if os.path.isfile(path):
                return path
    return None


def sources(loader: Any, operations: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, dict[str, str]]]:
    """Per service: its latest API version and the source file of each type and extras botocore would load."""
    found = {}
    for service in operations:
        try:
            version = loader.determine_latest_version(service, "service-2")
        except Exception:  # not a service this botocore knows: its client will say so
            continue
        files = {kind: _source(loader, f"{service}/{version}/{kind}") for kind in (*TYPES, *EXTRAS)}
        found[service] = (version, {kind: path for kind, path in files.items() if path})
    return found


def cache_key(loader: Any, operations: Mapping[str, tuple[str, ...]]) -> str:
    import botocore

    files = sources(loader, operations)
    stamp = {service: (version, {kind: (path, os.stat(path).st_size, os.stat(path).st_mtime_ns)
                                 for kind, path in paths.items()})
             for service, (version, paths) in files.items()}
    text = json.dumps([GENERATOR, botocore.__version__, operations, stamp], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cache_root() -> Path | None:
    configured = os.environ.get("GRADER_MODEL_CACHE")
    if configured:
        return None if configured.lower() == "off" else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "aws-assessment-grader" / "botocore-models"


def write(folder: Path, loader: Any, operations: Mapping[str, tuple[str, ...]]) -> None:
    """The trimmed models of these services, as botocore's loader would load them, into ``folder``."""
    for service, (version, paths) in sources(loader, operations).items():
        target = folder / service / version
        target.mkdir(parents=True)
        ops = operations[service]
        model = trim(loader.load_service_model(service, "service-2", version), ops)  # extras merged first
        check(service, model)
        _dump(target / "service-2.json", model)
        if "paginators-1" in paths:
            _dump(target / "paginators-1.json",
                  trim_paginators(loader.load_service_model(service, "paginators-1", version), ops))
        if "endpoint-rule-set-1" in paths:
            _dump(target / "endpoint-rule-set-1.json",
                  loader.load_service_model(service, "endpoint-rule-set-1", version))
        for extras in EXTRAS:
            if extras in paths:  # already merged above: shadow the original so it is not merged again
                _dump(target / f"{extras}.json", NO_MERGE)


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def trimmed_folder(loader: Any, operations: Mapping[str, tuple[str, ...]],
                   root: Path | None = None) -> Path | None:
    """The folder of ``loader``'s botocore models trimmed to ``operations`` (made if needed), or None to use
    the full ones. Which operations the grader calls is the catalogue's to say
    (:func:`grader.aws.permissions.grader_operations`)."""
    root = root or cache_root()
    if root is None:
        return None
    folder = root / cache_key(loader, operations)
    if folder.is_dir():
        return folder
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    except OSError:
        return None
    try:
        write(building, loader, operations)
        os.replace(building, folder)  # atomic; another process may have made the same folder first
    except (OSError, ValueError, KeyError):  # unwritable, or a model this trimming does not understand
        pass
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return folder if folder.is_dir() else None
