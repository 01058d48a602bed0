"""The corpus of AWS responses in ``tests/recordings/<service>/<Operation>.json``, and botocore's view of them.

Each file holds one operation's cases as botocore returns them to a caller (``ResponseMetadata`` left
out, timestamps as ISO-8601 text, IAM policy documents decoded into dicts as botocore's own
``after-call`` handler leaves them). Every case comes from a response recorded against AWS (LocalStack's
``markers.aws.validated`` snapshots, unmasked into concrete values) or from AWS's own reference
examples; the file names its sources.

:func:`to_wire` turns a case back into what botocore's parser hands to its ``after-call`` handlers (an
IAM document URL-encoded JSON text again, an S3 key URL-encoded when ``EncodingType`` is ``url``,
timestamps as datetimes), which is what is validated against the output shape and what the replay
harness answers with: the handlers that run on real responses run on replayed ones too.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import botocore.loaders
import botocore.model
from botocore.utils import parse_timestamp
from botocore.validate import ParamValidator

ROOT = Path(__file__).parent
IAM_DOCUMENT_SHAPE = "policyDocumentType"


@functools.cache
def service_model(service: str) -> botocore.model.ServiceModel:
    loader = botocore.loaders.create_loader()
    return botocore.model.ServiceModel(loader.load_service_model(service, "service-2"), service_name=service)


@functools.cache
def paginator_config(service: str, operation: str) -> dict[str, Any] | None:
    loader = botocore.loaders.create_loader()
    try:
        pages = loader.load_service_model(service, "paginators-1")
    except Exception:  # a service without paginators
        return None
    return pages.get("pagination", {}).get(operation)


def output_shape(service: str, operation: str) -> botocore.model.Shape | None:
    return service_model(service).operation_model(operation).output_shape


# --- the files -----------------------------------------------------------------------------------


def files() -> list[Path]:
    return sorted(ROOT.glob("*/*.json"))


@functools.cache
def load(service: str, operation: str) -> dict[str, Any]:
    return json.loads((ROOT / service / f"{operation}.json").read_text())


def case(service: str, operation: str, name: str) -> dict[str, Any]:
    """A fresh copy of one recorded case: ``{"params": ..., "response": ...}`` or ``{..., "error": ...}``."""
    cases = load(service, operation)["cases"]
    if name not in cases:
        raise KeyError(f"{service}:{operation} has no case {name!r} (it has {', '.join(cases)})")
    return copy.deepcopy(cases[name])


def response(service: str, operation: str, name: str) -> dict[str, Any]:
    return case(service, operation, name)["response"]


def error(service: str, operation: str, name: str) -> dict[str, Any]:
    return case(service, operation, name)["error"]


# --- botocore's view -----------------------------------------------------------------------------


def to_wire(shape: botocore.model.Shape | None, value: Any, *, s3_url_encoded: bool = False) -> Any:
    """``value`` as botocore's parser produces it, before the ``after-call`` handlers run."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        url = s3_url_encoded or value.get("EncodingType") == "url"
        out = {}
        for key, item in value.items():
            member = shape.members.get(key)
            if member is not None and member.type_name == "string" and member.name == IAM_DOCUMENT_SHAPE \
                    and isinstance(item, dict):
                out[key] = quote(json.dumps(item), safe="")  # IAM sends documents URL-encoded
            elif url and key in ("Key", "Prefix", "Delimiter", "StartAfter") and isinstance(item, str):
                out[key] = quote(item, safe="/")  # botocore asked for EncodingType=url and decodes these
            else:
                out[key] = to_wire(member, item, s3_url_encoded=url)
        return out
    if shape.type_name == "list" and isinstance(value, list):
        return [to_wire(shape.member, item, s3_url_encoded=s3_url_encoded) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: to_wire(shape.value, v, s3_url_encoded=s3_url_encoded) for k, v in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, (str, int, float)):
        return parse_timestamp(value)
    return value


def validation_errors(service: str, operation: str, value: dict[str, Any]) -> str | None:
    """Why ``value`` (a response as the corpus holds it) is not of the operation's output shape, or None."""
    shape = output_shape(service, operation)
    body = {k: v for k, v in value.items() if k != "ResponseMetadata"}
    if shape is None:
        return None if not body else f"{service}:{operation} has no output, got {sorted(body)}"
    report = ParamValidator().validate(to_wire(shape, body), shape)
    return report.generate_report() if report.has_errors() else None
