"""The agent's profile: declared defaults, and errors that name the file and the key."""

import dataclasses
import json

import pytest
from store_helpers import write_profile

import softphone.phone
import softphone.profile
from softphone.profile import (
    DEFAULT_CONTEXT_HEADERS,
    AccountProfile,
    ProfileError,
    default_choices,
    default_profile,
    load_profile,
)

FULL = {
    "agent": {"id": "1001", "name": "Ada Lovelace", "state_after_login": "available"},
    "account": {
        "sip_uri": "sip:1001@pbx.example",
        "registrar": "sip:pbx.example:5061",
        "transport": "tls",
        "srtp": "mandatory",
        "tls_verify": False,
    },
    "wrap_up": {"mode": "time_boxed", "time_box_seconds": 45},
    "calls": {"auto_answer_seconds": 2, "caller_context_headers": ["X-IVR-*", "X-Queue"]},
    "dispositions": [{"code": "sale", "label": "Sale"}, {"code": "no_sale", "label": "No sale"}],
    "not_ready_reasons": [{"code": "lunch", "label": "Lunch"}],
    "transfer_targets": [{"name": "Billing menu", "uri": "sip:ivr-billing@pbx.example"}],
    "network": {"bind_address": "127.0.0.1", "sip_port": 5070},
}


def test_a_full_profile_is_read_whole(tmp_path):
    profile = load_profile(write_profile(tmp_path, FULL))
    assert (profile.agent_id, profile.agent_name, profile.state_after_login) == (
        "1001",
        "Ada Lovelace",
        "available",
    )
    assert profile.account == AccountProfile(
        sip_uri="sip:1001@pbx.example",
        registrar="sip:pbx.example:5061",
        transport="tls",
        srtp="mandatory",
        tls_verify=False,
    )
    assert (profile.wrap_up_mode, profile.wrap_up_seconds) == ("time_boxed", 45)
    assert profile.auto_answer_seconds == 2.0
    assert profile.caller_context_headers == ("X-IVR-*", "X-Queue")
    assert [c.code for c in profile.dispositions] == ["sale", "no_sale"]
    assert profile.not_ready_reason("lunch").label == "Lunch"
    assert profile.transfer_targets[0].uri == "sip:ivr-billing@pbx.example"
    assert (profile.bind_address, profile.sip_port) == ("127.0.0.1", 5070)
    assert profile.folder == tmp_path


def test_a_minimal_profile_takes_every_default(tmp_path):
    profile = load_profile(write_profile(tmp_path, {"agent": {"id": "1001"}}))
    assert profile.account is None
    assert (profile.wrap_up_mode, profile.wrap_up_seconds) == ("optional", 60)
    assert profile.auto_answer_seconds is None
    assert profile.caller_context_headers == DEFAULT_CONTEXT_HEADERS
    assert profile.dispositions == default_choices("dispositions")
    assert profile.not_ready_reasons == default_choices("not_ready_reasons")
    assert profile.state_after_login == "not_ready"


def test_the_default_lists_come_from_resources():
    profile = default_profile("a1")
    assert profile.disposition("resolved") is not None
    assert profile.not_ready_reason("lunch") is not None


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"wrap_up": {"mode": "sometimes"}}, "wrap_up.mode", "optional, mandatory, time_boxed"),
        ({"wrap_up": {"time_box_seconds": 0}}, "wrap_up.time_box_seconds", "from 5 to 3600"),
        ({"calls": {"auto_answer_seconds": -1}}, "calls.auto_answer_seconds", "0 to 60"),
        (
            {"calls": {"caller_context_headers": ["X-IVR-*", "bad header"]}},
            "calls.caller_context_headers[1]",
            "not a header name",
        ),
        ({"account": {"transport": "udp"}}, "account.sip_uri", "required"),
        ({"account": {"sip_uri": "1001@pbx"}}, "account.sip_uri", "not a SIP address"),
        ({"account": {"sip_uri": "sip:1@pbx", "srtp": "yes"}}, "account.srtp", "off, optional"),
        (
            {"account": {"sip_uri": "sip:1@pbx", "tls_verify": "no"}},
            "account.tls_verify",
            "true or false",
        ),
        (
            {"dispositions": [{"code": "sale"}, {"code": "sale"}]},
            "dispositions[1].code",
            "appears twice",
        ),
        (
            {"not_ready_reasons": [{"code": "Lunch Break"}]},
            "not_ready_reasons[0].code",
            "not a code",
        ),
        ({"dispositions": []}, "dispositions", "non-empty list"),
        (
            {"transfer_targets": [{"name": "IVR", "uri": "ivr"}]},
            "transfer_targets[0].uri",
            "not a SIP address",
        ),
        ({"network": {"bind_address": "localhost"}}, "network.bind_address", "not an IP address"),
        ({"network": {"sip_port": 70000}}, "network.sip_port", "from 0 to 65535"),
        ({"wrap_up": {"mod": "optional"}}, "wrap_up.mod", "unknown setting"),
        ({"colour": "blue"}, "colour", "unknown setting"),
        ({"agent": {"id": ""}}, "agent.id", "must not be empty"),
        ({"ui": {"language": "fr"}}, "ui.language", "one of system, en, zh_TW"),
        ({"audio": {"earphone_volume": 250}}, "audio.earphone_volume", "from 0 to 200"),
        ({"audio": {"microphone_volume": "loud"}}, "audio.microphone_volume", "whole number"),
        ({"shortcuts": {"hold": "Ctrl+Shift+"}}, "shortcuts.hold", "not a key like"),
        (
            {"shortcuts": {"mute": "Ctrl+Shift+A"}},
            "shortcuts.mute",
            "Ctrl+Shift+A is already the key of answer",
        ),
    ],
)
def test_a_bad_setting_is_named_with_its_file_and_key(tmp_path, data, key, words):
    with pytest.raises(ProfileError) as refused:
        load_profile(write_profile(tmp_path, data))
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'profile.json'}: {key}: ")
    assert words in message
    assert refused.value.key == key


