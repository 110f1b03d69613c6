"""The lab's call center logic: callers arrive, pass the IVR, wait in a queue, reach an agent.

`CallCenter` is pure logic on the lab's one thread: the clock, the timers,
the store, the queue_log, the SIP line to the human agent and the survey
SIP endpoint are passed in. It writes what an Asterisk queue would write to its
queue_log (QUEUESTART, ADDMEMBER, ENTERQUEUE, CONNECT, RINGNOANSWER,
RINGCANCELED, ABANDON, COMPLETECALLER, COMPLETEAGENT, BLINDTRANSFER, PAUSE,
UNPAUSE, REMOVEMEMBER), keeps the lab's own record, and lets the bot agents
write their facts into the store.

Queue rules: callers are served first come, first served across the
queues (every member serves every queue); the longest-idle free member is
offered the call. A bot may let a call ring out (RINGNOANSWER) and the next
member is tried. The human agent is offered calls only while the store says
they are Available (or says nothing of them) and they have no lab call; a
refusal (480 from a Not Ready softphone, 486, 404 when not registered) or a
ring timeout makes the lab ring the next member and leave the human alone
for `human_retry` seconds. A caller whose patience runs out while waiting,
or while a bot rings, hangs up (ABANDON); while the human's phone rings the
caller holds on until it is answered or refused.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from softphone.lab.bots import BotAgent, FactRecorder
from softphone.lab.queue_log import QueueLogWriter, rounded, seconds_field
from softphone.lab.record import CallOutcome, LabRecord, SurveyPressed
from softphone.lab.scenario import (
    IVR_CONTEXT,
    QUEUES,
    SURVEY_EXTENSION,
    Caller,
    CallerStream,
    LabSettings,
)
from softphone.lab.schedule import Scheduler, Timer
from supervisor.store import SurveyScore

log = logging.getLogger(__name__)

BREAK_REASONS = ("break", "coaching", "back_office")


class HumanLine(Protocol):
    """The SIP line to the human agent's softphone."""

    def offer(self, headers: Sequence[tuple[str, str]], survey_digit: int | None) -> str:
        """Ring the agent with the caller context; returns the leg's SIP Call-ID."""

    def hang_up(self, leg: str) -> None:
        """End the leg (CANCEL while ringing, BYE once connected)."""


class SipCalls(Protocol):
    """The lab's SIP endpoint, as far as the end of a run needs it."""

    @property
    def busy(self) -> bool:
        """True while IVR calls are under way."""


@dataclass
class _Human:
    agent_id: str
    member: str
    leg: str | None = None
    retry_at: float = 0.0  # monotonic
    idle_since: float = 0.0


@dataclass
class _Caller:
    caller: Caller
    call_id: str  # the queue_log call id
    state: str = "ivr"  # ivr, waiting, ringing, connected, done
    entered_at: float = 0.0
    position: int = 0
    patience: Timer | None = None
    timer: Timer | None = None  # ring or talk timer
    bot: BotAgent | None = None
    leg: str | None = None  # the human agent's leg
    ring_started: float = 0.0
    answered_at: float | None = None
    wait: float = 0.0
    impatient: bool = False
    transferred: bool = False
    talk: float | None = None
    tried: set[str] = field(default_factory=set)  # members that refused or rang out


