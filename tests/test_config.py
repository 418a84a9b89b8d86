import tomllib
from pathlib import Path

import pytest

from kiosk.site import config

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_a_file(monkeypatch):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    cfg = config.load()
    assert cfg.idle.timeout_s == 60 and cfg.catalog.source == "" and cfg.path is None


def test_example_file_documents_every_key_with_its_default():
    example = tomllib.loads((ROOT / "docs" / "config.example.toml").read_text(encoding="utf-8"))
    defaults = config.Config()
    for section, table in example.items():
        for key, value in table.items():
            assert getattr(getattr(defaults, section), key) == value, f"{section}.{key}"
    for section in ("site", "booking", "idle", "catalog", "staff"):
        documented = set(example[section])
        actual = set(vars(getattr(defaults, section)))
        assert documented == actual, f"[{section}] keys differ: {documented ^ actual}"


def test_kiosk_config_env_selects_the_file(tmp_path, monkeypatch):
    path = tmp_path / "site.toml"
    path.write_text('[site]\nname = "Leerwinkel Antwerpen"\n[idle]\ntimeout_s = 90\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    cfg = config.load()
    assert cfg.site.name == "Leerwinkel Antwerpen" and cfg.idle.timeout_s == 90


@pytest.mark.parametrize("text, message", [
    ("[site]\nnaam = 1\n", "Unknown setting 'site.naam'"),
    ("[idle]\ntimeout_s = 'soon'\n", "must be a int"),
    ("[site\n", "not valid TOML"),
    ("[staff]\nlock_after_s = 86400\n", "'staff.lock_after_s' must be from 10 to 900"),
])
def test_bad_config_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "site.toml"
    path.write_text(text)
    with pytest.raises(config.ConfigError, match=message):
        config.load(path)


@pytest.mark.parametrize("raw, message", [
    (b"# " + b"x" * config.MAX_CONFIG_BYTES + b"\n", "larger than 1000 KB"),
    (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nests its values too deeply"),
    (b"[site]\nname = '\xff\xfe'\n", "not UTF-8 text"),
])
def test_a_hostile_config_file_is_refused_in_one_line(tmp_path, raw, message):
    path = tmp_path / "site.toml"
    path.write_bytes(raw)
    with pytest.raises(config.ConfigError, match=message) as refused:
        config.load(path)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 300


def test_a_config_folder_is_refused_not_a_traceback(tmp_path):
    with pytest.raises(config.ConfigError, match="cannot be read"):
        config.load(tmp_path)
