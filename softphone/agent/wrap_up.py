"""After-call work: disposition, notes, resolved flag and follow-up for one handled call.

Modes, from the profile:

- optional: the agent may `skip()`; `submit()` works with or without a
  disposition.
- mandatory: `submit()` needs a disposition; there is no skipping.
- time_boxed: `submit()` needs a disposition; when the countdown runs out
  the draft is saved as final with outcome `timed_out`, and the agent moves
  on. The session's `tick()` drives the countdown.

Every change is written to the store at once as a new draft revision, so a
killed softphone loses nothing; the next start reopens the wrap-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from typing import Protocol

from softphone.agent.states import IllegalTransition, UnknownChoice, WrapUpIncomplete
from softphone.profile import Profile
from supervisor.store import Fact, FinalWrapUp, WrapUpDraft


class FactRecorder(Protocol):
    """Where facts go: `supervisor.store.StoreWriter` in the softphone."""

    def record(self, fact: Fact) -> None:
        """Write (or queue) one fact; never raises for store trouble."""


class _Unchanged(Enum):
    FIELD = "unchanged"


UNCHANGED = _Unchanged.FIELD  # update(): leave this field as it is


class WrapUp:
    """The after-call work of one call; created by `AgentSession` when a handled call ends."""

    def __init__(
        self,
        draft: WrapUpDraft,
        *,
        mode: str,
        time_box_seconds: float,
        profile: Profile,
        store: FactRecorder,
        clock: Callable[[], float],
        on_finished: Callable[[FinalWrapUp], None],
    ) -> None:
        self._draft = draft
        self.mode = mode
        self.deadline = draft.started_at + time_box_seconds if mode == "time_boxed" else None
        self._profile = profile
        self._store = store
        self._clock = clock
        self._on_finished = on_finished
        self.final: FinalWrapUp | None = None

    @property
    def call_id(self) -> str:
        """The call this wrap-up is about."""
        return self._draft.call_id

    @property
    def started_at(self) -> float:
        """When the call ended and the wrap-up began, UTC epoch seconds."""
        return self._draft.started_at

    @property
    def draft(self) -> WrapUpDraft:
        """The latest saved revision."""
        return self._draft

    @property
    def disposition(self) -> str | None:
        """The chosen disposition code, or None."""
        return self._draft.disposition

    @property
    def notes(self) -> str:
        """The agent's notes."""
        return self._draft.notes

    @property
    def resolved(self) -> bool | None:
        """Resolved on first contact: True, False, or None while not said."""
        return self._draft.resolved

    @property
    def follow_up_at(self) -> float | None:
        """When someone should call the customer back, or None."""
        return self._draft.follow_up_at

    @property
    def can_skip(self) -> bool:
        """True in optional mode: the agent may leave without a disposition."""
        return self.mode == "optional"

    @property
    def finished(self) -> bool:
        """True once submitted, skipped or timed out."""
        return self.final is not None

    def seconds_left(self, now: float | None = None) -> float | None:
        """Seconds before a time-boxed wrap-up times out (never negative); None if no box."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - (self._clock() if now is None else now))

    def update(
        self,
        *,
        disposition: str | _Unchanged | None = UNCHANGED,
        notes: str | _Unchanged = UNCHANGED,
        resolved: bool | _Unchanged | None = UNCHANGED,
        follow_up: float | _Unchanged | None = UNCHANGED,
    ) -> WrapUpDraft:
        """Change the draft and save it as a new revision (nothing is saved if nothing changed).

        `follow_up` is UTC epoch seconds, or None for no follow-up.
        """
        self._refuse_if_finished("change")
        draft = self._draft
        edited = replace(  # WrapUpDraft checks the types and raises ValueError
            draft,
            disposition=self._checked_disposition(disposition, draft.disposition),
            notes=draft.notes if isinstance(notes, _Unchanged) else notes,
            resolved=draft.resolved if isinstance(resolved, _Unchanged) else resolved,
            follow_up_at=draft.follow_up_at if isinstance(follow_up, _Unchanged) else follow_up,
        )
        if edited == draft:
            return draft
        self._draft = replace(edited, revision=draft.revision + 1, saved_at=self._clock())
        self._store.record(self._draft)
        return self._draft

    def submit(self) -> FinalWrapUp:
        """Finish the wrap-up. Mandatory and time-boxed modes need a disposition first."""
        self._refuse_if_finished("submit")
        if self.mode != "optional" and self.disposition is None:
            raise WrapUpIncomplete(
                f"Choose a disposition before submitting: wrap-up is {self.mode.replace('_', '-')}."
            )
        return self._finish("submitted", self._clock())

    def skip(self) -> FinalWrapUp:
        """Leave the wrap-up without finishing it: only in optional mode."""
        self._refuse_if_finished("skip")
        if not self.can_skip:
            raise IllegalTransition(
                f"This wrap-up cannot be skipped: the profile makes it "
                f"{self.mode.replace('_', '-')}. Choose a disposition and submit."
            )
        return self._finish("skipped", self._clock())

    def time_out(self, now: float) -> FinalWrapUp | None:
        """Finish a time-boxed wrap-up whose time is up, keeping the draft; else do nothing."""
        if self.finished or self.deadline is None or now < self.deadline:
            return None
        return self._finish("timed_out", self.deadline)  # when the box ran out, not when seen

    def _finish(self, outcome: str, at: float) -> FinalWrapUp:
        draft = self._draft
        self.final = FinalWrapUp(
            call_id=draft.call_id,
            agent_id=draft.agent_id,
            outcome=outcome,
            mode=self.mode,
            started_at=draft.started_at,
            finished_at=at,
            disposition=draft.disposition,
            notes=draft.notes,
            resolved=draft.resolved,
            follow_up_at=draft.follow_up_at,
        )
        self._store.record(self.final)
        self._on_finished(self.final)
        return self.final

    def _checked_disposition(
        self, value: str | _Unchanged | None, current: str | None
    ) -> str | None:
        if isinstance(value, _Unchanged):
            return current
        if value is not None and self._profile.disposition(value) is None:
            offered = ", ".join(choice.code for choice in self._profile.dispositions)
            raise UnknownChoice(f"Unknown disposition '{value}'. The profile offers: {offered}.")
        return value

    def _refuse_if_finished(self, action: str) -> None:
        if self.final is not None:
            raise IllegalTransition(
                f"Cannot {action} the wrap-up of call {self.call_id}: "
                f"it is already final ({self.final.outcome.replace('_', ' ')})."
            )
