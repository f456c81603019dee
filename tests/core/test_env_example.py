import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented_in_env_example():
    read = set()
    for path in (ROOT / "src" / "rathaus").rglob("*.py"):
        read |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', path.read_text()))
        read |= set(
            re.findall(r'os\.environ\.get\(\s*"((?:RATHAUS|DATABASE)_[A-Z_]+)"', path.read_text())
        )
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert "DATABASE_URL" in read
    assert read - documented == set(), "add these to .env.example with a comment"
