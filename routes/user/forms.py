"""Account page forms."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class AmountForm(FlaskForm):
    amount = StringField("Amount (USD)", validators=[DataRequired(), Length(max=32)])
    submit = SubmitField("Submit")


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=64)])
    submit = SubmitField("Create token")
