"""Fetch one web page over HTTP(S): the only place citetool uses the network.

urllib3 does the work: separate connect and read timeouts, a bounded number of redirects,
certificates checked against the system's store. Every failure (dead host, timeout, HTTP
error, a browser-check page, content that is not HTML, a page over the size limit) is one
CitetoolError naming the URL.
"""

from __future__ import annotations

import time

from . import __version__
from .errors import CitetoolError

CONNECT_TIMEOUT = 10.0  # seconds to open the connection
READ_TIMEOUT = 30.0  # seconds of silence while waiting for data
TOTAL_TIMEOUT = 120.0  # seconds for the whole download, however the server trickles it
MAX_BYTES = 16 * 1024 * 1024  # a complete document page is under 1 MB
MAX_REDIRECTS = 5
USER_AGENT = f"citetool/{__version__} (archival citations; Python urllib3)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 64 * 1024


def is_url(arg: str) -> bool:
    """Whether an import argument is an http(s) URL rather than a file name."""
    return arg[:8].lower().startswith(("http://", "https://"))


_POOL: list[object] = []  # one pool for the process: a batch of URLs reuses connections


def _get(url: str) -> object:
    """The response to GET url, its body not read yet (limits as they are now)."""
    import urllib3

    if not _POOL:
        _POOL.append(urllib3.PoolManager(headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}))
    return _POOL[0].request(  # type: ignore[attr-defined]
        "GET", url, preload_content=False, decode_content=True,
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
        retries=urllib3.Retry(total=None, connect=0, read=0, status=0, other=0,
                              redirect=MAX_REDIRECTS, raise_on_redirect=True,
                              raise_on_status=False))


def _reason(exc: BaseException) -> str:
    """A short reason for a failed request, from urllib3's exception chain."""
    import urllib3.exceptions as e

    reason = getattr(exc, "reason", None) or exc
    if isinstance(exc, e.MaxRetryError) and isinstance(reason, e.ResponseError):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    # NewConnectionError is a kind of ConnectTimeoutError in urllib3: ask for it first
    if isinstance(reason, e.NameResolutionError):
        return "cannot find the host (name not resolved)"
    if isinstance(reason, e.NewConnectionError):
        cause = reason.__cause__ or reason.__context__
        detail = getattr(cause, "strerror", None) or "no connection"
        return f"cannot connect ({detail.lower()})"
    if isinstance(reason, e.ConnectTimeoutError):
        return f"timed out connecting (after {CONNECT_TIMEOUT:g} s)"
    if isinstance(reason, (e.ReadTimeoutError, TimeoutError)):
        return f"timed out waiting for data (no answer for {READ_TIMEOUT:g} s)"
    if isinstance(reason, e.SSLError):
        return "secure connection failed (TLS certificate or handshake)"
    if isinstance(reason, e.ProtocolError):
        return "the connection broke off"
    if isinstance(reason, e.LocationParseError):
        return "not a valid URL"
    return f"request failed ({type(reason).__name__})"


def _challenge(status: int, headers: object, body: bytes) -> bool:
    """Whether an error answer is a browser check ('Just a moment...') rather than the page."""
    get = getattr(headers, "get", lambda *_: None)
    if (get("cf-mitigated") or "").lower() == "challenge":
        return True
    if status not in (403, 429, 503) or not body.strip():
        return False
    import lxml.etree
    import lxml.html

    try:
        title = lxml.html.document_fromstring(body).findtext(".//title") or ""
    except (lxml.etree.ParserError, ValueError):  # an empty or undecodable page
        return False
    title = " ".join(title.split()).lower()
    return title.startswith(("just a moment", "attention required", "checking your browser"))


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"\'').lower()
    return None


def fetch(url: str) -> bytes:
    """The page at an http(s) URL, as UTF-8 bytes; CitetoolError(url, reason) on any failure."""
    import urllib3
    from urllib3.util import parse_url

    from .importers.html import BROWSER_HINT

    try:
        parsed = parse_url(url)
    except urllib3.exceptions.LocationParseError:
        raise CitetoolError(url, "not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise CitetoolError(url, "not an http(s) URL with a host")
    started = time.monotonic()
    try:
        response = _get(url)
    except urllib3.exceptions.HTTPError as exc:
        raise CitetoolError(url, _reason(exc)) from None
    except (OSError, ValueError) as exc:
        raise CitetoolError(url, f"request failed ({exc})") from None
    done = False
    try:
        status = response.status
        content_type = response.headers.get("Content-Type", "")
        if status >= 400:
            body = _read(response, url, started, 64 * 1024, quiet=True)
            if _challenge(status, response.headers, body):
                raise CitetoolError(url, f"the site answered with a browser check (HTTP {status})"
                                    f" instead of the page: {BROWSER_HINT}")
            raise CitetoolError(url, f"HTTP {status} {response.reason or ''}".strip())
        if status >= 300:
            raise CitetoolError(url, f"HTTP {status}: a redirect without a Location")
        kind = content_type.split(";")[0].strip().lower()
        if kind and kind not in HTML_TYPES:
            raise CitetoolError(url, f"not an HTML page (content type {kind})")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > MAX_BYTES:
            raise CitetoolError(url, f"larger than the limit of {MAX_BYTES} bytes "
                                f"({int(length)} bytes)")
        data = _read(response, url, started, MAX_BYTES)
        done = True
    finally:
        if not done:  # a body left unread must not be read as the next answer's start
            response.close()
        response.release_conn()
    charset = _charset(content_type)
    if charset and charset.replace("-", "").replace("_", "") not in ("utf8", "usascii",
                                                                      "ascii"):
        try:
            data = data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            raise CitetoolError(url, f"cannot read the page as {charset}") from None
    return data


def _read(response: object, url: str, started: float, limit: int, quiet: bool = False) -> bytes:
    """The body, in chunks, within the size limit and the total time."""
    import urllib3

    chunks: list[bytes] = []
    size = 0
    try:
        # read1 returns what has come so far: a server trickling bytes meets the total time
        while chunk := response.read1(CHUNK):  # type: ignore[attr-defined]
            size += len(chunk)
            if size > limit:
                if quiet:
                    break
                raise CitetoolError(url, f"larger than the limit of {limit} bytes")
            chunks.append(chunk)
            if time.monotonic() - started > TOTAL_TIMEOUT:
                raise CitetoolError(url, f"timed out (the download took over "
                                    f"{TOTAL_TIMEOUT:g} s)")
    except urllib3.exceptions.HTTPError as exc:
        if quiet:
            return b"".join(chunks)
        raise CitetoolError(url, _reason(exc)) from None
    except OSError as exc:
        if quiet:
            return b"".join(chunks)
        raise CitetoolError(url, f"the connection broke off ({exc.strerror or exc})") from None
    return b"".join(chunks)
