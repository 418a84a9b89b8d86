"""The paper slip: rendered from the real ESC/POS byte stream a network printer receives
(a TCP listener on 127.0.0.1 acting as the printer), its QR code decoded, and the printer
faults (refused, out of paper, offline, silent, USB unplugged) giving a calm message."""
import socket

import pytest
import zxingcpp
from conftest import make_cfg
from escpos_render import render
from fake_printer import FakePrinter

from kiosk.booking import handoff, shortcode, slip
from kiosk.booking.reference import read_handoff

pytestmark = pytest.mark.timeout(60)
TITLES = ["Aanvullende algemene vorming (avond)", "Nederlands richtgraad 1"]


@pytest.fixture
def site():
    cfg = make_cfg()
    cfg.site.name, cfg.site.phone = "Leerwinkel Gent", "09 123 45 67"
    cfg.site.address, cfg.site.opening_hours = "Sint-Pietersnieuwstraat 1, 9000 Gent", "ma-vr 9-17 u"
    cfg.printer.kind, cfg.printer.host, cfg.printer.timeout_s = "network", "127.0.0.1", 1.0
    return cfg


def link(cfg):
    return handoff.booking_url(cfg, {"goal": "nederlands", "status": "inburgeraar",
                                     "language": "uk"}, ["cvo-gent-aav-avond-2027-02"])


def test_the_printer_receives_a_slip_whose_qr_code_and_typed_code_open_the_booking(site, tmp_path):
    printer = FakePrinter()
    site.printer.port = printer.port
    url = link(site)
    slip.print_slip(site, "nl", TITLES, url)
    assert printer.done.wait(10)
    paper, commands = render(bytes(printer.received))
    assert commands[0] == "init" and "raster" in commands and commands[-1] == "cut"
    assert paper.width == site.printer.width_dots
    paper.save(tmp_path / "slip.png")
    codes = zxingcpp.read_barcodes(paper.convert("L"))
    assert [c.text for c in codes] == [url]
    token = read_handoff(site, url).token
    assert shortcode.read(shortcode.spell(token).lower()) == token


@pytest.mark.parametrize("mode, message", [("nopaper", slip.PAPER_OUT),
                                           ("offline", slip.PRINTER_BROKEN),
                                           ("stall", slip.PRINTER_BROKEN)])
def test_a_printer_that_cannot_print_gives_a_calm_message(site, mode, message):
    printer = FakePrinter(mode)
    site.printer.port = printer.port
    try:
        with pytest.raises(slip.PrinterError) as failed:
            slip.print_slip(site, "nl", TITLES, link(site))
        assert failed.value.message == message
        assert mode != "stall" or "timed out" in str(failed.value)
        assert not printer.received                # nothing printed on a printer not ready
    finally:
        printer.close()


def test_a_printer_that_is_off_refuses_the_connection(site):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        site.printer.port = closed.getsockname()[1]
    with pytest.raises(slip.PrinterError) as failed:
        slip.print_slip(site, "nl", TITLES, link(site))
    assert failed.value.message == slip.PRINTER_BROKEN
    assert "refused" in str(failed.value).lower() or "could not open" in str(failed.value).lower()


def test_an_unplugged_usb_printer_gives_the_same_calm_message(site):
    site.printer.kind, site.printer.usb_vendor, site.printer.usb_product = "usb", 0xFFFE, 0xFFFD
    with pytest.raises(slip.PrinterError) as failed:
        slip.print_slip(site, "nl", TITLES, link(site))
    assert failed.value.message == slip.PRINTER_BROKEN


def test_without_a_printer_the_slip_is_not_offered(site):
    site.printer.kind = ""
    assert not slip.configured(site)
    with pytest.raises(slip.PrinterError):
        slip.send(site, b"\x1b@")


def test_the_slip_in_arabic_keeps_its_qr_code_readable(site):
    image = slip.render(site, "ar", ["دورة"], link(site))
    paper, _ = render(slip.escpos_bytes(image))
    assert [c.text for c in zxingcpp.read_barcodes(paper.convert("L"))] == [link(site)]
