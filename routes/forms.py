"""The base of every form: a JSON body fills it only with plain text values."""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import ImmutableMultiDict

SCALARS = (str, int, float, bool)


class Form(FlaskForm):
    """FlaskForm that reads a JSON object's scalar fields as text and ignores the rest,
    so a JSON client gets field errors instead of a crash on lists or numbers."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and not request.form and request.is_json:
                return ImmutableMultiDict(json_fields(request.get_json(silent=True)))
            return super().wrap_formdata(form, formdata)


def json_fields(body) -> dict[str, str]:
    """A JSON object's scalar values as text; anything else is dropped."""
    if not isinstance(body, dict):
        return {}
    return {
        str(key): str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in body.items()
        if isinstance(value, SCALARS)
    }
