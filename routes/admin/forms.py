"""Admin console forms."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class RejectForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=255)])
    submit = SubmitField("Reject")