def test_a_password_in_the_profile_is_refused(tmp_path):
    data = {"account": {"sip_uri": "sip:1@pbx", "password": "hunter2"}}
    with pytest.raises(ProfileError, match=r"account\.password: passwords do not belong") as no:
        load_profile(write_profile(tmp_path, data))
    assert "hunter2" not in str(no.value)


def test_a_profile_that_is_not_json_says_where(tmp_path):
    (tmp_path / "profile.json").write_text('{"agent": {"id": "1001",}}')
    with pytest.raises(ProfileError, match=r"not valid JSON \(line 1, column 25"):
        load_profile(tmp_path)


def test_a_folder_without_a_profile_says_which_file_is_missing(tmp_path):
    with pytest.raises(ProfileError, match=r"profile\.json: not found"):
        load_profile(tmp_path)


def test_the_example_in_the_module_docstring_loads(tmp_path):
    doc = softphone.profile.__doc__
    example = doc[doc.index("    {") : doc.index("    }") + 5]
    profile = load_profile(write_profile(tmp_path, json.loads(example)))
    assert profile.wrap_up_mode == "time_boxed"


def test_named_transfer_targets_default_to_the_ivr_menus_in_resources(tmp_path):
    from softphone.profile import default_profile, load_profile

    (tmp_path / "profile.json").write_text('{"agent": {"id": "a1"}}')
    names = [target.name for target in load_profile(tmp_path).transfer_targets]
    assert names == ["Satisfaction survey", "Payments", "Main menu"]
    assert default_profile("a1").transfer_targets[0].uri == "8100"


def test_a_transfer_target_is_an_extension_or_a_sip_uri(tmp_path):
    import json

    import pytest

    from softphone.profile import ProfileError, load_profile

    targets = [{"name": "Billing", "uri": "sip:ivr-billing@pbx"}, {"name": "Ops", "uri": "7001"}]
    (tmp_path / "profile.json").write_text(json.dumps({"transfer_targets": targets}))
    uris = [t.uri for t in load_profile(tmp_path).transfer_targets]
    assert uris == ["sip:ivr-billing@pbx", "7001"]
    targets[1]["uri"] = "call ops"
    (tmp_path / "profile.json").write_text(json.dumps({"transfer_targets": targets}))
    with pytest.raises(ProfileError, match=r"transfer_targets\[1\]\.uri"):
        load_profile(tmp_path)


def test_language_ringer_and_shortcuts_default_and_round_trip(tmp_path):
    profile = load_profile(write_profile(tmp_path, {"agent": {"id": "1001"}}))
    assert (profile.language, profile.ringer_device) == ("system", "")
    assert profile.shortcuts == softphone.profile.DEFAULT_SHORTCUTS
    changed = dataclasses.replace(
        profile, language="zh_TW", ringer_device="Speakers", shortcut_transfer="F8"
    )
    softphone.profile.save_profile(changed, tmp_path)
    again = load_profile(tmp_path)
    assert (again.language, again.ringer_device, again.shortcuts["transfer"]) == (
        "zh_TW",
        "Speakers",
        "F8",
    )


def test_headset_volumes_default_to_as_is_and_round_trip(tmp_path):
    profile = load_profile(write_profile(tmp_path, {"agent": {"id": "1001"}}))
    assert (profile.microphone_volume, profile.earphone_volume) == (100, 100)
    changed = dataclasses.replace(profile, microphone_volume=0, earphone_volume=155)
    softphone.profile.save_profile(changed, tmp_path)
    again = load_profile(tmp_path)
    assert (again.microphone_volume, again.earphone_volume) == (0, 155)
    settings = softphone.phone.engine_settings(again)
    assert (settings.microphone_volume, settings.earphone_volume) == (0.0, 1.55)
