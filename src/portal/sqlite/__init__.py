"""The portal's SQLite database backend (`ENGINE: portal.sqlite`): Django's, with the
writers queued in turn (base.py)."""
