"""Rules, one per module, grouped by the kind of input they read; `project/` spans kinds."""
