"""Collect the visitor-facing texts and bring the translations up to date.

Texts come from `_("...")`, `N_("...")` and `tr("...", lang)` in kiosk/ and screens/
(Python), `_('...')` and `tr('...', app.lang)` in screens/*.kv, and the titles, hints and
labels of assets/questionnaire.json. They go into
assets/locales/kiosk.pot, are merged into assets/locales/<lang>/LC_MESSAGES/kiosk.po
(existing translations are kept) and compiled into kiosk.mo beside each .po.

    python scripts/update_translations.py           # update the files
    python scripts/update_translations.py --check   # exit 1 when a file is out of date

The message ids are the Dutch texts, so Dutch needs no catalog.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "fr", "ar", "uk")
DOMAIN = "kiosk"
PROJECT = "leerwinkel-kiosk"
HEADER = "# Visitor texts of the Leerwinkel kiosk. The msgids are the Dutch texts.\n#"
QUESTION_TEXT_KEYS = ("title", "hint", "none_label", "skip_label")
# screens.text.tr(msgid, lang, **values) translates like _(msgid), trn like ngettext
KEYWORDS = {**DEFAULT_KEYWORDS, "tr": None, "trn": (1, 2)}
# _('text') or tr('text', ...) in kv rules, with a literal first argument; the text may
# hold escaped quotes
KV_CALL = re.compile(r"""\b(?:_|tr)\(\s*(?P<q>['"])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*[,)]""")
# header lines that change on every run and say nothing about the content
VOLATILE = ('"POT-Creation-Date:', '"PO-Revision-Date:', '"Generated-By:')


def _python_messages(root: Path):
    for folder in ("kiosk", "screens"):
        if not (root / folder).is_dir():
            continue
        # the extractor warns about every f-string inside a call, also about keyword values
        # such as tr("{hours} uur", lang, hours=f"{h:g}"), which are fine: keep it quiet
        with contextlib.redirect_stderr(io.StringIO()):
            found = list(extract_from_dir(root / folder, method_map=[("**.py", "python")],
                                          keywords=KEYWORDS))
        for filename, _lineno, message, _comments, context in found:
            yield message, f"{folder}/{filename}", context


def _kv_messages(root: Path):
    for path in sorted((root / "screens").glob("**/*.kv")):
        text = path.read_text(encoding="utf-8")
        for match in KV_CALL.finditer(text):
            # the quoted text is a Python string literal in kv; decode its escapes
            message = ast.literal_eval(match.group("q") + match.group("text") + match.group("q"))
            yield message, path.relative_to(root).as_posix(), None


def _questionnaire_messages(root: Path):
    path = root / "assets" / "questionnaire.json"
    if not path.exists():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise SystemExit(f"update_translations: {path.name} is not valid JSON ({exc}).") from None
    where = "assets/questionnaire.json"
    for question in data.get("questions", []):
        for key in QUESTION_TEXT_KEYS:
            if question.get(key):
                yield question[key], where, None
        for option in question.get("options", []):
            if option.get("label"):
                yield option["label"], where, None


def build_template(root: Path = ROOT) -> Catalog:
    """The .pot catalog: every msgid with the files it comes from (no line numbers)."""
    template = Catalog(project=PROJECT, domain=DOMAIN, header_comment=HEADER, fuzzy=False)
    found: dict[tuple, set] = {}
    for source in (_python_messages(root), _kv_messages(root), _questionnaire_messages(root)):
        for message, where, context in source:
            if message:
                found.setdefault((message, context), set()).add(where)
    for (message, context), places in sorted(found.items(), key=lambda kv: str(kv[0])):
        template.add(message, locations=[(p, None) for p in sorted(places)], context=context)
    return template


def _po_text(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=76, include_lineno=False, sort_output=True,
             ignore_obsolete=True)        # reworded texts live on in the history, not here
    return buf.getvalue()


def _stable(text: bytes | None) -> list[bytes] | None:
    if text is None:
        return None
    return [line for line in text.splitlines() if not line.decode("utf-8", "replace").startswith(VOLATILE)]


def update(root: Path = ROOT, languages=LANGUAGES, check: bool = False) -> list[Path]:
    """Update (or with check=True only compare) the .pot, .po and .mo files.

    Returns the files that were out of date.
    """
    locales = root / "assets" / "locales"
    template = build_template(root)
    stale: list[Path] = []

    def put(path: Path, new: bytes, same) -> None:
        old = path.read_bytes() if path.exists() else None
        if old is not None and same(old, new):
            return
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(new)

    def same_po(old, new):
        return _stable(old) == _stable(new)

    put(locales / f"{DOMAIN}.pot", _po_text(template), same_po)
    for lang in languages:
        folder = locales / lang / "LC_MESSAGES"
        po_path = folder / f"{DOMAIN}.po"
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project=PROJECT, header_comment=HEADER,
                              fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        new_po = _po_text(catalog)
        put(po_path, new_po, same_po)
        # compile what the .po holds after the update
        compiled = io.BytesIO()
        write_mo(compiled, read_po(io.BytesIO(new_po), locale=lang, domain=DOMAIN))
        put(folder / f"{DOMAIN}.mo", compiled.getvalue(), lambda old, new: old == new)
    return stale


def untranslated(root: Path = ROOT, languages=LANGUAGES) -> dict[str, list[str]]:
    """Per language, the msgids whose translation is empty or marked fuzzy."""
    out = {}
    for lang in languages:
        po_path = root / "assets" / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        out[lang] = [m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                     if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Update the kiosk's translation files.")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when a file is out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    stale = update(args.root, check=args.check)
    names = ", ".join(p.relative_to(args.root).as_posix() for p in stale)
    if args.check:
        if stale:
            print(f"Translations are out of date ({names}). "
                  "Run: python scripts/update_translations.py", file=sys.stderr)
            return 1
        print("Translations are up to date.")
        return 0
    print(f"Updated: {names}" if stale else "Nothing to update.")
    for lang, missing in untranslated(args.root).items():
        if missing:
            print(f"{lang}: {len(missing)} text(s) still to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
