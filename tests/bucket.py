"""An S3-compatible object store for the tests: moto's server (the S3 protocol over HTTP, as
a real bucket speaks it), on 127.0.0.1 on a free port, in threads of the test's process,
stopped when the session ends. Each test gets a bucket of its own; the portal reaches it as
it reaches a provider's, through django-storages and boto3 (docs/deployment.md)."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

HOST = "127.0.0.1"
KEY, SECRET, REGION = "dti-test-key", "dti-test-secret", "us-east-1"
PREFIX = "evidence"


@dataclass(frozen=True)
class Bucket:
    endpoint: str
    name: str

    def client(self) -> Any:  # boto3's clients are made at run time: no static type
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=KEY, aws_secret_access_key=SECRET,
        )  # fmt: skip

    def objects(self) -> dict[str, bytes]:
        """Every evidence object, by the name the portal gave it (the prefix taken off)."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=self.name, Prefix=PREFIX + "/").get("Contents", [])
        return {
            item["Key"].removeprefix(PREFIX + "/"): client.get_object(
                Bucket=self.name, Key=item["Key"]
            )["Body"].read()
            for item in listed
        }

    def remove(self, name: str) -> None:
        self.client().delete_object(Bucket=self.name, Key=f"{PREFIX}/{name}")

    def storage(self, **changed: object) -> dict[str, Any]:
        """The "evidence" entry of settings.STORAGES, as DTI_EVIDENCE_S3_* would make it."""
        from botocore.config import Config

        options: dict[str, Any] = {
            "bucket_name": self.name, "location": PREFIX, "endpoint_url": self.endpoint,
            "region_name": REGION, "access_key": KEY, "secret_key": SECRET,
            "default_acl": None, "file_overwrite": True, "max_memory_size": 2 * 1024 * 1024,
            "client_config": Config(
                s3={"addressing_style": "path"}, signature_version="s3v4", connect_timeout=5,
                read_timeout=30, retries={"max_attempts": 3, "mode": "standard"},
            ),
        }  # fmt: skip
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options | changed}

    def env(self) -> dict[str, str]:
        """The environment an operator sets for the portal's processes."""
        return {
            "DTI_EVIDENCE_S3_BUCKET": self.name,
            "DTI_EVIDENCE_S3_ENDPOINT": self.endpoint,
            "DTI_EVIDENCE_S3_REGION": REGION,
            "DTI_EVIDENCE_S3_ACCESS_KEY": KEY,
            "DTI_EVIDENCE_S3_SECRET_KEY": SECRET,
            "DTI_EVIDENCE_S3_ADDRESSING": "path",
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.stop()


def new_bucket(endpoint: str) -> Bucket:
    bucket = Bucket(endpoint, f"dti-{secrets.token_hex(6)}")
    bucket.client().create_bucket(Bucket=bucket.name)
    return bucket
