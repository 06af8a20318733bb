"""Sign-in and registration forms."""

from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from routes.forms import Form


class LoginForm(Form):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])
    submit = SubmitField("Sign in")


class RegisterForm(Form):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    email = EmailField(
        "Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=120)]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )
    submit = SubmitField("Create account")


class PasswordForm(Form):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=128)]
    )
    password = PasswordField("New password", validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "Passwords differ.")],
    )
    submit = SubmitField("Change password")
