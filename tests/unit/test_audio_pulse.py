"""Headsets on a Linux desktop: the sound server's devices, parsed and opened by name."""

import os

from softphone.audio import pulse
from softphone.audio.devices import OpenTarget, headset_devices, open_target

SINKS = """\
Sink #0
\tState: SUSPENDED
\tName: alsa_output.pci-0000_00_1f.3.analog-stereo
\tDescription: Built-in Audio Analog Stereo
\tDriver: module-alsa-card.c
Sink #5
\tState: RUNNING
\tName: alsa_output.usb-GN_Netcom_Jabra_EVOLVE_20-00.mono-fallback
\tDescription: Jabra EVOLVE 20 Mono
"""

SOURCES = """\
Source #1
\tName: alsa_output.pci-0000_00_1f.3.analog-stereo.monitor
\tDescription: Monitor of Built-in Audio Analog Stereo
\tMonitor of Sink: alsa_output.pci-0000_00_1f.3.analog-stereo
Source #6
\tName: alsa_input.usb-GN_Netcom_Jabra_EVOLVE_20-00.mono-fallback
\tDescription: Jabra EVOLVE 20 Mono
\tMonitor of Sink: n/a
"""


def _devices():
    return pulse.parse_pactl_list(SINKS, "sink") + pulse.parse_pactl_list(SOURCES, "source")


def test_sinks_and_sources_are_listed_by_description_and_monitors_flagged():
    devices = _devices()
    assert [(d.kind, d.description, d.monitor) for d in devices] == [
        ("sink", "Built-in Audio Analog Stereo", False),
        ("sink", "Jabra EVOLVE 20 Mono", False),
        ("source", "Monitor of Built-in Audio Analog Stereo", True),
        ("source", "Jabra EVOLVE 20 Mono", False),
    ]
    # A monitor opens by its id only: nobody picks "Monitor of ..." as a microphone.
    monitor = "alsa_output.pci-0000_00_1f.3.analog-stereo.monitor"
    assert pulse.find(devices, monitor, "source") == devices[2]
    assert pulse.find(devices, "Monitor of Built-in Audio Analog Stereo", "source") is None


def test_the_agent_is_offered_no_monitor(monkeypatch):
    monkeypatch.setattr(pulse, "pulse_devices", _devices)
    devices, problem = headset_devices()
    assert problem == ""
    assert [(d.name, d.inputs, d.outputs) for d in devices] == [
        ("Built-in Audio Analog Stereo", 0, 1),
        ("Jabra EVOLVE 20 Mono", 0, 1),
        ("Jabra EVOLVE 20 Mono", 1, 0),
    ]


def test_a_server_device_opens_through_pulse_routed_to_it():
    devices = _devices()
    assert open_target("Jabra EVOLVE 20 Mono", output=True, devices=devices) == OpenTarget(
        "pulse", sink="alsa_output.usb-GN_Netcom_Jabra_EVOLVE_20-00.mono-fallback"
    )
    assert open_target("Jabra EVOLVE 20 Mono", output=False, devices=devices) == OpenTarget(
        "pulse", source="alsa_input.usb-GN_Netcom_Jabra_EVOLVE_20-00.mono-fallback"
    )
    # A PortAudio name, the default, and no server: PortAudio's own device.
    assert open_target("hw:1,0", output=True, devices=devices) == OpenTarget("hw:1,0")
    assert open_target("", output=True, devices=devices) == OpenTarget(None)
    assert open_target("Jabra EVOLVE 20 Mono", output=True, devices=None) == OpenTarget(
        "Jabra EVOLVE 20 Mono"
    )


def test_routing_is_put_back_after_the_open(monkeypatch):
    monkeypatch.setenv("PULSE_SINK", "theirs")
    monkeypatch.delenv("PULSE_SOURCE", raising=False)
    with pulse.routed_to(sink="headset", source="headset_mic"):
        assert os.environ["PULSE_SINK"] == "headset"
        assert os.environ["PULSE_SOURCE"] == "headset_mic"
    assert os.environ["PULSE_SINK"] == "theirs"
    assert "PULSE_SOURCE" not in os.environ


def test_without_pactl_there_is_no_server_list(monkeypatch):
    monkeypatch.setattr(pulse.shutil, "which", lambda _name: None)
    assert pulse.pulse_devices() is None
    assert not pulse.DeviceWatcher().start()
