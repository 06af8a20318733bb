"""Fuzz the JSON API with schemathesis from /api/openapi.json, as a user and as an admin.

    .venv/bin/python -m tests.fuzz.api_fuzz [--max-examples N] [--database-url URL]

Builds a fresh database (a SQLite file by default) with a funded user holding an open
order and a held quote and an admin, both with API tokens; starts gunicorn; runs
schemathesis once per role (no 5xx, documented statuses and shapes, every 4xx a clear
JSON error naming its field); then runs `flask audit verify` on what the fuzzing left.
Prints the number of cases and exits non-zero on any failure.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from config import Config  # noqa: E402
from extensions import db  # noqa: E402
from tests.servers.gunicorn import served  # noqa: E402

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,"
CHECKS += "response_schema_conformance,errors_are_clear_json"


def seed(settings: dict) -> dict:
    """The fuzzers' accounts and rows; returns their API tokens by role."""
    from models import Admin, User
    from services import accounts, funds, holds, orders, tokens

    app = create_app(Config, {**settings, "WORKER_ENABLED": False, "RISK_PRICE_BAND_PERCENT": 0})
    with app.app_context():
        upgrade()
        user = accounts.register_user("fuzzer", "fuzzer@example.com", "fuzz-pass-2026")
        admin = accounts.create_admin("fuzzadmin", "fuzz-admin-2026")
        request = funds.request_deposit(user, "50000.00")
        funds.approve(db.session.get(Admin, admin.admin_id), request.transaction_id)
        user = db.session.get(User, user.user_id)
        spec = orders.OrderSpec("AAPL", "buy", "limit", quantity=1, limit=Decimal("1.00"))
        orders.place(user, spec)
        holds.hold(user, "AAPL", "buy", 1, None)
        funds.request_deposit(user, "10.00")
        found = {
            "user": tokens.create_token(user, "fuzz")[1],
            "admin": tokens.create_token(db.session.get(Admin, admin.admin_id), "fuzz")[1],
        }
        db.session.remove()
    return found


def fuzz(url: str, role: str, token: str, examples: int) -> tuple[bool, int]:
    """One schemathesis run; returns (passed, cases run)."""
    command = [
        str(ROOT / ".venv/bin/schemathesis"),
        "run",
        f"{url}/api/openapi.json",
        "--checks",
        CHECKS,
        "--include-tag-regex",
        f"^({role}|any)$",
        "-H",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(examples),
        "--seed",
        "2026",
        "--no-color",
        "--workers",
        "2",
        "--max-redirects",
        "0",
        "--generation-database",
        "none",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    log = ROOT / "tests" / "artifacts" / f"fuzz-{role}.txt"
    log.parent.mkdir(exist_ok=True)
    log.write_text(result.stdout + result.stderr)
    print(result.stdout[-3000:])
    cases = sum(int(n) for n in re.findall(r"(\d+) generated", result.stdout))
    return result.returncode == 0, cases


def verify(settings: dict) -> bool:
    from services.verify import report

    app = create_app(Config, {**settings, "WORKER_ENABLED": False})
    with app.app_context():
        result = report()
    for problem in result.problems:
        print(f"FAIL {problem}")
    return result.ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--database-url", default=os.environ.get("FUZZ_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/fuzz.db"
        settings = {"SQLALCHEMY_DATABASE_URI": url, "LOG_DIR": tmp}
        found = seed(settings)
        results = {}
        with served(settings, threads=4, workers=2, conf=True) as s:
            for role in ("user", "admin"):
                results[role] = fuzz(s.url, role, found[role], args.max_examples)
        books = verify(settings)
    for role, (passed, cases) in results.items():
        print(f"fuzz as {role}: {cases} cases, {'passed' if passed else 'FAILED'}")
    print(f"audit verify after fuzzing: {'OK' if books else 'FAILED'}")
    return 0 if books and all(passed for passed, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
