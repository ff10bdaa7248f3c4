"""Solve: the reduced programme in HiGHS or CBC, warm re-solves, solution records."""
