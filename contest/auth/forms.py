"""Registration, login and password forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from contest.auth.passwords import PASSWORD_HINT, PasswordPolicy
from contest.forms import Form
from contest.text import clean


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()], filters=[clean])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log in"))


class RegisterForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)], filters=[clean])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), PasswordPolicy()],
        description=PASSWORD_HINT,
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Create account"))


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password under the password policy, typed twice."""
    return (
        PasswordField(_l("New password"), validators=[DataRequired(), PasswordPolicy()],
                      description=PASSWORD_HINT, render_kw={"autocomplete": "new-password"}),
        PasswordField(_l("Repeat the new password"), validators=[
            DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
            render_kw={"autocomplete": "new-password"}),
    )


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[clean])
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(Form):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Save the new password"))


class ChangePasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Change the password"))
