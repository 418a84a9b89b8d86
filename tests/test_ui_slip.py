"""The booking screen's "Print" button in the real app: offered only with a printer; a
slip reaches the printer (a TCP listener on 127.0.0.1) with the screen's QR code; a printer
that stalls gives a calm message and the visit goes on."""
import pytest
import zxingcpp
from conftest import visit_steps
from escpos_render import render
from fake_printer import FakePrinter

from kiosk.booking import slip

pytestmark = pytest.mark.timeout(300)
ANSWERS = {"goal": "diploma-secundair", "dutch_level": "B1", "diploma": "secundair-onvolledig",
           "status": "werkzoekend", "needs": None, "times": ["avond"], "formats": None,
           "postcode": "9000", "max_distance_km": 20}


def site_config(tmp_path, printer=None):
    conf = tmp_path / "site.toml"
    text = ('[site]\nname = "Leerwinkel Gent"\nphone = "09 123 45 67"\n'
            'address = "Sint-Pietersnieuwstraat 1, 9000 Gent"\n'
            '[booking]\nsecret = "ui-slip-secret-0123456789-abcdefghijk"\n')
    if printer:
        text += f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {printer.port}\n' \
                'timeout_s = 2.0\n'
    conf.write_text(text, encoding="utf-8")
    return conf


def visit(print_it: bool):
    steps = [["start"], *visit_steps(ANSWERS), ["mark", 0], ["booking"]]
    if print_it:
        steps += [["tap", slip.PRINT_BUTTON], ["shot", "printed"]]   # the slip's thread ends first
    return steps


def test_the_slip_is_printed_with_the_screens_qr_code(run_visit, tmp_path):
    printer = FakePrinter()
    record = run_visit(visit(True), config=site_config(tmp_path, printer))
    assert record["slip"] == {"offered": True, "message": "Neem je briefje mee."}
    assert printer.done.wait(10)
    paper, _ = render(bytes(printer.received))
    assert [c.text for c in zxingcpp.read_barcodes(paper.convert("L"))] == [record["booking_url"]]


@pytest.mark.parametrize("size", ["1080x1920", "1280x800"])
def test_a_stalled_printer_says_so_calmly_and_the_visit_goes_on(run_visit, tmp_path, size):
    printer = FakePrinter("stall")
    try:
        record = run_visit(visit(True) + [["tap", "Klaar"]], size=size,
                           config=site_config(tmp_path, printer))
    finally:
        printer.close()
    assert record["slip"]["message"].startswith("De printer werkt nu niet")
    assert record["screens"][-1] == "welcome"


def test_without_a_printer_there_is_no_print_button(run_visit, tmp_path):
    record = run_visit(visit(False), config=site_config(tmp_path))
    assert record["slip"] == {"offered": False, "message": ""}
