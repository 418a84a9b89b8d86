"""A receipt printer on 127.0.0.1 for the slip tests: a real TCP listener."""
import socket
import threading

from kiosk.booking import slip

ONLINE, PAPER_OK, PAPER_END, OFFLINE = 0x12, 0x12, 0x72, 0x1A


class FakePrinter:
    """A receipt printer on 127.0.0.1: answers DLE EOT status queries as `mode` says and
    keeps every byte it receives after them. mode "stall": accepts, never answers."""

    def __init__(self, mode="ok"):
        self.mode, self.received = mode, bytearray()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _answer(self, query: bytes) -> bytes:
        if query == slip.PAPER_QUERY:
            return bytes([PAPER_END if self.mode == "nopaper" else PAPER_OK])
        return bytes([OFFLINE if self.mode == "offline" else ONLINE])

    def _serve(self):
        conn, _ = self.server.accept()
        with conn:
            if self.mode == "stall":
                self.done.wait(30)
                return
            buffer, answering = b"", True
            while chunk := conn.recv(65536):
                buffer += chunk
                while answering and len(buffer) >= 3 and buffer[:2] == b"\x10\x04":
                    conn.sendall(self._answer(buffer[:3]))
                    buffer = buffer[3:]
                answering = answering and not buffer
                if not answering:
                    self.received += buffer
                    buffer = b""
        self.done.set()

    def close(self):
        self.done.set()
        self.server.close()
