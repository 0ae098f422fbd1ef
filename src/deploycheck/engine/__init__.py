"""The engine: discovery → parse → project model → rules → suppression → sorted findings."""
