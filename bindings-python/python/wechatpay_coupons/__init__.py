"""WeChat Pay APIv3 cash coupons (代金券) for Python, on a sans-IO Rust core.

The client never opens a socket: each endpoint method returns a signed :class:`Request`
(method, url, headers, body) that you send with any HTTP client (``urllib.request``,
``requests``, ``httpx``), and the matching ``parse_*`` method verifies the raw response and
returns a plain dict.

    client = Client.from_config("merchant.json")
    req = client.get_stock(stock_id="1234", stock_creator_mchid=client.mchid)
    resp = requests.request(**req.to_requests_kwargs())
    stock = client.parse_get_stock(resp.status_code, resp.headers, resp.content)
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from . import _native
from ._native import (
    BACKUP_BASE_URL,
    CRYPTO_BACKEND,
    OPERATIONS,
    PRIMARY_BASE_URL,
    Acknowledgement,
    ApiError,
    BillDigest,
    BillError,
    BillParser,
    DecodeError,
    DecryptError,
    KeyConfigError,
    ProbeSignatureError,
    Request,
    SignatureError,
    SignerError,
    ValidationError,
    VerifiedBill,
    WechatPayError,
    h5_coupon_url,
    plugin_sign,
    v2_hmac_sign,
    verify_v2_hmac,
)

from .models import *  # noqa: F401,F403 (TypedDicts of the models and events)
from .models import NotificationEvent, Violation

__version__: str = _native.__version__

__all__ = [
    "BACKUP_BASE_URL",
    "CRYPTO_BACKEND",
    "OPERATIONS",
    "PRIMARY_BASE_URL",
    "Acknowledgement",
    "ApiError",
    "BillDigest",
    "BillError",
    "BillParser",
    "BillWarning",
    "Client",
    "NotificationEvent",
    "Violation",
    "DecodeError",
    "DecryptError",
    "KeyConfigError",
    "ProbeSignatureError",
    "Request",
    "SignatureError",
    "SignerError",
    "ValidationError",
    "VerifiedBill",
    "WechatPayError",
    "h5_coupon_url",
    "is_retryable",
    "iter_chunks",
    "parse_bill",
    "plugin_sign",
    "urllib_send",
    "v2_hmac_sign",
    "verify_bill",
    "verify_v2_hmac",
]

HeadersLike = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
BodyLike = Union[bytes, bytearray, memoryview, str]
Send = Callable[[Request], Tuple[int, Any, bytes]]


class Client(_native.Client):
    """A merchant's APIv3 client. See the module docstring and ``__init__.pyi`` for the API.

    One method per coupon endpoint (generated from :data:`OPERATIONS`, the core's operation
    table) returns a signed :class:`Request`; ``parse_<endpoint>(status, headers, body)``
    verifies and decodes its response.
    """

    @classmethod
    def from_config(cls, path: Union[str, "os.PathLike[str]"], **overrides: Any) -> "Client":
        """Loads a ``merchant.json`` (as written by the sandbox) and the PEM files it names."""
        # The core reads and checks the file and the PEM files it names (errors name the
        # field: KeyConfigError with kind "config"), including the sandbox's loopback rule.
        kwargs: Dict[str, Any] = _native._config_options(os.fspath(path))
        kwargs.update(overrides)
        return cls(kwargs.pop("mchid"), kwargs.pop("merchant_serial"), **kwargs)

    def parse(self, request: Request, status: int, headers: HeadersLike, body: BodyLike) -> Any:
        """Parses the response to ``request`` with the parse method of the operation that built it."""
        if request.operation is None:
            return self.parse_response(status, headers, body)
        return self._parse(request.operation, status, headers, body)

    def upload_image(
        self, file: Union[bytes, bytearray, str, "os.PathLike[str]"], filename: Optional[str] = None
    ) -> Request:
        """The signed image upload, from bytes (give ``filename``) or from a path."""
        if isinstance(file, (bytes, bytearray)):
            # Without a file name the core refuses the upload with a ValidationError.
            return self.image_upload_request(filename or "", bytes(file))
        p = Path(file)
        return self.image_upload_request(filename or p.name, p.read_bytes())

    def parse_image_upload_response(self, status: int, headers: HeadersLike, body: BodyLike) -> Any:
        """Verifies the image upload response; returns ``{"media_url": ...}``."""
        return self._parse("upload_image", status, headers, body)

    def next_page(
        self,
        operation: str,
        params: Mapping[str, Any],
        previous: Mapping[str, Any],
        mode: Optional[str] = None,
    ) -> Optional[Dict[str, Any]]:
        """The next page's request fields of a paged operation, or ``None`` after the last page."""
        result: Optional[Dict[str, Any]] = self._next_page(operation, params, previous, mode)
        return result

    def pages(
        self,
        operation: str,
        params: Mapping[str, Any],
        send: Send,
        mode: Optional[str] = None,
        max_pages: int = 1000,
    ) -> Iterator[Dict[str, Any]]:
        """Yields every page of a paged operation; ``send(request)`` returns ``(status, headers, body)``."""
        current: Optional[Dict[str, Any]] = dict(params)
        count = 0
        while current is not None and count < max_pages:
            req = self._build(operation, current)
            status, headers, body = send(req)
            page: Dict[str, Any] = self._parse(operation, status, headers, body)
            yield page
            count += 1
            current = self._next_page(operation, current, page, mode)

    def call(self, operation: str, send: Send, params: Optional[Mapping[str, Any]] = None, **fields: Any) -> Any:
        """Builds, sends (``send(request) -> (status, headers, body)``) and parses one operation."""
        merged = dict(params or {})
        merged.update(fields)
        req = self._build(operation, merged)
        status, headers, body = send(req)
        return self._parse(operation, status, headers, body)


