"""A rules file (assets/rules/*.toml, kiosk/guidance/rules.py) is read whole or refused
with its exact one-line reason; every field lands where the fee rules read it. Written
against the surviving mutants of the mutation run (docs/testing.md)."""
import os
from datetime import date

import pytest

from kiosk.guidance import rules

HEAD = 'school_year = "t"\nvalid_from = "2026-09-01"\nvalid_until = "2027-08-31"\n'
SOURCE = 'source = { url = "https://x.be", read = "2026-12-08" }'
KINDS = "rate, cap, free, material, note, cheques, leave, inburgering, naric, naric-free"
TEXT = f"must be text of at most {rules.MAX_TEXT} characters"


def rule(extra="", rid="r", kind="rate", verified="true", source=SOURCE) -> str:
    lines = [f'id = "{rid}"' if rid is not None else "", f'kind = "{kind}"',
             f"verified = {verified}", source, extra]
    return "[[rule]]\n" + "\n".join(line for line in lines if line) + "\n"


def load(tmp_path, text, name="t.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return rules.load(path)


def refused(tmp_path, text) -> str:
    with pytest.raises(rules.RulesError) as e:
        load(tmp_path, text)
    return str(e.value)


def test_every_field_lands_in_the_rule(tmp_path):
    also = ", ".join(f'{{ url = "http://a{i}.be", read = "2026-01-0{i % 9 + 1}" }}'
                     for i in range(10))
    extra = ('note = "n"\nprovider_types = ["cvo", "ligo"]\nstatuses = ["werkend"]\n'
             'study_areas = ["nt2", "anything"]\nregion = "brussel"\n'
             'diploma_below = "secundair"\ncondition = "c"\nrichtgraad_max = 2\n'
             'eur_per_period = 1.5\neur = 100000\ncap_eur = 0\nsaved_max_eur = 125\n'
             f"also = [{also}]")
    source = 'source = { url = "https://x.be", read = "2026-12-08", page_date = "2026-06-01" }'
    loaded = load(tmp_path, HEAD + rule(extra, source=source) + rule(rid="s", kind="cap"))
    assert loaded == rules.RuleSet("t", date(2026, 9, 1), date(2027, 8, 31), tmp_path / "t.toml",
                                   loaded.rules)
    first, second = loaded.rules
    assert first == rules.Rule(
        id="r", kind="rate", verified=True, source=rules.Source("https://x.be", "2026-12-08",
                                                                "2026-06-01"),
        note="n", provider_types=("cvo", "ligo"), statuses=("werkend",),
        study_areas=("nt2", "anything"), region="brussel", diploma_below="secundair",
        condition="c", richtgraad_max=2, eur_per_period=1.5, eur=100000, cap_eur=0,
        saved_max_eur=125,
        also=tuple(rules.Source(f"http://a{i}.be", f"2026-01-0{i % 9 + 1}") for i in range(10)))
    assert second == rules.Rule(id="s", kind="cap", verified=True,
                                source=rules.Source("https://x.be", "2026-12-08", "undated"))
    assert load(tmp_path, HEAD + rule('condition = ""')).rules[0].condition is None
    everyone = '", "'.join(rules.vocab.STATUSES)
    assert load(tmp_path, HEAD + rule(f'statuses = ["{everyone}"]')).rules[0].statuses == \
        rules.vocab.STATUSES


def test_a_set_covers_its_first_and_last_day_and_finds_rules_by_id(tmp_path):
    loaded = load(tmp_path, HEAD + rule())
    assert loaded.covers(date(2026, 9, 1)) and loaded.covers(date(2027, 8, 31))
    assert not loaded.covers(date(2026, 8, 31)) and not loaded.covers(date(2027, 9, 1))
    assert loaded.get("r") is loaded.rules[0] and loaded.get("nothing") is None
    one_day = 'school_year = "d"\nvalid_from = "2026-09-01"\nvalid_until = "2026-09-01"\n'
    assert load(tmp_path, one_day).covers(date(2026, 9, 1))


@pytest.mark.parametrize("text, reason", [
    ('school_year = "t"\nvalid_from = "x"\nvalid_until = "2027-08-31"',
     "valid_from is not an ISO date: 'x'"),
    (f'school_year = "t"\nvalid_from = "2026-09-01"\nvalid_until = "{"9" * 50}"',
     f"valid_until is not an ISO date: '{'9' * 40}'"),
    ('school_year = "t"\nvalid_from = "2026-09-01"\nvalid_until = "2026-08-31"',
     "t.toml: valid_until lies before valid_from"),
    ('valid_from = "2026-09-01"\nvalid_until = "2027-08-31"', f"school_year {TEXT}"),
    (HEAD + "rule = 5", f"t.toml: at most {rules.MAX_RULES} [[rule]] tables"),
    (HEAD + rule() + rule(), "t.toml: two rules share an id"),
    (HEAD + 'rule = [{ id = "a", kind = "rate", verified = true, source = { url = '
     '"https://x.be", read = "2026-12-08" } }, 2]', "rule 2 must be a table"),
    (HEAD + rule(rid=None), f"rule 1 id {TEXT}"),
    (HEAD + rule(rid="  "), f"rule 1 id {TEXT}"),
    (HEAD + rule(kind="fee"), f"rule r: kind must be one of {KINDS}"),
    (HEAD + rule(verified='"yes"'), "rule r: verified must be true or false"),
    (HEAD + rule(source='source = "https://x.be"'), "rule r source must be a table with url and read"),
    (HEAD + rule(source='source = { read = "2026-12-08" }'), f"rule r source.url {TEXT}"),
    (HEAD + rule(source='source = { url = "", read = "2026-12-08" }'), f"rule r source.url {TEXT}"),
    (HEAD + rule(source='source = { url = "ftp://x", read = "2026-12-08" }'),
     "rule r source.url must be a web address"),
    (HEAD + rule(source='source = { url = "https://x.be", read = "now" }'),
     "rule r source.read is not an ISO date: 'now'"),
    (HEAD + rule(source='source = { url = "https://x.be", read = "2026-12-08", page_date = 1 }'),
     f"rule r source.page_date {TEXT}"),
    (HEAD + rule("note = 5"), f"rule r note {TEXT}"),
    (HEAD + rule(f'note = "{"n" * (rules.MAX_TEXT + 1)}"'), f"rule r note {TEXT}"),
    (HEAD + rule('statuses = ["rich"]'), "rule r: statuses must be a list of known words"),
    (HEAD + rule('statuses = "werkend"'), "rule r: statuses must be a list of known words"),
    (HEAD + rule("study_areas = [1]"), "rule r: study_areas must be a list of known words"),
    (HEAD + rule('provider_types = ["cbe"]'),
     "rule r: provider_types must be a list of known words"),
    (HEAD + rule("eur = 100001"), "rule r: eur must be a number from 0 to 100000"),
    (HEAD + rule("cap_eur = -1"), "rule r: cap_eur must be a number from 0 to 100000"),
    (HEAD + rule("saved_max_eur = true"), "rule r: saved_max_eur must be a number from 0 to 100000"),
    (HEAD + rule('richtgraad_max = "2"'), "rule r: richtgraad_max must be a number from 0 to 100000"),
    (HEAD + rule('region = "wallonie"'), "rule r: region must be one of vlaanderen, brussel"),
    (HEAD + rule('diploma_below = "master"'), "rule r: diploma_below must be a diploma word"),
    (HEAD + rule("condition = 5"), f"rule r condition {TEXT}"),
    (HEAD + rule('also = "x"'), "rule r: also must be a list of at most 10 sources"),
    (HEAD + rule("also = [" + ", ".join(['{ url = "https://a.be", read = "2026-01-01" }'] * 11)
                 + "]"), "rule r: also must be a list of at most 10 sources"),
    (HEAD + rule('also = ["https://a.be"]'), "rule r also must be a table with url and read"),
])
def test_a_broken_file_is_refused_with_its_reason(tmp_path, text, reason):
    assert refused(tmp_path, text) == reason


def test_the_longest_texts_and_the_most_rules_pass(tmp_path):
    assert load(tmp_path, HEAD + rule(f'note = "{"n" * rules.MAX_TEXT}"')).rules[0].note == \
        "n" * rules.MAX_TEXT
    many = HEAD + "".join(rule(rid=f"r{i}") for i in range(rules.MAX_RULES))
    assert len(load(tmp_path, many).rules) == rules.MAX_RULES
    assert refused(tmp_path, many + rule(rid="one-more")) == \
        f"t.toml: at most {rules.MAX_RULES} [[rule]] tables"


def test_size_unreadable_and_not_toml(tmp_path):
    padding = rules.MAX_FILE_BYTES - len(HEAD) - 1
    assert load(tmp_path, HEAD + "#" + "x" * (padding - 1) + "\n").school_year == "t"
    assert refused(tmp_path, HEAD + "#" + "x" * padding + "\n") == \
        f"t.toml is larger than {rules.MAX_FILE_BYTES} bytes"
    reason = refused(tmp_path, "not = [toml")
    assert reason.startswith("t.toml is not valid TOML: ") and "(at line 1" in reason
    (tmp_path / "t.toml").write_bytes(b'school_year = "\xff"')
    with pytest.raises(rules.RulesError, match=r"^t.toml is not valid TOML: 'utf-8' codec"):
        rules.load(tmp_path / "t.toml")
    (tmp_path / "d.toml").mkdir()
    with pytest.raises(rules.RulesError) as e:
        rules.load(tmp_path / "d.toml")
    assert str(e.value) == "cannot read d.toml: Is a directory"


def test_a_changed_file_is_read_again_and_problems_are_named(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(HEAD, encoding="utf-8")
    assert rules.for_day(date(2026, 12, 8), tmp_path).school_year == "t"
    path.write_text(HEAD.replace('"t"', '"u"'), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert rules.for_day(date(2026, 12, 8), tmp_path).school_year == "u"
    (tmp_path / "b.toml").write_text("not = [toml", encoding="utf-8")
    assert rules.problems(date(2026, 12, 8), tmp_path) == [
        "b.toml is not valid TOML: Invalid value (at line 1, column 8)"]
    assert rules.problems(date(2031, 1, 1), tmp_path)[-1] == \
        f"no rules file in {tmp_path.name}/ covers 2031-01-01: the kiosk states no fees"


def test_at_most_50_files_of_a_folder_are_read(tmp_path):
    for i in range(51):
        (tmp_path / f"{i:02d}.toml").write_text("not = [toml", encoding="utf-8")
    found = rules.problems(date(2026, 12, 8), tmp_path)
    assert len(found) == 51 and found[-1].startswith("no rules file in")
    assert found[-2].startswith("49.toml is not valid TOML")
