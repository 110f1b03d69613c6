"""Audio devices for calls: native pjsua2 devices, or a PortAudio bridge."""

from softphone.audio.devices import AudioDevice, AudioReport, describe_audio

__all__ = ["AudioDevice", "AudioReport", "describe_audio"]
