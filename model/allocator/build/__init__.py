"""Build: candidate arrays and the named rows and columns of the allocation programme."""
