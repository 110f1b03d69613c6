"""The shared SQLite store: the contract between the softphones and the supervisor.

One file in WAL mode (busy timeout 5 s, synchronous NORMAL, foreign keys
on), created readable by its owner only, at `--db`, `CALLBOARD_DB` or the
user data folder. Several processes on one host write to it at once; WAL
does not work on network file systems.

- Write with `StoreWriter.record(fact)`: facts wait in memory while the store
  is unavailable and are written when it is back; `health` says which.
- Read with `open_store(path)`, which returns a `Store` of dataclass queries
  and a `connection` for the metrics' SQL.
- `describe_store(path)` opens (creating or migrating) the store and returns
  its path and schema version, for `softphone --self-test`.

The tables and the reasons for their shape are described in `schema`. This
package imports neither Qt nor pjsua2, and nothing heavy at import time.
"""

from supervisor.store.connection import (
    BUSY_TIMEOUT,
    ENV_VAR,
    default_store_path,
    describe_store,
    open_connection,
)
from supervisor.store.errors import (
    NewerSchemaError,
    NotAStoreError,
    ReadOnlyStoreError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreIOError,
)
from supervisor.store.reader import Store, open_store
from supervisor.store.records import (
    AGENT_STATES,
    CALL_DIRECTIONS,
    END_REASONS,
    SURVEY_RANGES,
    TRANSFER_KINDS,
    TRANSFER_RESULTS,
    WRAP_UP_MODES,
    WRAP_UP_OUTCOMES,
    AgentStateChange,
    CallAnswered,
    CallEnded,
    CallRecord,
    CallStarted,
    Fact,
    FeedOffset,
    FinalWrapUp,
    QueueEvent,
    StoreDescription,
    StoreHealth,
    SurveyScore,
    Transfer,
    WrapUpDraft,
)
from supervisor.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from supervisor.store.writer import StoreWriter

__all__ = [
    "AGENT_STATES",
    "BUSY_TIMEOUT",
    "CALL_DIRECTIONS",
    "END_REASONS",
    "ENV_VAR",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SURVEY_RANGES",
    "TRANSFER_KINDS",
    "TRANSFER_RESULTS",
    "WRAP_UP_MODES",
    "WRAP_UP_OUTCOMES",
    "AgentStateChange",
    "CallAnswered",
    "CallEnded",
    "CallRecord",
    "CallStarted",
    "Fact",
    "FeedOffset",
    "FinalWrapUp",
    "NewerSchemaError",
    "NotAStoreError",
    "QueueEvent",
    "ReadOnlyStoreError",
    "Store",
    "StoreBusyError",
    "StoreDescription",
    "StoreError",
    "StoreFullError",
    "StoreHealth",
    "StoreIOError",
    "StoreWriter",
    "SurveyScore",
    "Transfer",
    "WrapUpDraft",
    "default_store_path",
    "describe_store",
    "migrate",
    "open_connection",
    "open_store",
]
