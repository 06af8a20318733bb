"""Tumbling windows on a known event stream: alignment, grace, late events, minutes."""

from services.activity.store import Activity, merge
from utils.streams.windows import TumblingWindows, shape


def _placed(side="buy", kind="market", ticker="AAPL", user=1):
    return {"side": side, "kind": kind, "ticker": ticker, "user_id": user}


def _fill(value, ticker="AAPL", user=1):
    return {"ticker": ticker, "user_id": user, "value": str(value)}


def test_windows_align_to_multiples_of_the_width():
    w = TumblingWindows(width=5, grace=0)
    w.add(1003.0, "order.placed", _placed())
    w.add(1004.999, "order.placed", _placed("sell", "limit"))
    w.add(1005.0, "order.placed", _placed())  # the boundary starts the next window
    closed = [shape(x, 5) for x in w.advance(1010.0)]
    assert [c["start"] for c in closed] == [1000, 1005]
    assert closed[0]["orders_by_kind"] == {"buy market": 1, "sell limit": 1}
    assert closed[1]["orders"] == 1


def test_counts_fills_value_rejects_and_the_most_active():
    w = TumblingWindows(width=5, grace=0)
    events = [
        ("order.placed", _placed(ticker="AAPL", user=1)),
        ("order.filled", _fill("1000.50", "AAPL", 1)),
        ("order.filled", _fill("200", "MSFT", 2)),
        ("order.filled", _fill("99.50", "AAPL", 1)),
        ("order.rejected", {"ticker": "KO", "user_id": 3}),
        ("order.closed", {"ticker": "KO", "user_id": 3, "status": "cancelled"}),
    ]
    for i, (kind, payload) in enumerate(events):
        w.add(100.0 + i * 0.1, kind, payload)
    (window,) = [shape(x, 5) for x in w.advance(106)]
    assert window["fills"] == 3 and window["rejects"] == 1 and window["cancels"] == 1
    assert window["traded_value"] == {"AAPL": 1100.0, "MSFT": 200.0}
    assert window["top_tickers"][0] == ["AAPL", 3]
    assert window["top_users"][0] == ["1", 3]


def test_late_events_within_the_grace_go_to_their_own_window_later_ones_are_late():
    w = TumblingWindows(width=5, grace=2)
    w.add(1001.0, "order.placed", _placed())
    w.add(1006.0, "order.placed", _placed())  # watermark 1006: window 1000 open until 1007
    w.add(1004.0, "order.placed", _placed())  # late but within the grace: counted in 1000
    w.add(1008.0, "order.placed", _placed())  # watermark 1008: window 1000 is past its grace
    w.add(1003.0, "order.placed", _placed())  # too late: counted as late
    closed = {c["start"]: c for c in (shape(x, 5) for x in w.advance(1013.0))}
    assert closed[1000]["orders"] == 2 and closed[1000]["late"] == 0
    assert closed[1005]["orders"] == 2 and closed[1005]["late"] == 1
    assert w.late_total == 1


def test_windows_close_only_after_the_grace_even_without_events():
    w = TumblingWindows(width=5, grace=2)
    w.add(1001.0, "order.placed", _placed())
    assert w.advance(1006.9) == []
    assert [x["start"] for x in w.advance(1007.0)] == [1000]


def test_minutes_are_summarised_once_every_window_of_the_minute_closed():
    activity = Activity(width=5, grace=0)
    for t in range(60, 130):  # one order a second from 60 to 129
        activity.add([{"type": "order.placed", "at": float(t), "payload": _placed()}])
    activity.advance(125.0)
    (minute,) = activity.minutes_to_store()
    assert minute["start"] == 60 and minute["seconds"] == 60 and minute["orders"] == 60
    assert merge(list(activity.windows.closed), 60, 5)[0]["orders"] == 60


def test_a_minute_is_stored_once_time_passes_it_even_with_no_event_after():
    activity = Activity(width=5, grace=2)
    activity.add([{"type": "order.placed", "at": 610.0, "payload": _placed()}])  # 600-660
    activity.advance(661.0)  # the last window of the minute is not final until 662
    assert activity.minutes_to_store() == []
    activity.advance(662.0)  # the market went quiet: no later event
    (minute,) = activity.minutes_to_store()
    assert minute["start"] == 600 and minute["orders"] == 1


def test_merged_windows_start_at_or_after_since_and_are_whole():
    activity = Activity(width=5, grace=0)
    for t in range(60, 180):  # one order a second from 60 to 179
        activity.add([{"type": "order.placed", "at": float(t), "payload": _placed()}])
    activity.advance(300.0)
    merged = activity.windows_since(90.0, 60)  # the minute from 60 began before ``since``
    assert [(w["start"], w["orders"]) for w in merged] == [(120, 60)]
    assert [w["start"] for w in activity.windows_since(90.0, 5)][:2] == [90, 95]
