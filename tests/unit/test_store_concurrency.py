"""Fifty processes writing to one store at once: every fact lands, no lock error surfaces."""

import multiprocessing

from store_helpers import T0, rows, write_facts_worker

from supervisor.store import open_connection

WRITERS = 50
FACTS_EACH = 1_000


def test_fifty_processes_writing_a_thousand_facts_each_lose_nothing(tmp_path):
    db = tmp_path / "callboard.db"
    open_connection(db).close()
    # Forked children start without re-importing anything: 50 real processes,
    # each with its own SQLite connection, at a fraction of the start-up cost.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    start = context.Event()
    results = context.Queue()
    agents = [f"agent-{n:02d}" for n in range(WRITERS)]
    workers = [
        context.Process(
            target=write_facts_worker, args=(str(db), agent, FACTS_EACH, start, results)
        )
        for agent in agents
    ]
    for worker in workers:
        worker.start()
    start.set()
    reports = sorted(results.get(timeout=150) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)

    assert [worker.exitcode for worker in workers] == [0] * WRITERS
    assert [(agent, status) for agent, status, _ in reports] == [(a, "ok") for a in agents]
    complaints = [reason for _, _, reasons in reports for reason in reasons]
    assert not any("database is locked" in reason for reason in complaints), complaints
    counts = rows(
        db,
        "SELECT agent_id, COUNT(DISTINCT changed_at), MIN(changed_at), "
        "MAX(changed_at) FROM agent_state_changes GROUP BY agent_id",
    )
    assert counts == [(a, FACTS_EACH, T0, T0 + FACTS_EACH - 1) for a in agents]
    assert rows(db, "SELECT COUNT(*) FROM agent_state_changes") == [(WRITERS * FACTS_EACH,)]
