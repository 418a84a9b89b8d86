"""Memory given back between visitors (kiosk/site/memory.py), measured on this process."""
from pathlib import Path

from kiosk.site import memory


def resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def test_release_gives_freed_heap_back_to_the_system():
    garbage = [bytearray(1000) for _ in range(100_000)]     # about 100 MB of small blocks
    del garbage                                             # freed, but kept by malloc
    before = resident_mb()
    assert memory.release() is True
    assert resident_mb() < before - 50
