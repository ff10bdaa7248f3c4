"""How values are written for people and for files: one place for every layer to use."""
