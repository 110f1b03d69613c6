"""Callboard softphone: the agent's SIP phone."""

__version__ = "0.1.0"
