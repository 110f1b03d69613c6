"""The agent state machine: every action in every state, legal or refused, and what is stored."""

import pytest
from store_helpers import FakeClock, make_profile, rows

from softphone.agent import (
    AgentSession,
    AgentState,
    IllegalTransition,
    StateChanged,
    UnknownChoice,
)
from supervisor.store import StoreWriter

S = AgentState
ILLEGAL = "illegal"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "callboard.db"


@pytest.fixture
def writer(db):
    with StoreWriter(db) as store_writer:
        yield store_writer


def _session(writer, clock=None, **profile_changes) -> AgentSession:
    return AgentSession(writer, "a1", make_profile(**profile_changes), clock or FakeClock())


def _session_in(state: AgentState, writer) -> AgentSession:
    """A session brought to `state` the ordinary way; its call, if any, is 'c1'."""
    session = _session(writer)
    steps = {
        S.LOGGED_OUT: [],
        S.NOT_READY: [session.log_in],
        S.AVAILABLE: [session.log_in, session.set_available],
        S.RINGING: [
            session.log_in,
            session.set_available,
            lambda: session.call_offered("c1", "sales"),
        ],
        S.ON_CALL: [
            session.log_in,
            session.set_available,
            lambda: session.call_offered("c1", "sales"),
            lambda: session.call_answered("c1"),
        ],
        S.WRAP_UP: [
            session.log_in,
            session.set_available,
            lambda: session.call_offered("c1", "sales"),
            lambda: session.call_answered("c1"),
            lambda: session.call_ended("c1"),
        ],
    }
    for step in steps[state]:
        step()
    assert session.state is state
    return session


ACTIONS = {
    "log_in": lambda s: s.log_in(),
    "log_out": lambda s: s.log_out(),
    "set_available": lambda s: s.set_available(),
    "set_not_ready": lambda s: s.set_not_ready("lunch"),
    "queue_call_offered": lambda s: s.call_offered("c2", "sales"),
    "direct_call_offered": lambda s: s.call_offered("c2", None),
    "call_answered": lambda s: s.call_answered("c1"),
    "call_ended": lambda s: s.call_ended("c1"),
    "dial_out": lambda s: s.dial_out("c2"),
}

# state -> action -> the state that follows, ILLEGAL, or the SIP status of a refused call.
EXPECTED = {
    S.LOGGED_OUT: dict(
        log_in=S.NOT_READY,
        log_out=ILLEGAL,
        set_available=ILLEGAL,
        set_not_ready=ILLEGAL,
        queue_call_offered=480,
        direct_call_offered=480,
        call_answered=ILLEGAL,
        call_ended=S.LOGGED_OUT,
        dial_out=ILLEGAL,
    ),
    S.AVAILABLE: dict(
        log_in=ILLEGAL,
        log_out=S.LOGGED_OUT,
        set_available=ILLEGAL,
        set_not_ready=S.NOT_READY,
        queue_call_offered=S.RINGING,
        direct_call_offered=S.RINGING,
        call_answered=ILLEGAL,
        call_ended=S.AVAILABLE,
        dial_out=S.ON_CALL,
    ),
    S.NOT_READY: dict(
        log_in=ILLEGAL,
        log_out=S.LOGGED_OUT,
        set_available=S.AVAILABLE,
        set_not_ready=S.NOT_READY,
        queue_call_offered=480,
        direct_call_offered=S.RINGING,
        call_answered=ILLEGAL,
        call_ended=S.NOT_READY,
        dial_out=S.ON_CALL,
    ),
    S.RINGING: dict(
        log_in=ILLEGAL,
        log_out=ILLEGAL,
        set_available=S.RINGING,
        set_not_ready=S.RINGING,
        queue_call_offered=486,
        direct_call_offered=486,
        call_answered=S.ON_CALL,
        call_ended=S.AVAILABLE,
        dial_out=ILLEGAL,
    ),
    S.ON_CALL: dict(
        log_in=ILLEGAL,
        log_out=ILLEGAL,
        set_available=S.ON_CALL,
        set_not_ready=S.ON_CALL,
        queue_call_offered=486,
        direct_call_offered=486,
        call_answered=ILLEGAL,
        call_ended=S.WRAP_UP,
        dial_out=ILLEGAL,
    ),
    S.WRAP_UP: dict(
        log_in=ILLEGAL,
        log_out=ILLEGAL,
        set_available=S.WRAP_UP,
        set_not_ready=S.WRAP_UP,
        queue_call_offered=480,
        direct_call_offered=480,
        call_answered=ILLEGAL,
        call_ended=S.WRAP_UP,
        dial_out=ILLEGAL,
    ),
}
CASES = [(state, action, EXPECTED[state][action]) for state in EXPECTED for action in ACTIONS]


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    CASES,
    ids=[f"{state.value}-{action}" for state, action, _ in CASES],
)
def test_every_action_in_every_state(writer, db, state, action, expected):
    session = _session_in(state, writer)
    stored_before = rows(db, "SELECT COUNT(*) FROM agent_state_changes")[0][0]
    reason_before = session.reason

    if expected == ILLEGAL:
        with pytest.raises(IllegalTransition) as refused:
            ACTIONS[action](session)
        assert str(refused.value).startswith("Cannot")
        assert session.state is state
    elif isinstance(expected, int):
        decision = ACTIONS[action](session)
        assert (decision.accept, decision.status_code) == (False, expected)
        assert session.state is state
    else:
        ACTIONS[action](session)
        assert session.state is expected

    changed = session.state is not state or session.reason != reason_before
    stored = rows(db, "SELECT state, reason FROM agent_state_changes ORDER BY id")
    assert len(stored) == stored_before + changed
    if changed:
        assert stored[-1] == (session.state.value, session.reason)


