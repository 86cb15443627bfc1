"""The file storage of uploads, results and blank forms: local disk or S3."""

from typing import Any

# Only the app hands files out, to users it has checked: a link to the bucket would
# skip those checks. Were a URL ever made, it is signed and soon expires.
DEFAULT_URL_EXPIRY_SECONDS = 60


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    location: str = "",
    url_expiry: int = DEFAULT_URL_EXPIRY_SECONDS,
) -> dict[str, Any]:
    """STORAGES["default"] for a private bucket of any S3-compatible server.

    Empty keys leave boto3 to find credentials itself (AWS_ACCESS_KEY_ID, an
    instance role); an empty endpoint means Amazon S3.
    """
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": location.strip("/"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": url_expiry,
            # A second upload under a taken name gets a new name, never replaces.
            "file_overwrite": False,
            # Downloads pass through the app; larger ones spool to a temporary file.
            "max_memory_size": 2 * 1024 * 1024,
            # Given a client_config, django-storages ignores its own
            # addressing_style and signature_version options: they are set here.
            "client_config": Config(
                # SeaweedFS and MinIO serve buckets as paths, not as host names.
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                # /readyz and a request must fail within seconds, not minutes.
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
