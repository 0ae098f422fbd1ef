"""Command-line interface: argument parsing and exit codes only."""
