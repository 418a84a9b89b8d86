"""The code keeps the project's style: ruff, configured in pyproject.toml, finds nothing."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is missing: scripts/setup --test installs it"
    done = subprocess.run([ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-1000:]


def test_no_module_has_more_than_400_lines():
    big = {str(p.relative_to(ROOT)): n for p in [*ROOT.glob("kiosk/**/*.py"), *ROOT.glob("screens/*.py")]
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert big == {}


def test_the_core_keeps_its_rooms():
    """At most 12 modules directly under kiosk/: the rest lives in its room (docs/architecture.md)."""
    top = sorted(p.name for p in (ROOT / "kiosk").glob("*.py"))
    assert len(top) <= 12, top
