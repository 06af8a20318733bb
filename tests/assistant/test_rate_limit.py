"""The per-user rate limit holds under concurrent questions (one row lock per user)."""

import threading

from services.assistant import limits
from services.errors import Throttled


def test_concurrent_questions_never_exceed_the_limit(app, make_user):
    user_id = make_user("racer")
    other_id = make_user("calm")
    app.config.update(ASSISTANT_RATE_LIMIT=5, ASSISTANT_RATE_WINDOW=600)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def ask():
        with app.app_context():
            barrier.wait()
            try:
                limits.take(user_id)
                result = "ok"
            except Throttled as exc:
                result = f"429 after {exc.retry_after}"
            except Exception as exc:
                result = repr(exc)
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("ok") == 5 and len(outcomes) == 8
    assert all(o.startswith("429 after ") for o in outcomes if o != "ok")
    with app.app_context():
        limits.take(other_id)  # another user's window is their own
        usage = {r["user_name"]: r["messages"] for r in limits.usage_by_user()}
    assert usage == {"racer": 5, "calm": 1}
