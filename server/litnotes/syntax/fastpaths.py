"""The one switch for the parser's fast paths.

Each fast path (the highlight callouts of `callouts.py`, the common-shape link scan of `inline.py`,
the standard Zotero link of `highlights.py`, one-line lists of words in `yamlfast.py`, the cache
of parsed front matter in `frontmatter.py`) must give exactly what the generic code gives; the
differential test `tests/test_parser_fastpath.py` turns them off here to compare the two.
"""

from __future__ import annotations

ENABLED = True
