"""Lambda: ``Code.Location`` and ``Content.Location`` as AWS gives them, presigned URLs that serve the zip.

moto gives functions an S3 URL nothing answers and layers the literal ``s3://``; here both are URLs on the
emulator's own address, served by :mod:`grader.emulator.packages` (what AWS documents, and how it is
served, is said there).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

from grader.emulator.packages import PATH, presign, serve
from grader.emulator.patches._common import require


def package_locations() -> None:
    """``Code.Location`` and ``Content.Location`` become URLs on the emulator's address serving the zip."""
    from moto.awslambda.responses import LambdaResponse
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original_call = require(DomainDispatcherApplication, "__call__")
    original_get_function = require(LambdaResponse, "get_function")
    original_get_layer_version = require(LambdaResponse, "get_layer_version")
    original_publish = require(LambdaResponse, "publish_layer_version")

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith(PATH):
            return serve(environ, start_response)
        return original_call(self, environ, start_response)

    def get_function(self: Any) -> Any:
        answer = original_get_function(self)
        if not isinstance(answer, str):
            return answer
        body = json.loads(answer)
        if (body.get("Code") or {}).get("RepositoryType") != "S3":
            return answer
        function = self.backend.get_function(unquote(self.path.rsplit("/", 1)[-1]), self._get_param("Qualifier", None))
        body["Code"]["Location"] = presign(_origin(self), function.code_bytes)
        return json.dumps(body)

    def with_content_location(self: Any, answer: Any, version: Any) -> Any:
        status, headers, text = answer if isinstance(answer, tuple) else (None, None, answer)
        body = json.loads(text)
        if "Content" in body and getattr(version, "code_bytes", None) is not None:
            body["Content"]["Location"] = presign(_origin(self), version.code_bytes)
        text = json.dumps(body)
        return (status, headers, text) if status is not None else text

    def get_layer_version(self: Any) -> Any:
        answer = original_get_layer_version(self)
        version = self.backend.get_layer_version(unquote(self.path.split("/")[-3]), self.path.split("/")[-1])
        return with_content_location(self, answer, version)

    def publish_layer_version(self: Any) -> Any:
        answer = original_publish(self)
        status, headers, text = answer
        arn = json.loads(text)["LayerVersionArn"]
        return with_content_location(self, answer, self.backend.layers_versions_by_arn(arn))

    DomainDispatcherApplication.__call__ = __call__
    LambdaResponse.get_function = get_function
    LambdaResponse.get_layer_version = get_layer_version
    LambdaResponse.publish_layer_version = publish_layer_version


def _origin(response: Any) -> str:
    """The address the request reached (its Host), where the package is served too."""
    parts = urlsplit(response.uri)
    return f"{parts.scheme or 'http'}://{response.headers.get('Host') or parts.netloc}"
