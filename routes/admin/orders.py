"""The admin orders console (placeholder until the console lands)."""

from flask import render_template

from routes.admin import bp


@bp.get("/orders")
def orders():
    return render_template("admin/orders.html")
