"""Storage: the database and everything that reads or writes files.

Engine and sessions (``db``), the typed ORM (``orm``), Alembic migrations
(``migrate``, ``migrations/``), queries (``repository``), the shipped data
(``seed``), saved scenarios (``scenarios``), screening records (``screening``,
``handover``), and file import and export (``tabular``, ``importer``,
``exporter``, ``evidence_files``, ``proposal_files``, ``net_files``). Engines
never import this package; it calls them.
"""
