"""FastAPI service for the web client: session tokens, slots, summaries, appointments, health."""
