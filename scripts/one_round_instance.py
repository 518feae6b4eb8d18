"""Turn a copy of the two-round demo into the one-round instance of docs/benchmarks.md: the
later rounds removed (their sheets, score changes and who went on) and the preliminary open
again, so the ranking reads every sheet of one open, last round. Run it on a copy only:

    cp -r /tmp/big /tmp/big-one
    DATABASE_URL=sqlite:////tmp/big-one/contest.db .venv/bin/contest db upgrade
    DATABASE_URL=sqlite:////tmp/big-one/contest.db .venv/bin/python scripts/one_round_instance.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from contest.extensions import db  # noqa: E402
from contest.models import Contest  # noqa: E402
from scripts.benchmark_rounds import reopen_first_round  # noqa: E402
from scripts.benchmarking import Instance, arguments  # noqa: E402


def main() -> None:
    bench = Instance.open(arguments(__doc__))
    with bench.app.app_context():
        reopen_first_round(bench.slug)
        contest = db.session.scalar(select(Contest).where(Contest.slug == bench.slug))
        for round_ in contest.rounds[1:]:
            db.session.delete(round_)
        db.session.commit()
        contest = db.session.scalar(select(Contest).where(Contest.slug == bench.slug))
        print(f"{bench.slug}: {len(contest.rounds)} round, {contest.current_round.code} "
              f"{contest.current_round.status}")


if __name__ == "__main__":
    main()
