"""What the simulated call center is like: its settings, its IVR menu and its callers.

Every duration here is in simulated seconds; the call center divides them
by the speed factor, so `speed=10` makes a ten times busier demo (and a
faster test). Callers are drawn from a seeded generator: the same seed gives
the same stream of callers.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from softphone.profile import resources_dir

SURVEY_EXTENSION = "8100"
IVR_CONTEXT = "lab-ivr"  # the "context" field of a BLINDTRANSFER line


@dataclass(frozen=True)
class MenuOption:
    """One option of the IVR's main menu: the key, the queue it leads to, its sub-menu."""

    key: str
    queue: str
    weight: float
    topics: tuple[str, ...]


MENU = (
    MenuOption("1", "support", 0.5, ("internet", "tv", "mobile")),
    MenuOption("2", "billing", 0.3, ("invoice", "payment_plan")),
    MenuOption("3", "sales", 0.2, ("new_contract", "upgrade")),
)
QUEUES = tuple(option.queue for option in MENU)

_FIRST_NAMES = (
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia",
    "Ken", "Margaret", "Dennis", "Hedy", "Tim", "Karen", "Niklaus", "Sophie", "Linus",
)  # fmt: skip
_LAST_NAMES = (
    "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy",
    "Perlman", "Thompson", "Hamilton", "Ritchie", "Lamarr", "Berners-Lee", "Wirth", "Torvalds",
)  # fmt: skip
BOT_NAMES = ("bot-amy", "bot-ben", "bot-cleo", "bot-dan", "bot-eve", "bot-finn", "bot-gus")


def load_dispositions() -> tuple[str, ...]:
    """The disposition codes of `resources/dispositions.json`."""
    data = json.loads((resources_dir() / "dispositions.json").read_text(encoding="utf-8"))
    return tuple(str(item["code"]) for item in data["dispositions"])


@dataclass(frozen=True)
class LabSettings:
    """How busy the lab is and how its callers and bot agents behave (simulated seconds)."""

    speed: float = 1.0  # simulated seconds per real second
    seed: int | None = None
    calls_per_minute: float = 3.0  # mean arrival rate (Poisson)
    max_calls: int | None = None  # stop after this many callers (None: run until stopped)
    bots: int = 4
    customers: int = 60  # size of the customer base (callers call again)
    ivr_seconds: tuple[float, float] = (4.0, 15.0)
    patience_mean: float = 90.0  # exponential, at least patience_min
    patience_min: float = 1.0
    talk_mean: float = 150.0  # log-normal
    caller_hangs_up: float = 0.6  # share of untransferred calls the caller ends
    wrap_up_seconds: tuple[float, float] = (10.0, 40.0)
    bot_ring_seconds: tuple[float, float] = (1.0, 5.0)
    bot_no_answer: float = 0.05  # share of offers a bot lets ring out
    ring_timeout: float = 15.0  # a bot's ring-no-answer time
    bot_break: float = 0.05  # share of wrap-ups after which a bot takes a break
    break_seconds: tuple[float, float] = (60.0, 180.0)
    resolved: float = 0.7  # share of bot wrap-ups marked resolved
    survey_share: float = 0.35  # share of bot calls transferred to the survey
    survey_answer: float = 0.85  # share of transferred callers who press a score
    # The human agent, a queue member reached by SIP (None: bots only).
    human_agent_id: str | None = None
    human_user: str = "1001"
    human_ring_timeout: float = 20.0  # real seconds: a person needs them whatever the speed
    human_retry: float = 5.0  # real seconds before a refusing human is offered again
    dispositions: tuple[str, ...] = field(default_factory=load_dispositions)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed) and self.speed > 0):
            raise ValueError(f"speed: expected a positive number, got {self.speed!r}")
        if not self.calls_per_minute > 0:
            raise ValueError("calls_per_minute: must be positive")
        if not 0 <= self.bots <= len(BOT_NAMES):
            raise ValueError(f"bots: from 0 to {len(BOT_NAMES)}")
        if self.max_calls is not None and self.max_calls < 0:
            raise ValueError("max_calls: must not be negative")

    def real(self, simulated: float) -> float:
        """Real seconds for a simulated duration."""
        return simulated / self.speed

    @property
    def member_names(self) -> tuple[str, ...]:
        """The bot agents' ids."""
        return BOT_NAMES[: self.bots]


@dataclass(frozen=True)
class Caller:
    """One caller as drawn: who they are, what the IVR learnt, how long they will stay."""

    number: int  # 1, 2, 3... in order of arrival
    customer_id: str
    customer_name: str
    phone: str
    queue: str
    ivr_path: str
    ivr_seconds: float  # simulated
    patience: float  # simulated seconds they wait in the queue before hanging up
    talk: float  # simulated seconds they talk once connected
    hangs_up_first: bool  # they end the call (else the agent does)
    survey_digit: int | None  # the score they press in the survey, or None: they hang up

    def headers(self) -> tuple[tuple[str, str], ...]:
        """The caller context the IVR attaches to the call, as SIP headers."""
        return (
            ("X-IVR-Path", self.ivr_path),
            ("X-Customer-Id", self.customer_id),
            ("X-Customer-Name", self.customer_name),
            ("X-Queue", self.queue),
        )


class CallerStream:
    """Draws callers and their arrival gaps from a seeded generator."""

    def __init__(self, settings: LabSettings, rng: random.Random) -> None:
        self.settings = settings
        self.rng = rng
        self.count = 0
        self._customers = [self._customer(n) for n in range(settings.customers)]

    def _customer(self, n: int) -> tuple[str, str, str]:
        name = f"{self.rng.choice(_FIRST_NAMES)} {self.rng.choice(_LAST_NAMES)}"
        return f"C-{10001 + n}", name, f"+1555{self.rng.randrange(10**7):07d}"

    def gap(self) -> float:
        """Simulated seconds to the next arrival (exponential: a Poisson process)."""
        return self.rng.expovariate(self.settings.calls_per_minute / 60.0)

    @property
    def exhausted(self) -> bool:
        """True once `max_calls` callers have been drawn."""
        limit = self.settings.max_calls
        return limit is not None and self.count >= limit

    def next(self) -> Caller:
        """The next caller."""
        s, rng = self.settings, self.rng
        self.count += 1
        customer_id, name, phone = rng.choice(self._customers)
        option = _weighted(rng, MENU, [option.weight for option in MENU])
        topic = rng.choice(option.topics)
        survey = rng.randint(1, 5) if rng.random() < s.survey_answer else None
        if survey is not None and rng.random() < 0.6:
            survey = max(survey, 4)  # most callers are content
        return Caller(
            number=self.count,
            customer_id=customer_id,
            customer_name=name,
            phone=phone,
            queue=option.queue,
            ivr_path=f"main/{option.key}-{option.queue}/{topic}",
            ivr_seconds=rng.uniform(*s.ivr_seconds),
            patience=max(s.patience_min, rng.expovariate(1.0 / s.patience_mean)),
            talk=min(1200.0, rng.lognormvariate(math.log(s.talk_mean) - 0.18, 0.6)),
            hangs_up_first=rng.random() < s.caller_hangs_up,
            survey_digit=survey,
        )


def _weighted(rng: random.Random, items: Sequence[MenuOption], weights: list[float]) -> MenuOption:
    return rng.choices(list(items), weights=weights, k=1)[0]
