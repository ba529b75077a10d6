"""Aida on LiveKit Agents: the receptionist (`aida`), her caller (`identity`, `state`), the live
timeline (`timeline`), provider selection (`providers`), one call end to end (`session`) and the
worker's start-up (`worker`). `agent.py` at the repository root is the entry point."""
