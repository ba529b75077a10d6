"""Simulated phone calls through Aida's real voice pipeline, without a LiveKit server.

`python -m aida simulate [SCENARIO]` runs a scripted caller (a YAML file in `scenarios/`) through
VAD -> STT -> LLM -> tools -> TTS on the local models, prints the call as it happens, records it,
measures each turn's latency and checks the calendar it leaves behind.
"""
