"""`deploycheck init`: write a deployment that fits the app, from what its code says.

`detect.detect(root, config, app_dir)` reads the project model `deploycheck check` builds (Go
packages, go.mod, Python apps and their dependencies; the app's code is never run) and returns
`AppFacts`; `generate.generate(facts, options)` renders the files (plain Python string building,
one module per kind under `templates/`); `writer.Writer` writes them, asking first, keeping
backups and never overwriting without `--force`.
"""
