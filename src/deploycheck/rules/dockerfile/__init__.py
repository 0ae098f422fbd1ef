"""Rules over one Dockerfile (DC1xx); `context_*` rules also read the build context's files."""
