"""The base of every form: WTForms' own messages in the page's language.

WTForms ships no Vietnamese catalog, so "This field is required." would reach
a Vietnamese page in English. Forms built on ``Form`` look WTForms' messages
up in the app's catalog, which carries the ones listed below.
"""
from __future__ import annotations

import wtforms
from flask_babel import get_translations
from flask_wtf import FlaskForm


class CatalogTranslations:
    """What WTForms asks of a translations object, answered from our catalog."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


def refuse_bad_input(form, field) -> None:
    """A validator every field gets: no control characters (PostgreSQL cannot store a NUL),
    no whole number past what the database holds."""
    from flask_babel import gettext as _

    from contest.bad_input import LARGEST_INTEGER, has_control_characters

    typed = [value for value in (field.raw_data or []) if isinstance(value, str)]
    if any(has_control_characters(value) for value in typed):
        raise wtforms.ValidationError(_("Remove the control characters (such as NUL) from this field."))
    data = field.data
    if isinstance(field, wtforms.IntegerField) and data is not None and abs(data) > LARGEST_INTEGER:
        raise wtforms.ValidationError(_("This number is too large."))
    if isinstance(field, wtforms.DecimalField) and data is not None and (
            not data.is_finite() or abs(data) >= 10**12):
        raise wtforms.ValidationError(_("This number is too large."))


def _with_input_check(field):
    """``field`` with ``refuse_bad_input`` first among its validators (rows and sub-forms get theirs
    when their own form binds them)."""
    if not isinstance(field, (wtforms.FieldList, wtforms.FormField)):
        field.validators = [refuse_bad_input, *field.validators]
    return field


class Form(FlaskForm):
    """A page's form: CSRF-protected, messages from the catalog, bad input refused field by field.

    Every text field refuses control characters, every number past what the
    database holds is refused: a form error beside the field, and what was
    typed stays in the form.
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return CatalogTranslations()

        def bind_field(self, form, unbound_field, options):
            return _with_input_check(super().bind_field(form, unbound_field, options))


class SubForm(wtforms.Form):
    """A row inside a page's form (FormField): no CSRF of its own, messages from the catalog."""

    class Meta:
        def get_translations(self, form):
            return CatalogTranslations()

        def bind_field(self, form, unbound_field, options):
            return _with_input_check(unbound_field.bind(form=form, **options))


def N_(message: str) -> str:
    """Marks a message for the catalog without translating it here."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


# WTForms' messages for the validators and fields this app uses, verbatim.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Field must be equal to %(other_name)s."),
    N_plural("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
    N_plural("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    N_plural("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_plural("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
)
