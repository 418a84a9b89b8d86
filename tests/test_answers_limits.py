"""Hostile answers files (issue: hostile input): each gives one plain line and exit code 2
from `kiosk match` and `kiosk booking-url`, never a traceback, and never echoes a huge
value back. The hostile files are generated here, not committed."""
import json
import os

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from conftest import write_site

from kiosk import paths
from kiosk.cli import main as cli
from kiosk.guidance.answers import MAX_BYTES, AnswersError, check_answers
from kiosk.text import i18n

HUGE = "x" * (1 << 20)


@pytest.fixture
def site(tmp_path, monkeypatch):
    return {"conf": write_site(tmp_path, monkeypatch), "tmp": tmp_path}


def nested(depth):
    return '{"goal": "digitaal", "x": ' + "[" * depth + "]" * depth + "}"


HOSTILE = {
    "nested 1,000 deep": (nested(1000), "deeper than 20 levels"),
    "nested 50,000 deep, never closed": ("[" * 50_000, "deeper than 20 levels"),
    "a 5,000-digit number": ('{"max_distance_km": ' + "9" * 5000 + "}",
                             "number of more than 30 characters"),
    "a huge float": ('{"max_distance_km": 1e999}', "number too large"),
    "a 1 MB answer": (json.dumps({"goal": HUGE}), f"larger than {MAX_BYTES // 1024} KB"),
    "a 50 KB answer": (json.dumps({"goal": "y" * 50_000}), "the limit is 1000"),
    "a path as language": ('{"goal": "digitaal", "language": "../../../../elders/x"}',
                           "Answer 'language' must be a language code of the kiosk"),
    "a language the kiosk does not have": ('{"language": "xx"}', "Answer 'language'"),
    "a distance of a million km": ('{"max_distance_km": 1000000}', "from 0 to 1000"),
}


@pytest.mark.parametrize("command", [["match"], ["booking-url", "--course", "cvo-gent-aav"]])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_answers_get_one_plain_line_and_exit_2(site, capsys, command, name):
    text, message = HOSTILE[name]
    path = site["tmp"] / "answers.json"
    path.write_text(text, encoding="utf-8")
    code = cli.main(["--config", str(site["conf"]), command[0], "--answers", str(path),
                     *command[1:]])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("kiosk"), err[:300]
    assert message in err, err[:300]
    assert "Traceback" not in err
    assert len(err) < 400                   # the value is never echoed back whole


def test_a_wrong_value_is_shown_cut_and_escaped(site, capsys):
    path = site["tmp"] / "answers.json"
    path.write_text(json.dumps({"goal": "\x1b[2J\u202e" + "z" * 900}), encoding="utf-8")
    assert cli.main(["--config", str(site["conf"]), "match", "--answers", str(path)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    assert "\\u001b[2J\\u202e" in err and "z" * 39 not in err and "…" in err


def test_answers_on_stdin_have_the_same_limits(site, capsys, monkeypatch):
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(nested(1000).encode())))
    assert cli.main(["--config", str(site["conf"]), "match", "--answers", "-"]) == 2
    assert "deeper than 20 levels" in capsys.readouterr().err


def test_normal_answers_still_pass_the_limits(site, capsys):
    path = site["tmp"] / "answers.json"
    path.write_text(json.dumps({"goal": "digitaal", "max_distance_km": 20, "postcode": "9000",
                                "language": "ar", "times": ["avond"]}), encoding="utf-8")
    code = cli.main(["--config", str(site["conf"]), "booking-url", "--answers", str(path)])
    assert code == 0 and capsys.readouterr().out.startswith("https://")


@pytest.mark.parametrize("answers", [{"postcode": "9000 Gent"}, {"postcode": 12},
                                     {"max_distance_km": -1}, {"language": "../nl"}])
def test_check_refuses_values_outside_the_format(answers):
    with pytest.raises(AnswersError):
        check_answers(answers)


def test_a_language_code_never_loads_a_catalog_from_another_folder(tmp_path):
    evil = tmp_path / "elders" / "x" / "LC_MESSAGES"
    evil.mkdir(parents=True)
    catalog = Catalog(locale="nl")
    catalog.add("Doel", "GEHACKT")
    with open(evil / f"{i18n.DOMAIN}.mo", "wb") as fh:
        write_mo(fh, catalog)
    code = os.path.relpath(tmp_path / "elders" / "x", paths.LOCALES)
    assert "/" in code
    assert i18n.translator(code).gettext("Doel") == "Doel"
    assert not i18n.known_language(code)
    assert i18n.translator("ar").gettext("Doel") != "Doel"      # real catalogs still load
