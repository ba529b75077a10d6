"""Aida's tools: plain async functions over the store, one module each (see `base.py`).

Import a tool from its own module (`from aida.tools.book_appointment import book_appointment`):
re-exporting them here would make `python -m aida.tools.<name>` run its module twice.
"""
