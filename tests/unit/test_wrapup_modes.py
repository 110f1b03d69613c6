"""After-call work in each mode: drafts saved on every change, then one final wrap-up."""

import pytest
from store_helpers import T0, FakeClock, make_profile, rows

from softphone.agent import (
    AgentSession,
    AgentState,
    IllegalTransition,
    UnknownChoice,
    WrapUpIncomplete,
)
from supervisor.store import StoreWriter, open_store


@pytest.fixture
def db(tmp_path):
    return tmp_path / "callboard.db"


@pytest.fixture
def clock():
    return FakeClock()


def _in_wrap_up(db, clock, mode="optional", seconds=60, **changes) -> AgentSession:
    profile = make_profile(wrap_up_mode=mode, wrap_up_seconds=seconds, **changes)
    session = AgentSession(StoreWriter(db), "a1", profile, clock)
    session.log_in()
    session.set_available()
    session.call_offered("c1", "sales")
    session.call_answered("c1")
    clock.advance(120)
    session.call_ended("c1")
    assert session.state is AgentState.WRAP_UP
    return session


def _finals(db):
    with open_store(db) as store:
        return store.wrap_ups()


def test_optional_wrap_up_can_be_skipped(db, clock):
    session = _in_wrap_up(db, clock, "optional")
    session.wrap_up.update(notes="caller rang off before I could ask")
    clock.advance(3)
    session.wrap_up.skip()

    assert session.state is AgentState.AVAILABLE
    (final,) = _finals(db)
    assert (final.outcome, final.disposition, final.notes) == (
        "skipped",
        None,
        "caller rang off before I could ask",
    )
    assert final.finished_at - final.started_at == 3


def test_optional_wrap_up_may_be_submitted_without_a_disposition(db, clock):
    session = _in_wrap_up(db, clock, "optional")
    session.wrap_up.submit()
    assert _finals(db)[0].outcome == "submitted"


def test_mandatory_wrap_up_needs_a_disposition_and_cannot_be_skipped(db, clock):
    session = _in_wrap_up(db, clock, "mandatory")
    with pytest.raises(WrapUpIncomplete, match="Choose a disposition"):
        session.wrap_up.submit()
    with pytest.raises(IllegalTransition, match="cannot be skipped"):
        session.wrap_up.skip()
    assert session.state is AgentState.WRAP_UP

    session.wrap_up.update(disposition="sale", resolved=True)
    session.wrap_up.submit()

    assert session.state is AgentState.AVAILABLE
    (final,) = _finals(db)
    assert (final.outcome, final.mode, final.disposition, final.resolved) == (
        "submitted",
        "mandatory",
        "sale",
        True,
    )


def test_time_boxed_wrap_up_counts_down_then_saves_the_draft_as_timed_out(db, clock):
    session = _in_wrap_up(db, clock, "time_boxed", seconds=30)
    wrap_up = session.wrap_up
    assert wrap_up.seconds_left() == 30
    wrap_up.update(disposition="information_given", notes="half written")

    clock.advance(29.9)
    session.tick()
    assert session.state is AgentState.WRAP_UP
    assert wrap_up.seconds_left() == pytest.approx(0.1)

    clock.advance(0.1)
    session.tick()
    assert session.state is AgentState.AVAILABLE
    assert session.wrap_up is None
    (final,) = _finals(db)
    assert (final.outcome, final.disposition, final.notes) == (
        "timed_out",
        "information_given",
        "half written",
    )
    assert final.finished_at == final.started_at + 30


def test_time_boxed_wrap_up_can_be_submitted_before_time_runs_out(db, clock):
    session = _in_wrap_up(db, clock, "time_boxed", seconds=30)
    with pytest.raises(WrapUpIncomplete):
        session.wrap_up.submit()
    session.wrap_up.update(disposition="resolved")
    session.wrap_up.submit()
    clock.advance(60)
    session.tick()
    assert [f.outcome for f in _finals(db)] == ["submitted"]


def test_every_change_to_the_draft_is_saved_as_a_new_revision(db, clock):
    session = _in_wrap_up(db, clock)
    wrap_up = session.wrap_up
    wrap_up.update(disposition="sale")
    wrap_up.update(notes="two licences")
    wrap_up.update(notes="two licences")  # no change: nothing saved
    wrap_up.update(resolved=False, follow_up=T0 + 86400)
    wrap_up.update(disposition=None)

    with open_store(db) as store:
        drafts = store.wrap_up_drafts("c1", "a1")
    assert [(d.revision, d.disposition, d.notes, d.resolved, d.follow_up_at) for d in drafts] == [
        (0, None, "", None, None),
        (1, "sale", "", None, None),
        (2, "sale", "two licences", None, None),
        (3, "sale", "two licences", False, T0 + 86400),
        (4, None, "two licences", False, T0 + 86400),
    ]


def test_a_disposition_the_profile_does_not_offer_is_refused(db, clock):
    session = _in_wrap_up(db, clock)
    with pytest.raises(UnknownChoice, match="Unknown disposition 'maybe'"):
        session.wrap_up.update(disposition="maybe")
    assert session.wrap_up.draft.revision == 0


def test_a_final_wrap_up_cannot_be_changed(db, clock):
    session = _in_wrap_up(db, clock, "mandatory")
    wrap_up = session.wrap_up
    wrap_up.update(disposition="sale")
    wrap_up.submit()
    with pytest.raises(IllegalTransition, match="already final"):
        wrap_up.update(notes="one more thing")
    with pytest.raises(IllegalTransition, match="already final"):
        wrap_up.submit()
    assert len(_finals(db)) == 1


def test_an_unfinished_wrap_up_is_reopened_at_the_next_log_in(db, clock):
    first = _in_wrap_up(db, clock, "mandatory")
    first.wrap_up.update(disposition="complaint", notes="billing error")
    first.store.close()  # the softphone stops with the wrap-up open

    clock.advance(600)
    restarted = AgentSession(StoreWriter(db), "a1", first.profile, clock)
    assert restarted.log_in() is AgentState.WRAP_UP
    assert restarted.reason == "resumed_after_restart"
    wrap_up = restarted.wrap_up
    assert (wrap_up.call_id, wrap_up.disposition, wrap_up.notes) == (
        "c1",
        "complaint",
        "billing error",
    )

    wrap_up.update(resolved=True)
    wrap_up.submit()
    assert restarted.state is AgentState.NOT_READY  # where log-in leads
    assert [d.revision for d in restarted.store.unfinished_wrap_up("a1") or []] == []
    (final,) = _finals(db)
    assert (final.disposition, final.resolved, final.started_at) == ("complaint", True, T0 + 120)


def test_a_time_boxed_wrap_up_whose_time_ran_out_while_stopped_times_out_at_log_in(db, clock):
    first = _in_wrap_up(db, clock, "time_boxed", seconds=30)
    first.wrap_up.update(disposition="sale")
    first.store.close()

    clock.advance(3600)
    restarted = AgentSession(StoreWriter(db), "a1", first.profile, clock)
    restarted.log_in()

    assert restarted.state is AgentState.NOT_READY
    (final,) = _finals(db)
    assert (final.outcome, final.disposition) == ("timed_out", "sale")
    assert final.finished_at == final.started_at + 30
    states = [r[0] for r in rows(db, "SELECT state FROM agent_state_changes ORDER BY id")]
    assert states[-2:] == ["wrap_up", "not_ready"]
