"""Where the evidence files are kept (docs/deployment.md): a folder, settings.EVIDENCE_ROOT
(`DTI_EVIDENCE_ROOT`), by default; or an S3-compatible bucket (`DTI_EVIDENCE_S3_BUCKET`,
configured as the "evidence" entry of settings.STORAGES), which several app servers share
without a network folder, through django-storages. Every read and write of an evidence file
goes through here, by the name the portal gave it ("3f/3f…"), and each name is checked
before it reaches either store."""

from __future__ import annotations

import logging
import re
import secrets
import time
from typing import IO, Any, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

logger = logging.getLogger(__name__)
BUCKET = "evidence"  # the key of settings.STORAGES that holds the bucket, when one is set
FILE_MODE, FOLDER_MODE = 0o640, 0o750  # the folder's files: the portal's user and group only
NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{40}")


class EvidenceStoreError(OSError):
    """The bucket did not answer or refused: the file's state there is not known."""


def in_bucket() -> bool:
    return BUCKET in settings.STORAGES


def evidence_storage() -> Storage:
    """The bucket's storage, or the folder's, read from settings at each call (a test, or a
    command, that points EVIDENCE_ROOT elsewhere is obeyed at once)."""
    if in_bucket():
        return storages[BUCKET]
    return FileSystemStorage(
        location=settings.EVIDENCE_ROOT,
        file_permissions_mode=FILE_MODE,
        directory_permissions_mode=FOLDER_MODE,
    )


def new_name() -> str:
    """A name for a new file: random, never the person's file name, in the form NAME."""
    token = secrets.token_hex(20)
    return f"{token[:2]}/{token}"


def checked_name(name: str) -> str:
    """The portal names every stored file itself, "<2 hex>/<40 hex>" (new_name):
    any other name, from a database or a backup made elsewhere, is never followed, in the
    folder or under the bucket's prefix."""
    if not NAME.fullmatch(name):
        raise ValueError(f"not a stored evidence name: {name!r}")
    return name


def save(name: str, content: IO[bytes]) -> None:
    """Keep `content` under `name`. In the folder the name must be new; in the bucket a file
    of that name is replaced (a restore puts back what it holds). Whatever fails, nothing is
    left half written, and the caller gets EvidenceStoreError."""
    storage = evidence_storage()
    try:
        saved = storage.save(checked_name(name), File(content, name=name))
    except Exception as error:  # a full disk, a bucket that refuses or does not answer
        logger.exception("Evidence store: %s could not be written", name)
        _forget(storage, name)
        raise EvidenceStoreError(str(error)) from error
    if saved != name:  # the folder had a file of that name: keep none of the two mixed up
        storage.delete(saved)
        raise EvidenceStoreError(f"{name} already exists in the evidence store")


def _forget(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the store is failing already: what is left is logged above
        logger.warning("Evidence store: %s may be left half written", name)


def open_file(name: str) -> IO[bytes]:
    """The file, open for reading and already fetched (from a bucket, the body is fetched
    here, so a failure to read it is known before an answer starts); FileNotFoundError when
    the store lacks it (or the name is not one the portal gives), EvidenceStoreError when
    the store fails."""
    if not NAME.fullmatch(name):
        logger.error("Evidence store: %r is not a stored name; not read", name)
        raise FileNotFoundError(name)
    try:
        handle = cast(IO[bytes], evidence_storage().open(name, "rb"))
        handle.seek(0)
    except FileNotFoundError:
        raise
    except Exception as error:
        if _not_found(error):
            raise FileNotFoundError(name) from error
        logger.exception("Evidence store: %s could not be read", name)
        raise EvidenceStoreError(str(error)) from error
    return handle


def _not_found(error: Exception) -> bool:
    """botocore's answer for a key the bucket lacks (404, or 403 without s3:ListBucket is
    not taken for one: that is a policy to fix, docs/deployment.md)."""
    response = getattr(error, "response", None)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") if response else None
    return status == 404


def read(name: str) -> bytes:
    with open_file(name) as handle:
        return handle.read()


def remove(name: str) -> None:
    """Remove the file; one already gone, or a name the portal never gives, is no error."""
    if not NAME.fullmatch(name):
        logger.error("Evidence store: %r is not a stored name; not removed", name)
        return
    try:
        evidence_storage().delete(name)
    except FileNotFoundError:
        return
    except Exception as error:
        logger.exception("Evidence store: %s could not be removed", name)
        raise EvidenceStoreError(str(error)) from error


HEALTH_EVERY_S = 15.0  # a bucket's answer is asked again at most this often, per process
_health: dict[tuple[object, ...], tuple[float, bool]] = {}  # bucket → (asked at, answered)


def bucket_answers() -> bool:
    """One HEAD request to the bucket (it exists, these credentials may list it), at most
    every HEALTH_EVERY_S seconds in a process and within about two seconds: `/healthz` is
    public and polled, and must not hold a server thread while the bucket is away."""
    now, storage = time.monotonic(), evidence_storage()
    key = (storage.bucket_name, storage.endpoint_url, storage.access_key)  # type: ignore[attr-defined]  # django-storages' S3Storage
    asked = _health.get(key)
    if asked is not None and now - asked[0] < HEALTH_EVERY_S:
        return asked[1]
    try:
        _quick_client(storage).head_bucket(Bucket=storage.bucket_name)  # type: ignore[attr-defined]  # django-storages' S3Storage
        answered = True
    except Exception:
        logger.exception("Health: the evidence bucket does not answer")
        answered = False
    _health[key] = (now, answered)
    return answered


def _quick_client(storage: Any) -> Any:  # botocore's clients are made at run time
    from botocore.config import Config
    from botocore.session import get_session

    quick = Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1})
    return get_session().create_client(
        "s3",
        region_name=storage.region_name,
        endpoint_url=storage.endpoint_url,
        aws_access_key_id=storage.access_key,
        aws_secret_access_key=storage.secret_key,
        config=storage.client_config.merge(quick),
    )