class CallCenter:
    """Callers, the queue, the bot agents and the human agent's place in the queue."""

    def __init__(
        self,
        settings: LabSettings,
        scheduler: Scheduler,
        store: FactRecorder,
        queue_log: QueueLogWriter,
        record: LabRecord,
        *,
        line: HumanLine | None = None,
        human_state: Callable[[], str | None] = lambda: None,
        sip: SipCalls | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.scheduler = scheduler
        self.store = store
        self.queue_log = queue_log
        self.record = record
        self.line = line
        self.human_state = human_state
        self.sip = sip
        self.clock = clock
        seed = settings.seed
        self.stream = CallerStream(settings, random.Random(seed))
        self.rng = random.Random(None if seed is None else seed + 1)
        self.bots = [BotAgent(name, store) for name in settings.member_names]
        self.human = (
            _Human(settings.human_agent_id, f"PJSIP/{settings.human_user}")
            if settings.human_agent_id is not None and line is not None
            else None
        )
        self.callers: dict[str, _Caller] = {}
        self._legs: dict[str, _Caller] = {}
        self._wrapping: dict[str, CallOutcome] = {}  # by bot: the call it wraps up
        self._id_base = int(clock())
        self._started = False

    # -- life ------------------------------------------------------------

    def start(self) -> None:
        """Open the queues, log the members in, and let the first caller come."""
        now = self.clock()
        self.queue_log.write(now, None, None, None, "QUEUESTART")
        members = [bot.member for bot in self.bots]
        if self.human is not None:
            members.append(self.human.member)
        for member in members:
            for queue in QUEUES:
                self.queue_log.write(now, None, queue, member, "ADDMEMBER")
        for bot in self.bots:
            bot.log_in(now)
            bot.idle_since = self.scheduler.monotonic()
        self._started = True
        self._schedule_arrival()

    @property
    def finished(self) -> bool:
        """True when every caller of a limited run is done and every bot has wrapped up."""
        if not self.stream.exhausted or self.callers:
            return False
        if self.sip is not None and self.sip.busy:
            return False
        return all(bot.call is None for bot in self.bots)

    def stop(self) -> None:
        """End the run: callers still here hang up, bots log out, members leave the queues."""
        if not self._started:
            return
        self._started = False
        now = self.clock()
        for entry in list(self.callers.values()):
            if entry.state in ("ivr", "waiting") or (
                entry.state == "ringing" and entry.bot is not None
            ):
                self._abandon(entry)
            elif entry.state == "connected" and entry.bot is not None:
                self._bot_call_ends(entry, "caller")
            elif entry.leg is not None and self.line is not None:
                self.line.hang_up(entry.leg)
                self._leg_over(entry, by_lab=True, code=487)
        for bot in self.bots:
            if bot.state == "wrap_up":
                self._finish_wrap_up(bot, pause=False)
            bot.log_out(now)
        members = [bot.member for bot in self.bots]
        if self.human is not None:
            members.append(self.human.member)
        for member in members:
            for queue in QUEUES:
                self.queue_log.write(now, None, queue, member, "REMOVEMEMBER")
        self.scheduler.clear()

    # -- callers ---------------------------------------------------------

    def _schedule_arrival(self) -> None:
        if self.stream.exhausted:
            return
        self.scheduler.after(self.settings.real(self.stream.gap()), self._arrive)

    def _arrive(self) -> None:
        caller = self.stream.next()
        entry = _Caller(caller, f"{self._id_base}.{caller.number}")
        self.callers[entry.call_id] = entry
        log.debug("Caller %s (%s) in the IVR", entry.call_id, caller.ivr_path)
        self.scheduler.after(self.settings.real(caller.ivr_seconds), lambda: self._enter(entry))
        self._schedule_arrival()

    def _enter(self, entry: _Caller) -> None:
        if entry.state != "ivr":
            return
        entry.state = "waiting"
        entry.entered_at = self.clock()
        entry.position = self._position(entry)
        self.queue_log.write(
            entry.entered_at, entry.call_id, entry.caller.queue, None, "ENTERQUEUE",
            "", entry.caller.phone, str(entry.position),
        )  # fmt: skip
        entry.patience = self.scheduler.after(
            self.settings.real(entry.caller.patience), lambda: self._patience_ends(entry)
        )
        self.dispatch()

    def _position(self, entry: _Caller) -> int:
        ahead = [
            other
            for other in self.callers.values()
            if other.caller.queue == entry.caller.queue
            and other.state in ("waiting", "ringing")
            and other.entered_at <= entry.entered_at
        ]
        return max(1, len(ahead))

    def _patience_ends(self, entry: _Caller) -> None:
        if entry.state == "waiting" or (entry.state == "ringing" and entry.bot is not None):
            self._abandon(entry)
        elif entry.state == "ringing":
            entry.impatient = True  # gives up if the human refuses

    def _abandon(self, entry: _Caller) -> None:
        now = self.clock()
        if entry.state == "ivr":
            entry.state = "done"  # hung up in the IVR: never offered to the queue
            del self.callers[entry.call_id]
            return
        if entry.state == "ringing" and entry.bot is not None:
            bot = entry.bot
            self._cancel(entry.timer)
            self.queue_log.write(
                now, entry.call_id, entry.caller.queue, bot.member, "RINGCANCELED",
                str(round((now - entry.ring_started) * 1000)),
            )  # fmt: skip
            bot.ring_ended(now, "cancelled")
            bot.idle_since = self.scheduler.monotonic()
            entry.bot = None
        wait = rounded(now - entry.entered_at)
        position = self._position(entry)
        self.queue_log.write(
            now, entry.call_id, entry.caller.queue, None, "ABANDON",
            str(position), str(entry.position), seconds_field(wait),
        )  # fmt: skip
        self._cancel(entry.patience)
        self._done(entry, self._outcome(entry, "abandoned", wait=wait))
        self.dispatch()

    def _outcome(self, entry: _Caller, outcome: str, **details: Any) -> CallOutcome:
        return CallOutcome(
            call_id=entry.call_id,
            queue=entry.caller.queue,
            customer_id=entry.caller.customer_id,
            entered_at=entry.entered_at,
            outcome=outcome,
            refused_by=tuple(sorted(entry.tried)),
            **details,
        )

    def _done(self, entry: _Caller, outcome: CallOutcome) -> None:
        entry.state = "done"
        self.callers.pop(entry.call_id, None)
        self.record.add_call(outcome)

    # -- the queue -------------------------------------------------------

    def dispatch(self) -> None:
        """Offer waiting callers, oldest first, to the longest-idle free members."""
        if not self._started:
            return
        waiting = sorted(
            (e for e in self.callers.values() if e.state == "waiting"), key=lambda e: e.entered_at
        )
        for entry in waiting:
            member = self._free_member(entry)
            if member is None:
                continue
            if isinstance(member, BotAgent):
                self._ring_bot(entry, member)
            else:
                self._ring_human(entry, member)

    def _free_member(self, entry: _Caller) -> BotAgent | _Human | None:
        candidates: list[tuple[float, BotAgent | _Human]] = [
            (bot.idle_since, bot)
            for bot in self.bots
            if bot.state == "available" and bot.member not in entry.tried
        ]
        human = self.human
        if (
            human is not None
            and human.leg is None
            and human.member not in entry.tried
            and self.scheduler.monotonic() >= human.retry_at
            and self._human_available()
        ):
            candidates.append((human.idle_since, human))
        if not candidates:
            return None
        return min(candidates, key=lambda pair: pair[0])[1]

    def _human_available(self) -> bool:
        try:
            state = self.human_state()
        except Exception:
            log.exception("Could not read the human agent's state from the store")
            return False
        return state in (None, "available")

    def _ring_bot(self, entry: _Caller, bot: BotAgent) -> None:
        now = self.clock()
        entry.state, entry.bot, entry.ring_started = "ringing", bot, now
        bot.ring(now, entry.caller.queue, entry.caller.phone, entry.caller.headers())
        s = self.settings
        if self.rng.random() < s.bot_no_answer:
            entry.timer = self.scheduler.after(
                s.real(s.ring_timeout), lambda: self._bot_rings_out(entry)
            )
        else:
            ring = self.rng.uniform(*s.bot_ring_seconds)
            entry.timer = self.scheduler.after(s.real(ring), lambda: self._bot_answers(entry))

    def _bot_rings_out(self, entry: _Caller) -> None:
        bot = entry.bot
        if entry.state != "ringing" or bot is None:
            return
        now = self.clock()
        self.queue_log.write(
            now, entry.call_id, entry.caller.queue, bot.member, "RINGNOANSWER",
            str(round((now - entry.ring_started) * 1000)),
        )  # fmt: skip
        bot.ring_ended(now, "cancelled")
        bot.idle_since = self.scheduler.monotonic()
        entry.tried.add(bot.member)
        entry.state, entry.bot = "waiting", None
        self.dispatch()

    def _bot_answers(self, entry: _Caller) -> None:
        bot = entry.bot
        if entry.state != "ringing" or bot is None or bot.call is None:
            return
        now = self.clock()
        bot.answer(now)
        self._connected(entry, now, bot.member, bot.call.call_id)
        s = self.settings
        if entry.caller.survey_digit is not None and self.rng.random() < s.survey_share:
            ending = "transfer"
        else:
            ending = "caller" if entry.caller.hangs_up_first else "agent"
        entry.timer = self.scheduler.after(
            s.real(entry.caller.talk), lambda: self._bot_call_ends(entry, ending)
        )

    def _connected(self, entry: _Caller, now: float, member: str, leg: str) -> None:
        self._cancel(entry.patience)
        entry.state, entry.answered_at = "connected", now
        entry.wait = rounded(now - entry.entered_at)
        self.queue_log.write(
            now, entry.call_id, entry.caller.queue, member, "CONNECT",
            seconds_field(entry.wait), leg, seconds_field(now - entry.ring_started),
        )  # fmt: skip

    def _write_end(self, entry: _Caller, member: str, ending: str, now: float) -> float:
        answered = entry.answered_at if entry.answered_at is not None else now
        talk = rounded(now - answered)
        hold, position = seconds_field(entry.wait), str(entry.position)
        queue = entry.caller.queue
        if ending == "transfer":
            self.queue_log.write(
                now, entry.call_id, queue, member, "BLINDTRANSFER",
                SURVEY_EXTENSION, IVR_CONTEXT, hold, seconds_field(talk), position,
            )  # fmt: skip
        else:
            event = "COMPLETECALLER" if ending == "caller" else "COMPLETEAGENT"
            self.queue_log.write(
                now, entry.call_id, queue, member, event, hold, seconds_field(talk), position
            )
        return talk

    def _bot_call_ends(self, entry: _Caller, ending: str) -> None:
        bot = entry.bot
        if entry.state != "connected" or bot is None or bot.call is None:
            return
        self._cancel(entry.timer)
        now = self.clock()
        talk = self._write_end(entry, bot.member, ending, now)
        reasons = {"caller": "caller_hung_up", "agent": "agent_hung_up", "transfer": "transferred"}
        target = SURVEY_EXTENSION if ending == "transfer" else None
        call_id = bot.call.call_id
        bot.end(now, reasons[ending], transfer_to=target)
        wrap = self.rng.uniform(*self.settings.wrap_up_seconds)
        self.scheduler.after(self.settings.real(wrap), lambda: self._finish_wrap_up(bot))
        digit = entry.caller.survey_digit
        if ending == "transfer" and digit is not None:
            # The caller answers the survey. pjsua2's build allows four calls at
            # once, which the human agent's leg and its transfer to the survey
            # (two legs) must always find free: bots' callers answer in logic.
            self.survey_pressed(call_id, digit)
            self.survey_scored(call_id, digit)
        # The caller is gone; their record line waits for the bot's final wrap-up.
        entry.state, entry.talk = "done", talk
        self.callers.pop(entry.call_id, None)
        self._wrapping[bot.agent_id] = self._outcome(
            entry,
            "answered",
            wait=entry.wait,
            member=bot.member,
            agent_id=bot.agent_id,
            agent_call_id=call_id,
            talk=talk,
            ended_by=ending,
            bot=True,
            answered_at=entry.answered_at,
            ended_at=now,
        )
        self.dispatch()

    def _finish_wrap_up(self, bot: BotAgent, pause: bool = True) -> None:
        if bot.state != "wrap_up" or bot.call is None:
            return
        s, now = self.settings, self.clock()
        pending = self._wrapping.pop(bot.agent_id, None)
        others = [code for code in s.dispositions if code != "transferred"]
        if pending is not None and pending.ended_by == "transfer":
            disposition = "transferred"
        else:
            disposition = self.rng.choice(others or list(s.dispositions))
        resolved = self.rng.random() < s.resolved
        reason = None
        if pause and self.rng.random() < s.bot_break:
            reason = self.rng.choice(BREAK_REASONS)
        wrap = bot.finish_wrap_up(now, disposition, resolved, reason)
        bot.idle_since = self.scheduler.monotonic()
        if pending is not None:
            self.record.add_call(
                replace(pending, wrap_up_seconds=wrap, resolved=resolved, disposition=disposition)
            )
        if reason is not None:
            self._pause(bot, reason)
        self.dispatch()

    def _pause(self, bot: BotAgent, reason: str) -> None:
        now = self.clock()
        for queue in QUEUES:
            self.queue_log.write(now, None, queue, bot.member, "PAUSE", reason)
        length = self.rng.uniform(*self.settings.break_seconds)

        def back() -> None:
            if bot.state != "not_ready" or not self._started:
                return
            at = self.clock()
            bot.unpause(at)
            bot.idle_since = self.scheduler.monotonic()
            for queue in QUEUES:
                self.queue_log.write(at, None, queue, bot.member, "UNPAUSE")
            self.dispatch()

        self.scheduler.after(self.settings.real(length), back)

    # -- the human agent -------------------------------------------------

    def _ring_human(self, entry: _Caller, human: _Human) -> None:
        assert self.line is not None
        try:
            leg = self.line.offer(entry.caller.headers(), entry.caller.survey_digit)
        except Exception:
            log.exception("Could not call the human agent %s", human.agent_id)
            human.retry_at = self.scheduler.monotonic() + self.settings.human_retry
            return
        entry.state, entry.leg, entry.ring_started = "ringing", leg, self.clock()
        human.leg = leg
        self._legs[leg] = entry
        log.info("Caller %s offered to %s (leg %s)", entry.call_id, human.agent_id, leg)
        entry.timer = self.scheduler.after(
            self.settings.human_ring_timeout, lambda: self._human_rings_out(entry)
        )

    def _human_rings_out(self, entry: _Caller) -> None:
        if entry.state == "ringing" and entry.leg is not None and self.line is not None:
            log.info("Caller %s: the human agent did not answer in time", entry.call_id)
            self.line.hang_up(entry.leg)

    def leg_answered(self, leg: str) -> None:
        """The human agent answered the leg."""
        entry = self._legs.get(leg)
        if entry is None or entry.state != "ringing" or self.human is None:
            return
        self._cancel(entry.timer)
        self._connected(entry, self.clock(), self.human.member, leg)
        line = self.line
        if line is not None:
            entry.timer = self.scheduler.after(
                self.settings.real(entry.caller.talk), lambda: line.hang_up(leg)
            )

    def leg_transferred(self, leg: str, target: str) -> None:
        """The human agent transferred the caller (a REFER the lab accepted)."""
        entry = self._legs.get(leg)
        if entry is None or entry.state != "connected" or self.human is None:
            return
        self._cancel(entry.timer)
        entry.transferred = True
        entry.talk = self._write_end(entry, self.human.member, "transfer", self.clock())
        log.info("Caller %s transferred by the human agent to %s", entry.call_id, target)

    def leg_ended(self, leg: str, code: int, by_lab: bool) -> None:
        """The human agent's leg ended: refused, rung out, hung up, or after a transfer."""
        entry = self._legs.get(leg)
        if entry is not None:
            self._leg_over(entry, by_lab=by_lab, code=code)

    def _leg_over(self, entry: _Caller, *, by_lab: bool, code: int) -> None:
        human = self.human
        leg = entry.leg
        if human is None or leg is None or entry.state == "done":
            return
        self._legs.pop(leg, None)
        self._cancel(entry.timer)
        now = self.clock()
        human.leg = None
        human.idle_since = self.scheduler.monotonic()
        if entry.state == "ringing":
            log.info(
                "Caller %s: the human agent refused or missed the call (%d)", entry.call_id, code
            )
            self.queue_log.write(
                now, entry.call_id, entry.caller.queue, human.member, "RINGNOANSWER",
                str(round((now - entry.ring_started) * 1000)),
            )  # fmt: skip
            human.retry_at = self.scheduler.monotonic() + self.settings.human_retry
            entry.tried.add(human.member)
            entry.state, entry.leg = "waiting", None
            if entry.impatient or not self._started:
                self._abandon(entry)
            else:
                self.dispatch()
            return
        if entry.state != "connected":
            return
        ending = "transfer" if entry.transferred else ("caller" if by_lab else "agent")
        talk = (
            entry.talk if entry.transferred else self._write_end(entry, human.member, ending, now)
        )
        outcome = self._outcome(
            entry,
            "answered",
            wait=entry.wait,
            member=human.member,
            agent_id=human.agent_id,
            agent_call_id=leg,
            talk=talk,
            ended_by=ending,
            answered_at=entry.answered_at,
            ended_at=now,
        )
        self._done(entry, outcome)
        self.dispatch()

    # -- the survey ------------------------------------------------------

    def survey_pressed(self, call_key: str, score: int) -> None:
        """A caller pressed `score` in the survey (the lab's caller side says so)."""
        self.record.add_survey(SurveyPressed(call_key, score, self.clock()))

    def survey_scored(self, call_key: str, score: int) -> None:
        """The survey IVR read a score: store it as the call's CSAT."""
        self.store.record(SurveyScore(call_key, "csat", score, self.clock()))
        log.info("Survey: CSAT %d for call %s", score, call_key)

    @staticmethod
    def _cancel(timer: Timer | None) -> None:
        if timer is not None:
            timer.cancel()
