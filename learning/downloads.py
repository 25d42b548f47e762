"""Serving an uploaded file to a person already allowed to have it."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control


def private_download(field_file, filename: str) -> FileResponse:
    """The file as a download under ``filename``, kept out of shared caches; 404 when
    there is no file or it has gone from storage."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    patch_cache_control(response, private=True)
    return response
