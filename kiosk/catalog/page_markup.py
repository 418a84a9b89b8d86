"""The schema.org items of one web page (JSON-LD, microdata, RDFa) and what the page
says about itself (its language, its translations, its links), read within limits.

Hostile pages are the rule: every drop is a note, never silence. JSON-LD scripts are
cut out of the bytes and parsed one by one (so neither a script of many megabytes nor a
broken one hides the others); microdata and RDFa are only parsed when their markers stay
within the counts below (thousands of nested `itemscope`s or `itemref`s take minutes
and gigabytes in the HTML readers). The whole reading runs in a child process with a
memory cap and a time limit (kiosk/catalog/page_worker.py).
"""
from __future__ import annotations

import json
import re
from urllib.parse import urldefrag, urljoin

MAX_SCRIPTS = 200                # JSON-LD scripts read from one page
MAX_ITEMSCOPES = 2_000           # microdata items on one page
MAX_ITEMREFS = 200               # ids in itemref attributes (each makes the reader search the page)
MAX_RDFA_NODES = 2_000           # typeof / property attributes for RDFa
MAX_RDFA_BYTES = 2_000_000       # RDFa is read from pages up to this size
MAX_LINKS = 5_000                # links kept from one (listing) page
MAX_NESTING = 200                # graph nodes resolved inside one another (RDFa)
SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/")

_SCRIPT = re.compile(rb"<script\b[^>]{0,500}?\btype\s*=\s*[\"']?application/ld\+json[\"']?"
                     rb"[^>]{0,500}>"
                     rb"(.*?)</script\s*>", re.I | re.S)
