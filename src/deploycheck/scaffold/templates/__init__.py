"""One module per kind of file `init` writes; each renders text from `AppFacts` and `Options`."""