def test_log_in_can_make_the_agent_available_when_the_profile_says_so(writer):
    session = _session(writer, state_after_login="available")
    assert session.log_in() is S.AVAILABLE


def test_a_not_ready_agent_names_a_reason_the_profile_offers(writer):
    session = _session_in(S.AVAILABLE, writer)
    with pytest.raises(UnknownChoice, match=r"Unknown Not Ready reason 'nap'.*lunch"):
        session.set_not_ready("nap")
    session.set_not_ready("lunch")
    assert (session.state, session.reason) == (S.NOT_READY, "lunch")
    with pytest.raises(IllegalTransition, match=r"already Not Ready \(lunch\)"):
        session.set_not_ready("lunch")


def test_a_queue_call_to_a_not_ready_agent_is_refused_with_480_and_the_reason(writer):
    session = _session_in(S.NOT_READY, writer)
    session.set_not_ready("break")
    decision = session.call_offered("c9", "sales")
    assert (decision.accept, decision.status_code) == (False, 480)
    assert "Not Ready (break)" in decision.reason


def test_a_direct_call_rings_a_not_ready_agent_who_returns_to_not_ready(writer):
    session = _session_in(S.NOT_READY, writer)
    session.set_not_ready("break")
    assert session.call_offered("c2").accept
    session.call_answered("c2")
    session.call_ended("c2")
    session.wrap_up.skip()
    assert (session.state, session.reason) == (S.NOT_READY, "break")


def test_not_ready_chosen_during_a_call_applies_once_its_wrap_up_is_done(writer):
    session = _session_in(S.ON_CALL, writer)
    session.set_not_ready("lunch")
    assert session.state is S.ON_CALL
    session.call_ended("c1")
    session.wrap_up.skip()
    assert (session.state, session.reason) == (S.NOT_READY, "lunch")


def test_an_unanswered_call_returns_the_agent_to_where_they_were(writer):
    session = _session_in(S.RINGING, writer)
    session.call_ended("c1")
    assert session.state is S.AVAILABLE
    assert session.wrap_up is None


def test_an_outbound_call_that_connects_leads_to_wrap_up(writer):
    session = _session_in(S.AVAILABLE, writer)
    session.dial_out("out-1")
    session.call_answered("out-1")
    session.call_ended("out-1")
    assert session.state is S.WRAP_UP
    assert session.wrap_up.call_id == "out-1"


def test_an_outbound_call_nobody_answers_leads_back_without_wrap_up(writer):
    session = _session_in(S.NOT_READY, writer)
    session.set_not_ready("outbound_work")
    session.dial_out("out-1")
    session.call_ended("out-1")
    assert (session.state, session.reason) == (S.NOT_READY, "outbound_work")
    assert session.wrap_up is None


def test_the_end_of_a_call_the_agent_refused_changes_nothing(writer):
    session = _session_in(S.ON_CALL, writer)
    assert session.call_offered("c2", "sales").status_code == 486
    assert session.call_ended("c2") is S.ON_CALL
    assert session.call_id == "c1"


def test_listeners_hear_every_transition_even_when_one_of_them_fails(writer):
    clock = FakeClock()
    session = _session(writer, clock)
    heard: list[StateChanged] = []

    def broken(_event):
        raise RuntimeError("a window bug")

    session.add_listener(broken)
    remove = session.add_listener(heard.append)
    session.log_in()
    clock.advance(5)
    session.set_available()
    remove()
    session.set_not_ready("lunch")

    assert [(e.previous, e.state, e.at) for e in heard] == [
        (S.LOGGED_OUT, S.NOT_READY, clock.now - 5),
        (S.NOT_READY, S.AVAILABLE, clock.now),
    ]


def test_a_working_day_is_written_to_the_store_transition_by_transition(writer, db):
    clock = FakeClock()
    session = _session(writer, clock)
    heard: list[StateChanged] = []
    session.add_listener(heard.append)

    session.log_in()
    session.set_available()
    session.call_offered("c1", "sales")
    session.call_answered("c1")
    clock.advance(60)
    session.call_ended("c1")
    session.wrap_up.update(disposition="resolved")
    session.wrap_up.submit()
    session.set_not_ready("lunch")
    session.log_out()

    stored = rows(
        db, "SELECT state, reason, call_id, changed_at FROM agent_state_changes ORDER BY id"
    )
    assert stored == [(e.state.value, e.reason, e.call_id, e.at) for e in heard]
    assert [state for state, *_ in stored] == [
        "not_ready",
        "available",
        "ringing",
        "on_call",
        "wrap_up",
        "available",
        "not_ready",
        "logged_out",
    ]
    assert [call for _, _, call, _ in stored] == [None, None, "c1", "c1", "c1", None, None, None]


def test_the_agent_keeps_working_while_the_store_is_unusable(db):
    db.write_text("a spreadsheet, not a store")
    writer = StoreWriter(db)
    session = _session(writer)

    session.log_in()
    session.set_available()
    assert session.call_offered("c1", "sales").accept
    session.call_answered("c1")
    session.call_ended("c1")
    session.wrap_up.skip()
    assert session.state is S.AVAILABLE
    assert writer.health.pending_facts > 0

    db.unlink()  # the installer removes the bad file: the facts follow
    assert writer.flush()
    writer.close()
    assert [r[0] for r in rows(db, "SELECT state FROM agent_state_changes ORDER BY id")] == [
        "not_ready",
        "available",
        "ringing",
        "on_call",
        "wrap_up",
        "available",
    ]
    assert rows(db, "SELECT outcome FROM wrap_ups") == [("skipped",)]