_HTML_LANG = re.compile(rb"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)
_ITEMREF = re.compile(rb"itemref\s*=\s*[\"']?([^\"'>]*)", re.I)
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.I)
_A_TAG = re.compile(rb"<a\b[^>]*\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_ATTR = re.compile(rb"\b(rel|hreflang|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)


def read_page(raw: bytes, url: str) -> dict:
    """{"items": [...], "notes": [...], "lang", "alternates": {lang: url}, "links": [...]}"""
    notes: list[str] = []
    items = _json_ld(raw, notes) + _microdata(raw, url, notes) + _rdfa(raw, url, notes)
    return {"items": items, "notes": notes, "lang": _lang(raw),
            "alternates": _alternates(raw, url), "links": _links(raw, url)}


def has_markup(raw: bytes) -> bool:
    """Whether the page carries any structured data at all."""
    lower = raw.lower()
    return any(m in lower for m in (b"application/ld+json", b"itemscope", b"typeof="))


# ---------------------------------------------------------------- the three syntaxes

def _json_ld(raw: bytes, notes: list) -> list:
    items = []
    for n, match in enumerate(_SCRIPT.finditer(raw), 1):
        if n > MAX_SCRIPTS:
            notes.append(f"more than {MAX_SCRIPTS} JSON-LD scripts: the rest is not read")
            break
        text = match.group(1).strip()
        text = text.removeprefix(b"<!--").removesuffix(b"-->").strip()
        try:
            value = json.loads(text.decode("utf-8", "replace"))
        except RecursionError:
            notes.append(f"JSON-LD script {n} nests too deeply: skipped")
            continue
        except ValueError:
            notes.append(f"JSON-LD script {n} is not valid JSON: skipped")
            continue
        items += value if isinstance(value, list) else [value]
    return items


def _microdata(raw: bytes, url: str, notes: list) -> list:
    scopes = raw.count(b"itemscope")
    refs = sum(len(m[1].split()) for m in _ITEMREF.finditer(raw)) if b"itemref" in raw else 0
    if not scopes:
        return []
    if scopes > MAX_ITEMSCOPES or refs > MAX_ITEMREFS:
        notes.append(f"microdata not read: {scopes} itemscope attributes and {refs} ids in "
                     f"itemref (at most {MAX_ITEMSCOPES} and {MAX_ITEMREFS} per page)")
        return []
    items = _extract(raw, url, "microdata", notes)
    found = _count_items(items, 0)
    if found < scopes:
        notes.append(f"microdata: {scopes} itemscope attributes but only {found} items read "
                     "(markup nested too deeply or broken)")
    return items


def _rdfa(raw: bytes, url: str, notes: list) -> list:
    lower = raw.lower()
    nodes = lower.count(b"typeof=") + lower.count(b"property=")
    if not lower.count(b"typeof="):
        return []
    if nodes > MAX_RDFA_NODES or len(raw) > MAX_RDFA_BYTES:
        notes.append(f"RDFa not read: {nodes} typeof/property attributes in {len(raw):,} bytes "
                     f"(at most {MAX_RDFA_NODES} in {MAX_RDFA_BYTES:,})")
        return []
    graph = _extract(raw, url, "rdfa", notes)
    typed = sum(1 for node in graph if isinstance(node, dict) and "@type" in node)
    expected = lower.count(b"typeof=")
    if typed < expected:
        notes.append(f"RDFa: {expected} typeof attributes but only {typed} items read "
                     "(markup nested too deeply or broken)")
    return nest_graph(graph)


def _extract(raw: bytes, url: str, syntax: str, notes: list) -> list:
    import extruct
    try:
        return extruct.extract(raw, base_url=url or None, syntaxes=[syntax],
                               uniform=True).get(syntax, [])
    except RecursionError:
        notes.append(f"{syntax} nests too deeply: not read")
    except Exception as exc:     # noqa: BLE001 - hostile markup: the reader's reason, one line
        notes.append(f"{syntax} could not be read ({type(exc).__name__})")
    return []


def _count_items(value, depth: int) -> int:
    if depth > 64:
        return 0
    if isinstance(value, list):
        return sum(_count_items(v, depth + 1) for v in value)
    if isinstance(value, dict):
        own = 1 if "@type" in value else 0
        return own + sum(_count_items(v, depth + 1) for k, v in value.items() if k != "@type")
    return 0


def nest_graph(nodes: list) -> list:
    """A flat RDF graph (extruct's RDFa) as nested items with short schema.org names:
    {"@id": x} references replaced by the node x, each node at most once on a path. The
    roots are the typed nodes no typed node refers to (a page's own `property` does not
    hide a Course)."""
    by_id = {n["@id"]: n for n in nodes if isinstance(n, dict) and "@id" in n}
    referenced = {ref["@id"] for n in by_id.values() if "@type" in n for values in n.values()
                  if isinstance(values, list) for ref in values
                  if isinstance(ref, dict) and set(ref) == {"@id"}}
    roots = [n for key, n in by_id.items() if key not in referenced and "@type" in n]
    return [_nest(n, by_id, ()) for n in roots]


def _nest(node: dict, by_id: dict, path: tuple):
    out = {}
    for key, values in node.items():
        if key == "@id":
            continue
        name = _short(key)
        if key == "@type":
            out["@type"] = [_short(t) for t in values] if isinstance(values, list) else values
            continue
        resolved = []
        for value in values if isinstance(values, list) else [values]:
            ref = value.get("@id") if isinstance(value, dict) and set(value) == {"@id"} else None
            if ref in by_id and ref not in path and len(path) < MAX_NESTING:
                resolved.append(_nest(by_id[ref], by_id, (*path, ref)))
            elif ref is not None:
                resolved.append(ref)             # a link (sameAs, url, byDay): its address
            else:
                resolved.append(value)
        out[name] = resolved[0] if len(resolved) == 1 else resolved
    return out


def _short(name: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if isinstance(name, str) and name.startswith(prefix):
            return name[len(prefix):]
    return name


# ---------------------------------------------------------------- about the page

def _lang(raw: bytes) -> str | None:
    match = _HTML_LANG.search(raw[:20_000])
    return match[1].decode().lower() if match else None


def _attrs(tag: bytes) -> dict:
    return {m[1].decode().lower(): (m[2] or m[3] or m[4] or b"").decode("utf-8", "replace")
            for m in _ATTR.finditer(tag)}


def _alternates(raw: bytes, url: str) -> dict:
    """{language: address} of the page's `<link rel="alternate" hreflang=…>`."""
    found = {}
    for tag in _LINK_TAG.findall(raw[:200_000]):
        attrs = _attrs(tag)
        lang = attrs.get("hreflang", "").split("-")[0].lower()
        if "alternate" in attrs.get("rel", "").lower().split() and attrs.get("href") \
                and re.fullmatch(r"[a-z]{2,3}", lang):          # not x-default
            found.setdefault(lang, urldefrag(urljoin(url, attrs["href"]))[0])
    return dict(list(found.items())[:20])


def _links(raw: bytes, url: str) -> list:
    """The page's links (`<a href>`), absolute, without fragments, first ones first."""
    seen: dict = {}
    for match in _A_TAG.finditer(raw):
        href = (match[1] or match[2] or match[3] or b"").decode("utf-8", "replace").strip()
        if href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
            seen.setdefault(urldefrag(urljoin(url, href))[0], None)
            if len(seen) >= MAX_LINKS:
                break
    return list(seen)
