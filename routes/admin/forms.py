"""Admin console forms."""

from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from routes.forms import Form


class RejectForm(Form):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=255)])
    submit = SubmitField("Reject")
