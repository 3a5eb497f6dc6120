"""Where the evidence files are kept (docs/deployment.md): a folder, settings.EVIDENCE_ROOT
(`DTI_EVIDENCE_ROOT`), by default; or an S3-compatible bucket (`DTI_EVIDENCE_S3_BUCKET`,
configured as the "evidence" entry of settings.STORAGES), which several app servers share
without a network folder, through django-storages. Every read and write of an evidence file
goes through here, by the name the portal gave it ("3f/3f…"), and each name is checked
before it reaches either store."""

from __future__ import annotations

import logging
from pathlib import PurePosixPath
from typing import IO, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

logger = logging.getLogger(__name__)
BUCKET = "evidence"  # the key of settings.STORAGES that holds the bucket, when one is set
FILE_MODE, FOLDER_MODE = 0o640, 0o750  # the folder's files: the portal's user and group only


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


def checked_name(name: str) -> str:
    """The portal's stored names are relative, plain and short; never follow another one
    out of the folder or the bucket's prefix."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in {"", ".", ".."} for part in name.split("/"))
    ):
        raise ValueError(f"stored evidence name outside the evidence store: {name!r}")
    return name


def save(name: str, content: IO[bytes]) -> None:
    """Keep `content` under `name`, which must be new (the portal's names are random)."""
    storage = evidence_storage()
    try:
        saved = storage.save(checked_name(name), File(content, name=name))
    except OSError:
        raise
    except Exception as error:  # botocore's errors are not OSErrors
        logger.exception("Evidence store: %s could not be written", name)
        raise EvidenceStoreError(str(error)) from error
    if saved != name:  # a file of that name was there already: keep none of the two mixed up
        storage.delete(saved)
        raise EvidenceStoreError(f"{name} already exists in the evidence store")


def open_file(name: str) -> IO[bytes]:
    """The file, open for reading; FileNotFoundError when the store lacks it."""
    try:
        return cast(IO[bytes], evidence_storage().open(checked_name(name), "rb"))
    except OSError:
        raise
    except Exception as error:
        logger.exception("Evidence store: %s could not be read", name)
        raise EvidenceStoreError(str(error)) from error


def read(name: str) -> bytes:
    with open_file(name) as handle:
        return handle.read()


def remove(name: str) -> None:
    """Remove the file; one already gone is no error."""
    try:
        evidence_storage().delete(checked_name(name))
    except FileNotFoundError:
        return
    except OSError:
        raise
    except Exception as error:
        logger.exception("Evidence store: %s could not be removed", name)
        raise EvidenceStoreError(str(error)) from error


def bucket_answers() -> bool:
    """One request to the bucket (HEAD): it exists and these credentials may use it."""
    storage = evidence_storage()
    bucket = storage.bucket  # type: ignore[attr-defined]  # django-storages' S3Storage
    try:
        bucket.meta.client.head_bucket(Bucket=bucket.name)
    except Exception:
        logger.exception("Health: the evidence bucket does not answer")
        return False
    return True
