"""Rules about the run itself: unreadable files and suppressions."""
