"""A browser-like HTTP client for the end-to-end operator test: it speaks to one app
process as the reverse proxy would (Host of the site, X-Forwarded-Proto: https), keeps
the secure ``__Host-`` cookies itself (they never travel over plain HTTP otherwise) and
sends the Origin a browser sends with a form."""

from __future__ import annotations

import html
import http.client
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    set_cookies: list[str]

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class SiteClient:
    port: int
    host: str = "fristad.test"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, extra: dict[str, str] | None = None
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": self.host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        headers.update(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            set_cookies = raw.headers.get_all("Set-Cookie") or []
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
        finally:
            connection.close()
        for line in set_cookies:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(raw.status, response_headers, text, set_cookies)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def follow(self, path: str, limit: int = 8) -> tuple[str, Response]:
        """GET, following redirects within the site; returns the final path and response."""
        for _ in range(limit):
            response = self.get(path)
            if response.status not in (301, 302, 303):
                return path, response
            location = urlsplit(response.location)
            assert location.netloc in ("", self.host), response.location
            path = location.path + (f"?{location.query}" if location.query else "")
        raise AssertionError("too many redirects")

    def submit(self, path: str, fields: dict[str, str]) -> Response:
        """Load the page's form (for its CSRF token) and post it, as a browser would."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.body[:500])
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": csrf_token(page.body)})


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token in the form"
    return match.group(1)


def input_value(page: str, element_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', page)
    assert match, f"no input #{element_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    assert value
    return html.unescape(value.group(1))
