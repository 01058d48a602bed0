"""Deployment packages as students build them, for measuring the package reader: a layer with libraries
installed into ``python/lib/python3.12/site-packages`` (``pip install -t``: each with its ``*.dist-info``,
``__pycache__`` beside its modules), its size made up of incompressible members as botocore's
``*.json.gz`` service models are, and the student's own ``utils.py``."""

from __future__ import annotations

import io
import random
import zipfile

SITE = "python/lib/python3.12/site-packages/"
UTILS = (
    "import json\n\n\ndef format_response(status, body):\n    return {'statusCode': status, 'body': json.dumps(body)}\n"
)
# Distributions `pip install boto3 requests python-dateutil` installs, with the share of members each has
# (botocore: about 1,800 service-model files and 250 modules).
LIBRARIES = {
    "botocore": ("botocore-1.35.0", 0.78),
    "boto3": ("boto3-1.35.0", 0.04),
    "s3transfer": ("s3transfer-0.10.2", 0.015),
    "jmespath": ("jmespath-1.0.1", 0.01),
    "dateutil": ("python_dateutil-2.9.0.post0", 0.02),
    "urllib3": ("urllib3-2.2.2", 0.03),
    "requests": ("requests-2.32.3", 0.015),
    "idna": ("idna-3.7", 0.01),
    "charset_normalizer": ("charset_normalizer-3.3.2", 0.015),
    "certifi": ("certifi-2024.7.4", 0.005),
}


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghiklmnoprstuvwyz") for _ in range(rng.randint(4, 14)))


def layer(
    members: int = 2700, total: int = 15 * 1024 * 1024, *, utils_at: str = "python/utils.py", seed: int = 22
) -> bytes:
    """A layer of about ``members`` members and ``total`` bytes, the student's ``utils.py`` first (where
    ``zip -r`` and ``shutil.make_archive`` put a folder's files before its subfolders)."""
    rng = random.Random(seed)
    names: list[str] = []
    for package, (dist, share) in LIBRARIES.items():
        count = max(4, int(members * share))
        names += [f"{SITE}{dist}.dist-info/{n}" for n in ("INSTALLER", "METADATA", "RECORD", "WHEEL", "top_level.txt")]
        names.append(f"{SITE}{package}/__init__.py")
        names.append(f"{SITE}{package}/__pycache__/__init__.cpython-312.pyc")
        for _ in range(count - 7):
            if package == "botocore" and rng.random() < 0.85:  # service models
                names.append(
                    f"{SITE}botocore/data/{_word(rng)}-{_word(rng)}/20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-"
                    f"{rng.randint(10, 28)}/{rng.choice(['service-2.json.gz', 'paginators-1.json', 'waiters-2.json', 'endpoint-rule-set-1.json.gz'])}"
                )
            else:
                module = _word(rng)
                names.append(f"{SITE}{package}/{module}.py")
                names.append(f"{SITE}{package}/__pycache__/{module}.cpython-312.pyc")
    names.append(f"{SITE}six.py")
    names.append(f"{SITE}six-1.16.0.dist-info/METADATA")
    names = sorted(dict.fromkeys(names))
    padding = max(0, total - 300 * len(names))
    big = [n for n in names if n.endswith((".json.gz", ".pyc"))] or names
    share = padding // len(big)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(utils_at, UTILS)
        for name in names:
            if name.endswith(".py"):
                zf.writestr(name, f"# {name}\nVALUE = {rng.randint(0, 10**9)}\n" * 5)
            elif name in big:
                zf.writestr(name, rng.randbytes(share))  # incompressible, as gzip'd models and bytecode nearly are
            else:
                zf.writestr(name, f"Name: {name}\n")
    return buffer.getvalue()


def directory_size(blob: bytes) -> int:
    """The size of an archive's central directory, as its end record gives it."""
    end = blob.rfind(b"PK\x05\x06")
    return int.from_bytes(blob[end + 12 : end + 16], "little")
