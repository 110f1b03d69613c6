"""Reading SIP messages: headers for the caller context, robust to bad input."""

from softphone.sip.headers import parse_sip_message, plain_text

INVITE = (
    "INVITE sip:1001@127.0.0.1:5070 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
    "f: <sip:ivr@127.0.0.1>;tag=1\r\n"
    "t: <sip:1001@127.0.0.1>\r\n"
    "i: abc@127.0.0.1\r\n"
    "X-IVR-Path: main>billing\r\n"
    "x-customer-id: C-42\r\n"
    "X-Customer-Name: Ada\r\n"
    " Lovelace\r\n"
    "Call-Info: <https://crm.example/c/42>;purpose=info\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n"
)


def test_headers_are_looked_up_case_insensitively():
    message = parse_sip_message(INVITE)
    assert message.headers.get("X-Customer-Id") == "C-42"
    assert message.headers.get("X-IVR-PATH") == "main>billing"


def test_compact_header_names_are_expanded():
    headers = parse_sip_message(INVITE).headers
    assert headers.get("From") == "<sip:ivr@127.0.0.1>;tag=1"
    assert headers.get("Call-ID") == "abc@127.0.0.1"


def test_folded_lines_are_joined():
    assert parse_sip_message(INVITE).headers.get("X-Customer-Name") == "Ada Lovelace"


def test_patterns_select_context_headers_in_message_order():
    found = parse_sip_message(INVITE).headers.matching(["X-IVR-*", "X-Customer-*", "Call-Info"])
    assert [name for name, _ in found] == [
        "X-IVR-Path",
        "x-customer-id",
        "X-Customer-Name",
        "Call-Info",
    ]


def test_body_and_start_line_are_kept():
    message = parse_sip_message(INVITE)
    assert message.start_line.startswith("INVITE ")
    assert message.is_request
    assert message.body == "v=0\n"


def test_malformed_lines_are_skipped_and_counted_not_fatal():
    text = "INVITE sip:a@b SIP/2.0\r\nthis is not a header\r\nX-Good: yes\r\n: empty\r\n\r\n"
    message = parse_sip_message(text)
    assert message.headers.get("X-Good") == "yes"
    assert message.skipped_lines == 2
    assert message.notes


def test_empty_and_binary_input_do_not_raise():
    assert len(parse_sip_message("").headers) == 0
    message = parse_sip_message(b"INVITE x SIP/2.0\r\nX-Bin: \xff\xfe\r\n\r\n")
    assert message.headers.get("X-Bin") == "\ufffd\ufffd"


def test_an_8_kb_header_value_is_read_whole():
    value = "A" * 8192
    message = parse_sip_message(f"INVITE x SIP/2.0\r\nX-IVR-Data: {value}\r\n\r\n")
    assert message.headers.get("X-IVR-Data") == value


def test_plain_text_replaces_control_characters_and_caps_length():
    assert plain_text("a\x00b\x1bc\x7f") == "a\ufffdb\ufffdc\ufffd"
    assert plain_text("tab\tkept") == "tab\tkept"
    capped = plain_text("x" * 5000, limit=100)
    assert len(capped) == 100
    assert capped.endswith("\u2026")


def test_plain_text_leaves_markup_as_characters():
    assert plain_text("<b>bold</b>") == "<b>bold</b>"
