"""The DTS event log in the admin console: filters, pages and an XML download."""

from flask import Response, render_template, request, stream_with_context

from routes.admin import bp
from routes.helpers import json_error, page_args
from services.dts import browse, dumplog
from services.errors import ServiceError


def _filters():
    return browse.check_filters(request.args)


@bp.get("/dts/log")
def dts_log():
    try:
        filters, number = _filters(), page_args()[0]
    except ServiceError as exc:
        return render_template("dts/log.html", error=exc.message, found=None, args=request.args)
    found = browse.page(filters, number)
    return render_template("dts/log.html", error=None, found=found, args=request.args)


@bp.get("/dts/log/download")
def dts_log_download():
    try:
        filters = _filters()
    except ServiceError as exc:
        return json_error(exc.message, field=exc.field)
    chunks = stream_with_context(dumplog.stream(stmt=browse.filtered(filters)))
    return Response(
        chunks,
        mimetype="application/xml",
        headers={"Content-Disposition": 'attachment; filename="dts-log.xml"'},
    )
