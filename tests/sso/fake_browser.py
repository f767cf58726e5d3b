"""A browser for the login tests: `python fake_browser.py [WORDS...] URL`, run as $BROWSER or
an `awsswitch_browser` command. It plays what a person's browser does with a sign-in page,
over real HTTP, and writes one JSON line per visit to $FAKE_BROWSER_LOG.

$FAKE_BROWSER_MODE:
  follow       GET the URL and follow redirects (PKCE: the stand-in's /authorize sends it to
               the loopback listener), as a browser whose user clicks "Allow" at once;
  favicon      as follow, but first ask the listener for /favicon.ico (as browsers do);
  wrong-state  GET the URL, take the redirect, change its `state`, then visit it;
  deny         visit the loopback redirect_uri with error=access_denied (the user said no);
  fail         exit 3 without visiting anything (a browser that cannot start);
  idle         exit 0 without visiting anything (the user never finishes).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _log(**entry: object) -> None:
    entry["argv"] = sys.argv[1:-1]
    with open(os.environ["FAKE_BROWSER_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def _get(url: str, *, follow: bool = True) -> tuple[int, str, str, str]:
    """(status, final URL, Location header, body) of a GET."""
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if not follow:
        handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=30) as reply:
            return reply.status, reply.geturl(), "", reply.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")
        return exc.code, url, exc.headers.get("Location") or "", body


def _title(body: str) -> str:
    start = body.find("<h1>")
    end = body.find("</h1>", start)
    return body[start + 4 : end] if start >= 0 and end > start else ""


def main() -> int:
    url = sys.argv[-1]
    mode = os.environ.get("FAKE_BROWSER_MODE", "follow")
    _log(event="opened", url=url, mode=mode)
    if mode == "fail":
        return 3
    if mode == "idle":
        return 0
    if mode == "deny":
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        target = query["redirect_uri"][0] + "?error=access_denied&error_description=User+said+no"
        status, final, _, body = _get(target)
        _log(event="landed", status=status, url=final, title=_title(body))
        return 0
    if mode in ("wrong-state", "favicon"):
        status, _, location, body = _get(url, follow=False)
        if not location:
            _log(event="landed", status=status, url=url, title=_title(body))
            return 0
        parts = urllib.parse.urlsplit(location)
        if mode == "favicon":
            icon = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/favicon.ico", "", ""))
            status, _, _, body = _get(icon)
            _log(event="favicon", status=status)
        else:
            query = dict(urllib.parse.parse_qsl(parts.query))
            query["state"] = "not-" + query.get("state", "")
            location = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        status, final, _, body = _get(location)
        _log(event="landed", status=status, url=final.split("?")[0], title=_title(body))
        return 0
    status, final, _, body = _get(url)
    _log(event="landed", status=status, url=final.split("?")[0], title=_title(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
