"""DTI scoring core: frameworks, scoring, comparability, classification, ranking and audit.

Plain Python and numpy only: nothing here imports Django or the portal, so the CLI and
the tests use the core without a database (a test enforces it).
"""

__version__ = "0.1.0"