def _make_endpoint(name: str, doc: str) -> Tuple[Callable[..., Request], Callable[..., Any]]:
    def build(
        self: Client, params: Optional[Mapping[str, Any]] = None, *, validation: Any = None, **fields: Any
    ) -> Request:
        merged = dict(params or {})
        merged.update(fields)
        return self._build(name, merged, validation)

    def parse(self: Client, status: int, headers: HeadersLike, body: BodyLike) -> Any:
        return self._parse(name, status, headers, body)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = doc
    parse.__name__ = parse.__qualname__ = "parse_" + name
    parse.__doc__ = f"Verifies and decodes the response of {name}."
    return build, parse


for _op in OPERATIONS:
    if _op["body"] == "multipart":
        continue  # upload_image takes a file: defined above
    _build_fn, _parse_fn = _make_endpoint(
        _op["name"], f"{_op['method']} {_op['path']} — {_op['title']}. Returns the signed Request."
    )
    setattr(Client, _op["name"], _build_fn)
    setattr(Client, "parse_" + _op["name"], _parse_fn)
del _op


def is_retryable(error: BaseException) -> bool:
    """Whether repeating the same request (same body and out_request_no, re-signed) may succeed."""
    return isinstance(error, ApiError) and bool(getattr(error, "retryable", False))


def urllib_send(request: Request, timeout: float = 30.0) -> Tuple[int, Dict[str, str], bytes]:
    """Sends ``request`` with ``urllib.request``; returns ``(status, headers, body)`` for any status."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(request.to_urllib(), timeout=timeout) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def iter_chunks(source: Union[bytes, Any], chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """Chunks from bytes, a binary file-like object (``read``) or an iterable of bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        for i in range(0, len(data), chunk_size):
            yield data[i : i + chunk_size]
        return
    read = getattr(source, "read", None)
    if callable(read):
        while True:
            chunk = read(chunk_size)
            if not chunk:
                return
            yield bytes(chunk)
    else:
        for chunk in source:
            yield bytes(chunk)


def verify_bill(download: Mapping[str, Any], source: Any) -> VerifiedBill:
    """Pass 1: digests the bill body (bytes, file-like or chunks) and checks ``hash_value``."""
    digest = BillDigest(download)
    for chunk in iter_chunks(source):
        digest.update(chunk)
    return digest.finish()


class BillWarning(UserWarning):
    """A bill file was read but something about it is unusual (e.g. no ``总条数`` trailer)."""


def parse_bill(
    verified: VerifiedBill, source: Any, kind: str = "use_flow", recheck: bool = False
) -> Iterator[Dict[str, Any]]:
    """Pass 2: yields the rows of the verified bill, streaming (constant memory).

    What is unusual but accepted (``summary["warnings"]`` of ``BillParser.finish``) is issued as
    a :class:`BillWarning`.
    """
    parser = BillParser(verified, kind, recheck)
    for chunk in iter_chunks(source):
        yield from parser.feed(chunk)
    rows, summary = parser.finish()
    for message in summary.get("warnings", []):
        warnings.warn(message, BillWarning, stacklevel=2)
    yield from rows
