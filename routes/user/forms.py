"""Account page forms."""

from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from routes.forms import Form


class AmountForm(Form):
    amount = StringField("Amount (USD)", validators=[DataRequired(), Length(max=32)])
    submit = SubmitField("Submit")


class WithdrawForm(AmountForm):
    code = StringField("Two-factor code", validators=[Length(max=32)])


class TokenForm(Form):
    name = StringField("Token name", validators=[DataRequired(), Length(max=64)])
    submit = SubmitField("Create token")
