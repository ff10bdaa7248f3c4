"""Explain: shadow prices, unfunded reasons, relaxations, the greedy baseline and the wording."""
