"""Rules over Go packages and go.mod files (DC5xx)."""
