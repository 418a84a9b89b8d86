"""Source addresses: what may be shown of them, and where the kiosk may connect.

A source address may carry credentials (`https://user:password@host/feed?api_key=…`).
`redact` gives the form that is shown or stored anywhere outside the site config: the
figures file, the refresh state files, `catalog status`, reports and logs. It drops the
user and password and replaces every query value with `***` (any of them may be a key).

`check_host` resolves a host name and refuses it unless every address it resolves to is
public, before any connection is made; the connection then goes to an address that was
checked (kiosk/catalog/fetch.py). A source on this machine or the local network is
fetched only when the site config allows it for that source (docs/security.md).
"""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

HIDDEN = "***"
URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
QUERY_IN_TEXT = re.compile(r"(/[^\s?'\"]*\?)([^\s'\")]+)")   # a bare path's query: "GET /x?k=v"


def redact(url: str | None) -> str | None:
    """The address without user, password, query values or fragment."""
    if not url or "://" not in url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return HIDDEN
    if ":" in host:
        host = f"[{host}]"
    return urlunsplit((parts.scheme, host + port, parts.path, _hidden(parts.query), ""))


def _hidden(query: str) -> str:
    """A query with every value replaced by HIDDEN (the names stay, for staff)."""
    return "&".join(f"{quote(k, safe='')}={HIDDEN}"
                    for k, _v in parse_qsl(query, keep_blank_values=True))


def redact_text(text: str | None) -> str | None:
    """A message with every address in it redacted (for reports and logs)."""
    if not text:
        return text
    text = URL_IN_TEXT.sub(lambda m: redact(m.group(0)), text)
    return QUERY_IN_TEXT.sub(lambda m: m.group(1) + (_hidden(m.group(2)) or HIDDEN), text)


class AddressRefused(Exception):
    """The address is not public and the source may not use a private one."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_host(host: str, port: int, allow_private: bool) -> list[tuple]:
    """The host's addresses as getaddrinfo gives them, when each may be connected to.
    Raises AddressRefused (a private address without the allowance) or OSError (the
    name does not resolve)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not allow_private:
        for info in infos:
            if not is_public(info[4][0]):
                raise AddressRefused(
                    f"The address {host} leads to {info[4][0]}, which is on this machine "
                    "or a private network; only public addresses are fetched, unless the "
                    "site config allows it for this source (allow_private).")
    return infos
