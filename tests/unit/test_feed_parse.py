"""Reading queue_log lines and times: both shapes, every Asterisk event, malformed lines."""

from datetime import timezone

import pytest

from supervisor.feeds import (
    ASTERISK_EVENTS,
    BadInstant,
    CsvLayout,
    Malformed,
    format_instant,
    parse_csv_row,
    parse_file_line,
    parse_instant,
)

ISSUE_EVENTS = [
    "ENTERQUEUE", "CONNECT", "COMPLETECALLER", "COMPLETEAGENT", "ABANDON", "EXITWITHTIMEOUT",
    "EXITWITHKEY", "EXITEMPTY", "RINGNOANSWER", "RINGCANCELED", "TRANSFER", "BLINDTRANSFER",
    "ATTENDEDTRANSFER", "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL",
    "UNPAUSEALL", "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF",
    "QUEUESTART", "CONFIGRELOAD",
]  # fmt: skip
LAYOUT = CsvLayout.from_header(
    ["time", "callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5"]
)


def test_every_asterisk_queue_event_is_known_and_vendor_events_are_not():
    assert set(ISSUE_EVENTS) <= ASTERISK_EVENTS
    assert not {"DID", "OUTDIAL", "FULL", "JOINEMPTY", "INFO"} & ASTERISK_EVENTS


def test_a_file_line_gives_its_fields_with_none_for_absent_parties():
    event = parse_file_line("1750000000|1750000000.42|sales|NONE|ENTERQUEUE||+15550100|1")
    assert not isinstance(event, Malformed)
    assert (event.occurred_at, event.call_id, event.queue, event.agent) == (
        1750000000.0,
        "1750000000.42",
        "sales",
        None,
    )
    assert (event.event, event.data1, event.data2, event.data3, event.data4) == (
        "ENTERQUEUE",
        None,
        "+15550100",
        "1",
        None,
    )


def test_a_line_with_more_than_five_data_fields_keeps_the_rest_in_data5():
    line = "1750000000|c1|sales|PJSIP/1001|ATTENDEDTRANSFER|LINK|PJSIP/1001-1|PJSIP/2000-2|12|80|1"
    event = parse_file_line(line)
    assert not isinstance(event, Malformed)
    assert (event.data1, event.data4, event.data5) == ("LINK", "12", "80|1")


def test_an_old_single_data_field_line_is_read():
    event = parse_file_line("1750000000|c1|sales|SIP/1001|RINGNOANSWER|2000")
    assert not isinstance(event, Malformed)
    assert event.data1 == "2000"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("garbage", "1 fields"),
        ("1750000000|c1|sales|NONE", "4 fields"),
        ("yesterday|c1|sales|NONE|ENTERQUEUE", "not a time"),
        ("1750000000|c1|sales|NONE||x", "no event name"),
    ],
)
def test_malformed_lines_say_why(line, reason):
    result = parse_file_line(line)
    assert isinstance(result, Malformed)
    assert reason in result.reason


def test_a_csv_row_is_read_by_its_header_in_any_column_order():
    layout = CsvLayout.from_header(["event", "agent", "id", "queuename", "callid", "time", "data1"])
    assert layout is not None
    event = parse_csv_row(
        ["CONNECT", "PJSIP/1001", "7", "sales", "c1", "1750000010", "10"], layout, timezone.utc
    )
    assert not isinstance(event, Malformed)
    assert (event.occurred_at, event.call_id, event.event, event.data1) == (
        1750000010.0,
        "c1",
        "CONNECT",
        "10",
    )


def test_a_csv_date_time_with_an_offset_or_without_one_is_placed_in_time():
    assert LAYOUT is not None
    with_offset = parse_csv_row(
        ["2025-06-15 17:06:40.5+02", "c1", "q", "NONE", "ENTERQUEUE"], LAYOUT, timezone.utc
    )
    naive = parse_csv_row(
        ["2025-06-15T15:06:40", "c1", "q", "NONE", "ENTERQUEUE"], LAYOUT, timezone.utc
    )
    assert not isinstance(with_offset, Malformed) and not isinstance(naive, Malformed)
    assert with_offset.occurred_at == 1750000000.5
    assert naive.occurred_at == 1750000000.0


def test_a_csv_header_that_is_not_a_queue_logs_is_not_a_layout():
    assert CsvLayout.from_header(["name", "calls"]) is None


@pytest.mark.parametrize(
    ("text", "epoch"),
    [
        ("1750000000", 1750000000.0),
        ("1750000000.25", 1750000000.25),
        ("2025-06-15T15:06:40Z", 1750000000.0),
        ("2025-06-15T17:06:40+02:00", 1750000000.0),
        ("2025-06-15 10:06:40-0500", 1750000000.0),
    ],
)
def test_instants_are_epoch_seconds_or_iso_8601_with_an_offset(text, epoch):
    assert parse_instant(text) == epoch


@pytest.mark.parametrize("text", ["2025-06-15T15:06:40", "tomorrow", "2025-13-01T00:00:00Z"])
def test_instants_without_an_offset_or_not_times_are_refused(text):
    with pytest.raises(BadInstant):
        parse_instant(text)


def test_instants_are_written_as_utc_with_z():
    assert format_instant(1750000000.0) == "2025-06-15T15:06:40Z"
    assert format_instant(1750000000.25) == "2025-06-15T15:06:40.250Z"
