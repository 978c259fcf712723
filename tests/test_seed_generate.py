"""The illustrative demo's generator: its committed files are what it generates, and every
published Kroc figure they are calibrated to is met (`generate.py --check`)."""
import subprocess
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seed_data"


def test_generated_demo_files_pass_every_check():
    result = subprocess.run([sys.executable, str(SEED / "generate.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "FAIL" not in result.stdout and "all checks passed" in result.stdout
