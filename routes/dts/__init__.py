"""The DTS command API (admins, with an API token or a session): one line or a batch."""

from flask import Blueprint, jsonify
from pydantic import BaseModel, ConfigDict, Field

from routes.helpers import guard_admin, json_error
from routes.schemas import parse_body
from services.dts import api

bp = Blueprint("dts", __name__)
guard_admin(bp)
BATCH_MAX = 10000


class DtsLineRequest(BaseModel):
    """``{"line": "[n] CMD,args"}``."""

    model_config = ConfigDict(extra="ignore")
    line: str = Field(min_length=1, max_length=1000)


class DtsBatchRequest(BaseModel):
    """``{"lines": ["CMD,args", ...]}``, run in order."""

    model_config = ConfigDict(extra="ignore")
    lines: list[str] = Field(min_length=1, max_length=BATCH_MAX)


@bp.post("/api/dts")
def one_line():
    body, error = parse_body(DtsLineRequest)
    if error:
        return error
    answers = api.execute([body.line], admin=True)
    if not answers:
        return json_error("The line holds no command.", field="line")
    answer = answers[0]
    if not answer["success"]:
        return json_error(answer["error"], field="line")
    return jsonify(answer)


@bp.post("/api/dts/batch")
def batch():
    body, error = parse_body(DtsBatchRequest)
    if error:
        return error
    if any(len(line) > 1000 for line in body.lines):
        return json_error("A line is at most 1000 characters.", field="lines")
    answers = api.execute(body.lines, admin=True)
    return jsonify(
        success=True,
        commands=len(answers),
        errors=sum(not a["success"] for a in answers),
        results=answers,
    )
