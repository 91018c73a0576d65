"""``studylog-md server``: the Language Server Protocol over stdio (needs ``studylog-md[server]``).

A thin layer like ``cli/``: ``app.py`` speaks LSP through pygls; ``snapshot.py`` keeps one
parse per document version; ``diagnostics.py``, ``actions.py`` and ``outline.py`` turn the
library's answers into LSP answers; ``text.py`` converts positions and edits. User docs:
docs/editors.md.
"""
