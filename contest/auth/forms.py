"""Registration and login forms."""
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
