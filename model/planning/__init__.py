"""Planning: what the Plan, Scenarios and Uncertainty pages need.

Scenario inputs from page controls (``inputs``), the read-out of a result
(``readout``), comparison of saved plans (``compare``), the Excel workbook
(``workbook``), the one-page brief (``brief``), chart specifications
(``charts``) and the demo scenario (``demo``). It calls the engines; it never
touches the database (``model.store`` calls it, not the reverse).
"""
