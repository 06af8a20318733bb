"""Run one quote commit and SIGKILL this process right after the fill is written.

Usage: python -m tests.crash.commit_child DATABASE_URL LOG_DIR USER_ID HOLD_ID
The kill lands inside the commit, after the order, its fill, ledger and audit rows
reached the database and before the COMMIT, which is where a worker dies under load.
"""

import os
import signal
import sys

from app import create_app
from config import TestConfig
from extensions import db
from models import User
from services import holds, rows


def main(url: str, log_dir: str, user_id: int, hold_id: int) -> None:
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "LOG_DIR": log_dir})
    real_flush = rows.Pending.flush

    def write_then_die(self, session, at_commit=False):
        real_flush(self, session)  # every row of the commit is now sent (not held for the
        # COMMIT), none committed
        session.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    rows.Pending.flush = write_then_die
    with app.app_context():
        holds.commit(db.session.get(User, user_id), hold_id)
    sys.exit(3)  # not reached: the commit kills the process


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
