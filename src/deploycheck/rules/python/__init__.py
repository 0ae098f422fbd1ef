"""Rules over Python apps: source facts, gunicorn config, Django settings, Procfiles (DC6xx)."""
