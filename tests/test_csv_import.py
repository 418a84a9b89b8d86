"""The spreadsheet route: CSV template -> feed v1, with the same checks as a refresh."""
import json

import pytest
from conftest import HEADER, good_row, write_csv

from kiosk import paths
from kiosk.catalog import convert_csv as csv_import
from kiosk.catalog import pipeline
from kiosk.cli import main as cli

TEMPLATE = paths.ASSETS / "catalog-template.csv"


def test_template_converts_and_loads(cfg, cache, tmp_path):
    doc, report = csv_import.csv_to_feed(TEMPLATE, "Leerwinkel Test")
    assert report.ok and report.rejected == [] and report.loaded >= 3
    assert doc["format"] == "leerwinkel-catalog" and doc["version"] == 1
    assert doc["publisher"] == "Leerwinkel Test"
    out = tmp_path / "feed.json"
    csv_import.write_feed(doc, out)
    loaded = pipeline.refresh(cfg, source=str(out), cache_dir=cache)
    assert loaded.ok and loaded.loaded == report.loaded and loaded.rejected == []


def test_template_documents_every_column():
    header = TEMPLATE.read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    documented = (paths.ROOT / "docs" / "feed.md").read_text(encoding="utf-8")
    for column in header:
        assert f"`{column}`" in documented, column
    assert set(csv_import.REQUIRED) <= set(header)


@pytest.mark.parametrize("sep, bom", [(";", False), (";", True), (",", False), (",", True)])
def test_delimiters_and_bom(tmp_path, sep, bom):
    path = write_csv(tmp_path / "in.csv", [good_row(1, sep), good_row(2, sep)], bom=bom, sep=sep)
    doc, report = csv_import.csv_to_feed(path, "P")
    assert report.ok and report.loaded == 2
    c = doc["courses"][0]
    assert c["id"] == "c-1" and c["title"] == {"nl": "Cursus 1", "fr": "Cours 1"}
    assert c["goals"] == ["nederlands", "digitaal"] and c["times"] == ["avond", "weekend"]
    assert c["start_dates"] == ["2027-02-01", "2027-09-01"] and c["flexible_start"] is False
    assert c["cost"] == {"eur": 180.5}
    assert c["location"] == {"postcode": "9000", "lat": 51.05, "lon": 3.72}
    assert c["accessibility"] == {"wheelchair": True}
    assert c["requires"] == {"dutch_level": "A2"}
    assert doc["providers"] == [{"id": "cvo-x", "name": "CVO X", "type": "cvo"}]


def test_bad_rows_listed_with_row_and_reason(tmp_path):
    rows = [good_row(i) for i in range(10)]
    rows[3] = rows[3].replace("180,50", "gratis")
    rows[5] = rows[5].replace("avond|weekend", "")
    path = write_csv(tmp_path / "in.csv", rows)
    doc, report = csv_import.csv_to_feed(path, "P")
    assert report.ok and report.loaded == 8 and len(doc["courses"]) == 8
    assert report.rejected[0] == ("c-3 (row 5)", "cost_eur 'gratis' is not a number")
    assert report.rejected[1][0] == "c-5 (row 7)" and "only 'afstand'" in report.rejected[1][1]


def test_too_many_bad_rows_writes_nothing(cfg, tmp_path, capsys):
    rows = [good_row(i) for i in range(10)]
    for i in (1, 2, 3):
        rows[i] = rows[i].replace(";klassikaal;", ";hybride;")
    path = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "feed.json"
    args = ["catalog", "import-csv", str(path), "--out", str(out)]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "3 of 10" in err and "no feed was written" in err and "c-1 (row 3)" in err
    assert not out.exists()


def test_cli_writes_feed_with_publisher(tmp_path, capsys):
    path = write_csv(tmp_path / "in.csv", [good_row(1), "", ";;;", good_row(2)])
    out = tmp_path / "feed.json"
    assert cli.main(["catalog", "import-csv", str(path), "--out", str(out),
                     "--publisher", "Leerwinkel Aalst"]) == 0
    assert "Converted 2 courses from 1 providers" in capsys.readouterr().out
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["publisher"] == "Leerwinkel Aalst" and len(doc["courses"]) == 2


@pytest.mark.parametrize("content, words", [
    (None, "does not exist"),
    (b"", "empty"),
    (b"id;titel\r\nx;y\r\n", "missing the column(s): provider_id"),
    ((HEADER + "\r\n" + good_row(1)).encode("cp1252").replace(b"Cursus", b"Cursus \xe9"),
     "not UTF-8"),
    ((HEADER + ";goals\r\n").encode(), "more than once"),
    ((HEADER + "\r\n").encode(), "no course rows"),
])
def test_unusable_files_give_one_line(tmp_path, capsys, content, words):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)
    assert cli.main(["catalog", "import-csv", str(path), "--out", str(tmp_path / "o.json")]) == 1
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "o.json").exists()


