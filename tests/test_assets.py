"""The bundled content: sample catalog, questionnaire, icons and translations."""
import datetime as dt
import gettext
import importlib.util
import json
import re
import string
import subprocess
import sys
from collections import Counter

import pytest
from babel.messages.pofile import read_po
from PIL import Image

from kiosk import paths, vocab
from kiosk.guidance import questionnaire
from kiosk.guidance.answers import ANSWERS, LANGUAGE_CODE, NUMBER, ONE_OF, SPECS

TODAY = "2026-11-28"
# the keys of the first questionnaire, in its order; later ones come from the description
FIRST_KEYS = ["goal", "dutch_level", "diploma", "status", "needs", "times", "formats",
              "postcode"]
LANGUAGES = ["en", "fr", "ar", "uk"]
SCRIPTS = paths.ROOT / "scripts"


@pytest.fixture(scope="module")
def feed():
    return json.loads(paths.SAMPLE_CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def questions():
    return json.loads(paths.QUESTIONNAIRE.read_text(encoding="utf-8"))["questions"]


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- sample catalog -------------------------------------------------------------------

def test_feed_header(feed):
    assert feed["format"] == "leerwinkel-catalog"
    assert feed["version"] == 1
    dt.datetime.fromisoformat(feed["generated_at"].replace("Z", "+00:00"))
    assert feed["publisher"]


def test_providers_cover_every_type(feed):
    providers = feed["providers"]
    ids = [p["id"] for p in providers]
    assert len(ids) == len(set(ids)) >= 10
    # every type but the old word cbe, which a feed may still use for a Ligo centre
    assert {p["type"] for p in providers} == set(vocab.PROVIDER_TYPES) - {"cbe"}
    assert all(p["name"] for p in providers)
    # every provider offers something
    assert {c["provider"] for c in feed["courses"]} == set(ids)


def check_course(course, provider_ids):
    """The contract's rules for one course record (docs/feed.md)."""
    assert isinstance(course["id"], str) and course["id"]
    assert course["provider"] in provider_ids
    assert isinstance(course["title"]["nl"], str) and course["title"]["nl"].strip()
    assert course["goals"] and set(course["goals"]) <= set(vocab.GOALS)
    assert course["format"] in vocab.FORMATS
    assert set(course["times"]) <= set(vocab.TIMES)
    assert len(course["times"]) == len(set(course["times"]))
    if not course["times"]:
        assert course["format"] == "afstand"
    assert re.fullmatch(r"[1-9]\d{3}", course["location"]["postcode"])
    assert course.get("start_dates") or course.get("flexible_start") is True
    assert course.get("kind", "course") in vocab.KINDS
    if "dutch_levels" in course:
        levels = course["dutch_levels"]
        assert vocab.rank(vocab.DUTCH_LEVELS, levels["from"]) \
            < vocab.rank(vocab.DUTCH_LEVELS, levels["to"])
    for day in course.get("start_dates", []):
        dt.date.fromisoformat(day)
    assert course.get("outcome", "geen") in vocab.OUTCOMES
    req = course.get("requires", {})
    assert req.get("dutch_level", "geen") in vocab.DUTCH_LEVELS
    assert req.get("diploma", "geen") in vocab.DIPLOMAS
    cost = course.get("cost", {})
    assert set(cost.get("free_for", [])) | set(cost.get("reduced_for", [])) <= set(vocab.STATUSES)
    assert cost.get("eur", 0) >= 0
    loc = course["location"]
    if "lat" in loc:
        assert 50.6 < loc["lat"] < 51.6 and 2.5 < loc["lon"] < 6.0  # Flanders and Brussels
    assert course["summary"]["nl"].strip()


def test_every_course_meets_the_contract(feed):
    provider_ids = {p["id"] for p in feed["providers"]}
    ids = [c["id"] for c in feed["courses"]]
    assert len(ids) == len(set(ids))
    for course in feed["courses"]:
        check_course(course, provider_ids)


def test_contract_check_catches_a_broken_course(feed):
    provider_ids = {p["id"] for p in feed["providers"]}
    broken = dict(feed["courses"][0], times=[], format="klassikaal")
    with pytest.raises(AssertionError):
        check_course(broken, provider_ids)


def test_catalog_variety(feed):
    courses = feed["courses"]
    assert len(courses) >= 64
    assert len({c["location"]["city"] for c in courses}) >= 7
    goals = Counter(g for c in courses for g in c["goals"])
    assert all(goals[g] >= 5 for g in vocab.GOALS), goals
    assert Counter(c["format"] for c in courses).keys() == set(vocab.FORMATS)
    assert any(len(c["times"]) == 2 for c in courses)
    assert any(not c["times"] for c in courses)
    assert {t for c in courses for t in c["times"]} == set(vocab.TIMES)
    assert sum("lat" not in c["location"] for c in courses) >= 3
    assert sum("lat" in c["location"] for c in courses) > len(courses) / 2
    assert any(len(c.get("title", {})) >= 3 for c in courses)
    # costs: free, a provider's own price, a price free for a group, fees the rules
    # compute (docs/rules.md: CVO and Ligo courses give lesson periods and no price of
    # their own), opleidingscheques, opleidingsverlof
    costs = [c.get("cost", {}) for c in courses]
    assert any(k.get("eur") == 0 for k in costs)
    assert any(k.get("eur", 0) > 0 for k in costs)
    assert any(k.get("free_for") for k in costs)
    ruled = [c for c in courses if c["provider"].startswith(("cvo-", "cbe-", "ligo-"))
             and not c.get("kind")]
    assert ruled and all(c.get("lesson_periods") and c.get("study_area") for c in ruled)
    assert not any(set(c.get("cost", {})) - {"opleidingscheques", "opleidingsverlof"}
                   for c in ruled)
    assert any(k.get("opleidingscheques") for k in costs)
    assert any(k.get("opleidingsverlof") for k in costs)
    assert any(c.get("requires", {}).get("diploma") == "secundair"
               for c in courses if "hoger-onderwijs" in c["goals"])


def test_catalog_start_dates_around_today(feed):
    courses = feed["courses"]
    past_only = [c for c in courses if not c["flexible_start"]
                 and max(c["start_dates"]) < TODAY]
    upcoming = [c for c in courses
                if any("2026-12-01" <= d <= "2027-09-30" for d in c.get("start_dates", []))]
    flexible = [c for c in courses if c["flexible_start"]]
    assert len(past_only) >= 3
    assert len(upcoming) >= 40
    assert len(flexible) >= 3


# ---- questionnaire --------------------------------------------------------------------

ALLOWED = {spec.key: set(spec.values) | ({None} if spec.kind == ONE_OF else set())
           for spec in ANSWERS}
ALLOWED["goal"] -= {None}                     # the first question always has an answer


def test_one_question_per_answer_key(questions):
    ids = [q["id"] for q in questions]
    assert [i for i in ids if i in FIRST_KEYS] == FIRST_KEYS
    # the distance is not asked (a visit stays short): courses near the postcode come
    # first, and `kiosk match` and links still carry it
    assert sorted(ids) == sorted(s.key for s in ANSWERS
                                 if s.kind not in (LANGUAGE_CODE, NUMBER))


def test_options_use_the_vocabulary(questions):
    for q in questions:
        values = [o["value"] for o in q["options"]]
        assert len(values) == len(set(values)), q["id"]
        # every value of the vocabulary can be answered, and nothing else
        assert set(values) == ALLOWED[q["id"]], q["id"]
        assert q["kind"] in ("choice", "multi", "postcode")
        assert set(q["skip_for_goals"]) <= set(vocab.GOALS) | {vocab.GOAL_UNSURE}
    by_id = {q["id"]: q for q in questions}
    assert by_id["times"]["kind"] == by_id["formats"]["kind"] == "multi"
    assert by_id["status"]["kind"] == by_id["needs"]["kind"] == "multi"
    assert by_id["status"]["none_label"] and by_id["needs"]["none_label"]
    assert by_id["times"]["none_label"] == "Maakt niet uit"
    assert by_id["postcode"]["kind"] == "postcode" and by_id["postcode"]["skip_label"]
    assert SPECS["max_distance_km"].kind == NUMBER


def test_questions_are_short_and_few(questions):
    for goal in list(vocab.GOALS) + [vocab.GOAL_UNSURE]:
        brought = [q for q in questionnaire.load() if q.for_goal(goal)]
        assert len(brought) <= questionnaire.MAX_QUESTIONS, goal
    for q in questions:
        assert q["title"].endswith("?") and q["hint"]
        for option in q["options"]:
            assert 0 < len(option["label"]) <= 32, option["label"]  # about 30


def test_every_icon_exists_and_is_transparent(questions):
    icons = {o["icon"] for q in questions for o in q["options"]}
    icons |= {q["icon"] for q in questions}          # every question has its pictogram
    icons |= {"back.png", "home.png", "speaker.png", "language.png", "appointment.png", "phone.png",
              "check.png", "star.png", "star-outline.png", "marked.png"}
    for name in sorted(icons):
        path = paths.ASSETS / "icons" / name
        assert path.exists(), name
        with Image.open(path) as img:
            assert img.size == (256, 256), name
            rgba = img.convert("RGBA")
            assert rgba.getpixel((0, 0))[3] == 0, f"{name} has no transparent corner"
            assert rgba.getbbox() is not None, f"{name} is empty"
        assert path.stat().st_size < 40_000, name


# ---- translations ---------------------------------------------------------------------

def test_translation_files_are_up_to_date():
    result = subprocess.run([sys.executable, str(SCRIPTS / "update_translations.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def placeholders(text):
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang):
    po = paths.LOCALES / lang / "LC_MESSAGES" / "kiosk.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    messages = [m for m in catalog if m.id]
    assert messages
    for m in messages:
        assert not m.fuzzy, m.id
        if isinstance(m.id, tuple):          # plural forms: each may say the count in words
            assert len(m.string) == catalog.num_plurals, f"{lang}: {m.id!r}"
            for form in m.string:
                assert form.strip(), f"{lang}: no translation for {m.id!r}"
                assert set(placeholders(form)) <= set(placeholders(m.id[1])), f"{lang}: {m.id!r}"
            continue
        assert m.string and m.string.strip(), f"{lang}: no translation for {m.id!r}"
        assert placeholders(m.string) == placeholders(m.id), f"{lang}: {m.id!r}"


def test_questionnaire_texts_show_translated(questions):
    from kiosk.text.i18n import gettext_for
    title = questions[0]["title"]
    for lang in LANGUAGES:
        assert gettext_for(lang)(title) not in ("", title)
    assert gettext_for("nl")(title) == title


def test_update_finds_new_texts_and_check_sees_them(tmp_path):
    tool = load_script("update_translations")
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "screens").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "kiosk" / "a.py").write_text('_ = str\nN_ = str\nX = [_("Hallo"), N_("Tot ziens")]\n')
    (tmp_path / "screens" / "b.kv").write_text("Label:\n    text: _('Ga terug') + _(\"Zeg \\\"ja\\\"\")\n")
    (tmp_path / "assets" / "questionnaire.json").write_text(json.dumps({"questions": [
        {"id": "goal", "title": "Vraag?", "hint": "Tip.", "none_label": "Maakt niet uit",
         "options": [{"value": "x", "label": "Keuze"}]}]}))
    stale = tool.update(tmp_path, languages=["fr"])
    assert len(stale) == 3  # .pot, .po, .mo
    with (tmp_path / "assets/locales/kiosk.pot").open("rb") as fh:
        ids = {m.id for m in read_po(fh) if m.id}
    assert ids == {"Hallo", "Tot ziens", "Ga terug", 'Zeg "ja"', "Vraag?", "Tip.",
                   "Maakt niet uit", "Keuze"}
    assert tool.update(tmp_path, languages=["fr"], check=True) == []

    # a translation survives a new text being added; check mode reports and changes nothing
    po = tmp_path / "assets/locales/fr/LC_MESSAGES/kiosk.po"
    po.write_text(po.read_text().replace('msgid "Hallo"\nmsgstr ""', 'msgid "Hallo"\nmsgstr "Bonjour"'))
    (tmp_path / "kiosk" / "c.py").write_text('_ = str\nY = _("Nieuw")\n')
    before = po.read_bytes()
    stale = tool.update(tmp_path, languages=["fr"], check=True)
    assert {p.name for p in stale} == {"kiosk.pot", "kiosk.po", "kiosk.mo"}
    assert po.read_bytes() == before
    tool.update(tmp_path, languages=["fr"])
    assert 'msgstr "Bonjour"' in po.read_text()
    assert 'msgid "Nieuw"' in po.read_text()
    assert set(tool.untranslated(tmp_path, languages=["fr"])["fr"]) == (ids - {"Hallo"}) | {"Nieuw"}
    with (tmp_path / "assets/locales/fr/LC_MESSAGES/kiosk.mo").open("rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Hallo") == "Bonjour"


def test_check_mode_exit_code_on_stale_tree(tmp_path):
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "kiosk" / "a.py").write_text('_ = str\nX = _("Hallo")\n')
    cmd = [sys.executable, str(SCRIPTS / "update_translations.py"), "--root", str(tmp_path), "--check"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 1
    assert "out of date" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "assets").exists()


# emoji whose picture prints words (a month name, a date) in one language only
WORDED_EMOJI = "📅📆🗓🆓🆕🆗🔜"


def test_no_icon_is_drawn_from_an_emoji_that_prints_words():
    spec = importlib.util.spec_from_file_location("make_icons", paths.ROOT / "scripts" / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    pictures = "".join(main + (badge or "") for main, badge in make_icons.ICONS.values())
    assert not set(pictures) & set(WORDED_EMOJI)
    assert (paths.ASSETS / "icons" / "appointment.png").exists()
