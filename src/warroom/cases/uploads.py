"""Evidence uploads: hashed while they stream to disk, refused past the configured size.

Django hands each chunk of an upload to its handlers as it arrives. This handler feeds every
chunk to SHA-256 on its way to the temporary file, so a multi-gigabyte image is hashed without
a second read and without ever being held in memory.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat


class HashingUploadHandler(TemporaryFileUploadHandler):
    """A temporary-file upload handler that computes SHA-256 and enforces a size limit.

    The finished file carries `.sha256`. A request over `settings.MAX_UPLOAD_BYTES` is cut off
    and `request.upload_refused` names the field and the limit; see `upload_error`.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.digest = hashlib.sha256()
        self.received = 0
        self.announced_too_large = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        # A body announced as too big is refused at its first file chunk: the form fields
        # before it (the CSRF token among them) are still read, so the user gets a clear
        # error page rather than a CSRF failure, and nothing is written to disk.
        self.announced_too_large = content_length > settings.MAX_UPLOAD_BYTES

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.digest = hashlib.sha256()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.announced_too_large or self.received > settings.MAX_UPLOAD_BYTES:
            self._refuse(f"field '{self.field_name}'")
            # connection_reset=False: Django reads and drops the rest of the body, so the
            # client, which is still sending, gets to see the error response.
            raise StopUpload(connection_reset=False)
        self.digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.sha256 = self.digest.hexdigest()  # type: ignore[attr-defined]
        return uploaded

    def _refuse(self, what: str) -> None:
        if self.request is not None:
            limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
            self.request.upload_refused = (  # type: ignore[attr-defined]
                f"{what} is larger than the upload limit of {limit} (WARROOM_MAX_UPLOAD_MB)"
            )


def upload_error(request: HttpRequest) -> str | None:
    """Why the upload in REQUEST was refused, or None. Call after reading request.FILES."""
    request.FILES  # noqa: B018 (parsing the body is what runs the upload handlers)
    return getattr(request, "upload_refused", None)


def sha256_of(uploaded: UploadedFile) -> str:
    """The SHA-256 of an uploaded file: from the handler, else by streaming it in chunks."""
    known = getattr(uploaded, "sha256", None)
    if known:
        return str(known)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()
