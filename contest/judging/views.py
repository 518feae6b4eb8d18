"""Judge pages (being built)."""
from flask import Blueprint

bp = Blueprint("judging", __name__)


@bp.get("/judge/")
def dashboard():
    return "judge"