def test_extra_cells_and_unknown_columns(tmp_path):
    rows = [good_row(i) for i in range(10)]
    rows[0] += ";stray"
    path = write_csv(tmp_path / "in.csv", rows)
    text = path.read_text().replace("dutch_level", "dutch_level;notes", 1)
    rows_fixed = text.splitlines()
    rows_fixed = [rows_fixed[0]] + [r + ";" if i else r for i, r in enumerate(rows_fixed[1:], 1)]
    path.write_text("\r\n".join(rows_fixed) + "\r\n")
    doc, report = csv_import.csv_to_feed(path, "P")
    assert any("notes" in n for n in report.notes)
    assert report.loaded == 10        # 'stray' sits in the notes column now
    bad = write_csv(tmp_path / "bad.csv", [good_row(0) + ";x;y", *[good_row(i) for i in range(1, 10)]])
    doc, report = csv_import.csv_to_feed(bad, "P")
    assert report.rejected[0][0] == "c-0 (row 2)" and "more cells" in report.rejected[0][1]


def test_flexible_distance_course_and_bad_provider(tmp_path):
    rows = [good_row(i) for i in range(10)]
    rows[0] = "c-0;cvo-x;CVO X;cvo;Online;;talen;afstand;;;ja;;9000;;;;"
    rows[1] = rows[1].replace("cvo-x;CVO X;cvo", "bank-y;Bank Y;bank")
    path = write_csv(tmp_path / "in.csv", rows)
    doc, report = csv_import.csv_to_feed(path, "P")
    online = doc["courses"][0]
    assert online["times"] == [] and online["flexible_start"] is True
    assert online["start_dates"] == []
    assert report.rejected == [("c-1 (row 3)", "provider bank-y: type 'bank' is unknown "
                                "(allowed: cvo, cbe, vdab, syntra, hoger-onderwijs, ligo, andere)")]
    assert [p["id"] for p in doc["providers"]] == ["cvo-x"]


def test_routes_and_dutch_levels_come_from_their_columns(cfg, cache, tmp_path):
    header = ("id;provider_id;provider_name;title_nl;goals;format;times;flexible_start;"
              "postcode;kind;dutch_from;dutch_to")
    rows = ["intake-gent;ag-i;Agentschap I;Intake Nederlands;nederlands;klassikaal;dag;ja;"
            "9000;Intake;geen;b2",
            "nt2-a1;cvo-x;CVO X;Nederlands 1;nederlands;klassikaal;avond;ja;9000;;geen;a1"]
    path = tmp_path / "routes.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    doc, report = csv_import.csv_to_feed(path, "Leerwinkel Test")
    assert report.rejected == []
    intake, course = doc["courses"]
    assert intake["kind"] == "intake" and intake["dutch_levels"] == {"from": "geen", "to": "B2"}
    assert "kind" not in course and course["dutch_levels"] == {"from": "geen", "to": "A1"}
    out = tmp_path / "feed.json"
    csv_import.write_feed(doc, out)
    assert pipeline.refresh(cfg, source=str(out), cache_dir=cache).loaded == 2


def test_what_decides_the_route_comes_from_its_columns(cfg, cache, tmp_path):
    header = ("id;provider_id;provider_name;title_nl;goals;format;times;flexible_start;"
              "postcode;kind;sectors;teaches_language;skills;literacy;min_age;max_age;"
              "experience_years")
    rows = ["duaal;ov;Onderwijs;Duaal leren;beroep;combinatie;dag;ja;1000;youth-route;"
            "Zorg|bouw;;;;15;24;",
            "evc-kok;sy;Syntra;EVC kok;beroep;klassikaal;dag;ja;8000;recognition-experience;"
            "horeca;;;geletterd;;;2",
            "engels;cvo-x;CVO X;Engels 1;talen;klassikaal;avond;ja;9000;;;EN;;;;;",
            "old;cvo-x;CVO X;Rekenen;basisvaardigheden;klassikaal;avond;ja;9000;;;;rekenen;;;;"]
    path = tmp_path / "routes.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    doc, report = csv_import.csv_to_feed(path, "Leerwinkel Test")
    assert report.rejected == []
    duaal, evc, english, old = doc["courses"]
    assert duaal["sectors"] == ["zorg", "bouw"] and duaal["requires"] == {"min_age": 15,
                                                                         "max_age": 24}
    assert evc["requires"] == {"experience_years": 2} and evc["literacy"] == "geletterd"
    assert english["teaches_language"] == "en" and old["skills"] == ["rekenen"]
    assert "sectors" not in old and "literacy" not in old      # empty cells: not said
    out = tmp_path / "feed.json"
    csv_import.write_feed(doc, out)
    assert pipeline.refresh(cfg, source=str(out), cache_dir=cache).loaded == 4
