"""Time the ranking with tie-breakers, the finalize snapshot and the publication mail on an instance.

Run it against a loaded demo (docs/benchmarks.md), e.g.:

    CONTEST_INSTANCE_PATH=/tmp/big .venv/bin/python scripts/benchmark_results.py --runs 3

Nothing it does is kept: every step runs in a transaction that is rolled back.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from contest.extensions import db  # noqa: E402
from contest.models import Contest  # noqa: E402
from scripts.benchmarking import Instance, arguments, timed  # noqa: E402


def main() -> None:
    from contest.domain.snapshot import build_snapshot, canonical_json, recompute, snapshot_hash
    from contest.results.notify import entry_outcomes, queue_result_mails, recipients
    from contest.results.ranking import load_entries
    from contest.results.services import compute_ranking, finalize, publish, resolve_tie
    from contest.results.snapshots import snapshot_inputs

    args = arguments(__doc__)
    app = Instance.open(args).app
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.slug == args.slug))
        slug = contest.slug

        def fresh() -> Contest:
            return db.session.scalar(select(Contest).where(Contest.slug == slug))

        def ranking_with(breakers):
            def step():
                c = fresh()
                c.tie_breakers = breakers
                return compute_ranking(c)
            return step

        for breakers in ([], ["criterion:ND"], ["criterion:ND", "criterion:HT"]):
            s, q, ranking = timed(db.engine, args.runs, ranking_with(breakers))
            print(f"ranking, tie_breakers={breakers}: {s:.3f} s, {q} queries, "
                  f"{len(ranking.ranked)} ranked, {len(ranking.decided)} ties decided, "
                  f"{len(ranking.ties)} open")

        def snapshot_step():
            c = fresh()
            ranking = compute_ranking(c)
            load_entries(ranking.ranked)
            start = time.perf_counter()
            inputs = snapshot_inputs(c, ranking, None, c.closes_at)
            body = build_snapshot(inputs)
            text = canonical_json(body)
            digest = snapshot_hash(body)
            return time.perf_counter() - start, len(text.encode()), len(inputs["sheets"]), digest, body

        s, q, (alone, size, sheets, digest, body) = timed(db.engine, args.runs, snapshot_step)
        print(f"snapshot (ranking included): {s:.3f} s, {q} queries; the snapshot alone {alone:.3f} s, "
              f"{size / 1e6:.1f} MB of JSON, {sheets} sheets")
        start = time.perf_counter()
        assert snapshot_hash(recompute(body)) == digest
        print(f"recompute from the snapshot's own sheets: {time.perf_counter() - start:.3f} s")

        def finalize_step():
            c = fresh()
            for tie in compute_ranking(c).ties:
                resolve_tie(c, tie.codes, "benchmark", actor=None)
            return len(finalize(c, actor=None))

        s, q, awards = timed(db.engine, 1, finalize_step)
        print(f"finalize (ties ordered, snapshot, certificates): {s:.3f} s, {q} queries, {awards} prizes")

        def mail_step():
            c = fresh()
            for tie in compute_ranking(c).ties:
                resolve_tie(c, tie.codes, "benchmark", actor=None)
            finalize(c, actor=None)
            publish(c, actor=None)
            db.session.flush()
            start = time.perf_counter()
            prepared = recipients(entry_outcomes(c))
            prepare = time.perf_counter() - start
            start = time.perf_counter()
            mails = queue_result_mails(c)
            return prepare, time.perf_counter() - start, len(prepared), mails

        _, _, (prepare, queue, addresses, mails) = timed(db.engine, 1, mail_step)
        print(f"publication mail: recipients {prepare:.3f} s ({addresses} addresses); "
              f"rendering and queueing {mails} mails {queue:.3f} s")


if __name__ == "__main__":
    main()
