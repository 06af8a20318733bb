"""DISPLAY_SUMMARY for the signed-in user: a page and its JSON."""

from flask import jsonify, render_template
from flask_login import current_user

from routes.user import bp
from services.dts import summary


@bp.get("/dts")
def dts_summary_page():
    return render_template("dts/summary.html", summary=summary.display(current_user.user_id))


@bp.get("/api/dts/summary")
def dts_summary():
    return jsonify(success=True, data=summary.display(current_user.user_id))
