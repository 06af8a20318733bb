"""Automatic trading rules: the page, each rule's decisions and trades, and the JSON API."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from routes.helpers import client_ip, form_post, json_body
from routes.user import bp
from services.analysis.backtest import costs as analysis_costs
from services.rules import backtest, store
from utils.formatting import iso

FIELDS = (
    "ticker",
    "window_seconds",
    "buy_below_pct",
    "sell_above_pct",
    "quantity",
    "amount",
    "max_position",
    "max_trades_per_day",
    "cooldown_seconds",
)


def rule_json(rule) -> dict:
    """A rule for the API."""
    data = {name: getattr(rule, name) for name in FIELDS}
    data |= {
        "rule_id": rule.rule_id,
        "active": rule.active,
        "ends_at": iso(rule.ends_at),
        "last_trade_at": iso(rule.last_trade_at),
        "trades_today": store.trades_today(rule),
    }
    return {k: (str(v) if hasattr(v, "as_tuple") else v) for k, v in data.items()}


def decision_json(d) -> dict:
    """One logged decision for the API."""
    return {
        "decision_id": d.decision_id,
        "at": iso(d.decided_at),
        "side": d.side,
        "price": str(d.price),
        "average": str(d.average),
        "deviation_pct": str(d.deviation_pct),
        "outcome": d.outcome,
        "reason": d.reason,
        "order_id": d.order_id,
    }


@bp.get("/rules")
def rules_page():
    return _rules_page()


def _rules_page(values: dict | None = None) -> str:
    """The rules page; ``values`` are a refused form's fields, shown again."""
    rules = store.list_rules(current_user.user_id)
    return render_template("user/rules.html", rules=rules, values=values)


@bp.post("/rules")
def rules_create():
    return form_post(
        lambda: store.create(current_user, json_body(), client_ip()),
        lambda: _rules_page(request.form.to_dict()),
        lambda rule: (
            f"Rule #{rule.rule_id} on {rule.ticker} is on.",
            url_for("user.rule_page", rule_id=rule.rule_id),
        ),
    )


@bp.get("/rules/<int:rule_id>")
def rule_page(rule_id: int):
    return _rule_page(rule_id)


def _rule_page(rule_id: int, values: dict | None = None) -> str:
    """A rule's page; ``values`` are a refused edit's fields, shown again."""
    rule = store.mine(current_user, rule_id)
    return render_template(
        "user/rule.html",
        rule=rule,
        values=values,
        decisions=store.decisions(rule_id),
        perf=store.performance(rule_id),
        window_days=backtest.default_window_days(rule),
        costs=analysis_costs(),
    )


@bp.post("/rules/<int:rule_id>")
def rule_edit(rule_id: int):
    page = url_for("user.rule_page", rule_id=rule_id)
    return form_post(
        lambda: store.update(current_user, rule_id, json_body(), client_ip()),
        lambda: _rule_page(rule_id, request.form.to_dict()),
        lambda _rule: ("Rule saved.", page),
    )


@bp.post("/rules/<int:rule_id>/toggle")
def rule_toggle(rule_id: int):
    rule = store.mine(current_user, rule_id)
    store.set_active(current_user, rule_id, not rule.active, client_ip())
    return redirect(request.referrer or url_for("user.rules_page"))


@bp.post("/rules/<int:rule_id>/delete")
def rule_delete(rule_id: int):
    store.delete(current_user, rule_id, client_ip())
    flash(f"Rule #{rule_id} deleted.", "info")
    return redirect(url_for("user.rules_page"))


@bp.get("/api/rules")
def api_rules():
    rules = store.list_rules(current_user.user_id)
    return jsonify(success=True, rules=[rule_json(r) for r in rules])


@bp.post("/api/rules")
def api_rule_create():
    rule = store.create(current_user, json_body(), client_ip())
    return jsonify(success=True, rule=rule_json(rule)), 201


@bp.get("/api/rules/<int:rule_id>")
def api_rule(rule_id: int):
    rule = store.mine(current_user, rule_id)
    perf = {k: str(v) for k, v in store.performance(rule_id).items()}
    decisions = [decision_json(d) for d in store.decisions(rule_id)]
    return jsonify(success=True, rule=rule_json(rule), performance=perf, decisions=decisions)


@bp.get("/api/rules/<int:rule_id>/backtest")
def api_rule_backtest(rule_id: int):
    rule = store.mine(current_user, rule_id)  # another user's rule: 404 before any parsing
    checked = backtest.check(rule, request.args.to_dict())
    return jsonify(success=True, **backtest.run(rule, checked))


@bp.put("/api/rules/<int:rule_id>")
def api_rule_update(rule_id: int):
    rule = store.update(current_user, rule_id, json_body(), client_ip())
    return jsonify(success=True, rule=rule_json(rule))


@bp.post("/api/rules/<int:rule_id>/pause")
def api_rule_pause(rule_id: int):
    rule = store.set_active(current_user, rule_id, False, client_ip())
    return jsonify(success=True, rule=rule_json(rule))


@bp.post("/api/rules/<int:rule_id>/resume")
def api_rule_resume(rule_id: int):
    rule = store.set_active(current_user, rule_id, True, client_ip())
    return jsonify(success=True, rule=rule_json(rule))


@bp.delete("/api/rules/<int:rule_id>")
def api_rule_delete(rule_id: int):
    store.delete(current_user, rule_id, client_ip())
    return jsonify(success=True)
