"""Rules over nginx configuration files (DC4xx)."""
