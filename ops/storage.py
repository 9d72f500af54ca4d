"""Media on S3-compatible object storage (django-storages with boto3), configured by one URL.

`MEDIA_STORAGE_URL=s3://BUCKET[/PREFIX][?endpoint_url=URL&region=NAME]` puts uploads, their
renditions and restored backups in the bucket; credentials come from boto3's usual sources
(`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, or an instance role). Files are served from
`MEDIA_URL` (a CDN in front of the bucket, or the bucket itself). `BACKUP_STORAGE_URL`, of the same form,
names a private bucket for backup archives. Read by the settings module, so nothing here imports Django's
app registry.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

# A stored name is never written twice (the storage picks a fresh name for a new upload), so a file may be
# kept by browsers and CDNs for a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def parse_s3_url(url, setting):
    """(bucket, prefix, endpoint URL or "", region or None) of `s3://BUCKET[/PREFIX][?endpoint_url=…&region=…]`."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(f"{setting} “{url}” should look like s3://bucket/prefix?endpoint_url=…")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint_url", "region"}
    if unknown:
        raise ImproperlyConfigured(f"{setting}: unknown option(s) {', '.join(sorted(unknown))}.")
    return parts.hostname, parts.path.strip("/"), query.get("endpoint_url", "").rstrip("/"), query.get("region") or None


def s3_media_storage(url, media_url=""):
    """(STORAGES entry, MEDIA_URL) for an s3:// storage URL; media_url overrides where files are served from."""
    bucket, prefix, endpoint, region = parse_s3_url(url, "MEDIA_STORAGE_URL")
    if not media_url:
        if endpoint:
            media_url = f"{endpoint}/{bucket}/"
        else:
            media_url = f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com/"
        media_url += f"{prefix}/" if prefix else ""
    if not media_url.endswith("/"):
        raise ImproperlyConfigured("MEDIA_URL must end with a slash.")
    served = urlsplit(media_url)
    if served.scheme not in {"http", "https"} or not served.netloc:
        raise ImproperlyConfigured("With MEDIA_STORAGE_URL, MEDIA_URL must be an absolute http(s) address.")
    # The storage builds each file's URL from this domain and path (no signature: these files are public).
    custom_domain = f"{served.netloc}{served.path.rstrip('/')}".removesuffix(f"/{prefix}" if prefix else "")
    options = {
        "bucket_name": bucket,
        "location": prefix,
        "region_name": region,
        "endpoint_url": endpoint or None,
        "custom_domain": custom_domain,
        "url_protocol": f"{served.scheme}:",
        "file_overwrite": False,
        "querystring_auth": False,
        "default_acl": None,
        "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, media_url


def s3_backup_storage(url):
    """The STORAGES entry for backup archives in an S3-compatible bucket: `BACKUP_STORAGE_URL`, same form as
    MEDIA_STORAGE_URL. Its objects are private (a backup holds every draft and every account's password hash)
    and are never given a public address; use a bucket of its own, with no public-read policy."""
    bucket, prefix, endpoint, region = parse_s3_url(url, "BACKUP_STORAGE_URL")
    options = {
        "bucket_name": bucket,
        "location": prefix,
        "region_name": region,
        "endpoint_url": endpoint or None,
        "file_overwrite": False,
        "default_acl": "private",
        "querystring_auth": True,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
