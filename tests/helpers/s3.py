"""A real S3-compatible server for tests: moto in server mode, on a free local port, as its own process."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest

from ops.storage import s3_media_storage
from tests.helpers.smtp import free_port

# Any key works against the local server; boto3 only insists that one is set.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-2"}


def moto_server_command():
    local = Path(sys.executable).with_name("moto_server")
    if local.exists():
        return [str(local)]
    found = shutil.which("moto_server")
    return [found] if found else None


@contextmanager
def s3_server():
    """Start moto's S3 server; yields its endpoint URL, stops it afterwards."""
    command = moto_server_command()
    if command is None:
        raise RuntimeError("moto_server is not installed (pip install 'moto[server]')")
    port = free_port()
    process = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **CREDENTIALS},
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


# Fixtures for test modules that import them: a server per module, a fresh public-read media bucket per test.


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        with s3_server() as endpoint:
            yield endpoint
    except RuntimeError as error:
        pytest.skip(f"no S3 server: {error}")


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket as the site's media storage; returns (boto3 client, bucket name)."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    # Readers fetch media straight from the bucket (or a CDN in front of it): anyone may read, only the site writes.
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
    use_bucket(settings, s3_endpoint, name)
    return client, name


def public_read_policy(name):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
        ],
    }


def use_bucket(settings, endpoint, name):
    storage, media_url = s3_media_storage(f"s3://{name}/site?endpoint_url={endpoint}&region=eu-west-2")
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media_url
