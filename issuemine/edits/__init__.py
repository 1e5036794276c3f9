"""The facilitator's edit list: its file (``listfile``) and how it is applied so that it stays true (``apply``).

Stable API (used by the CLI, the report and the web app):

* :func:`load_edits`, :func:`append_edit`, :func:`validate_edit`, :func:`parse_line`, :func:`dump_line`,
  :func:`edits_path_for` — the JSON Lines file and its schema (Japanese InputError naming line and key);
* :func:`record_members` — call before storing an edit made on the current themes, so it can follow its
  notes after a re-analysis; :func:`note_ids_of` — the notes an edit refers to;
* :func:`apply_theme_edits` — ``(result, edits) → (new_result, not_applied_messages)``; per-edit outcomes
  in ``new_result.info["edits"]["outcomes"]``; the rule in :data:`RULE_JA` / ``issuemine.edits.apply``.
"""

from issuemine.edits.apply import JACCARD_MIN, NOT_APPLIED_TITLE, RULE_JA, apply_theme_edits, find_theme
from issuemine.edits.listfile import (OP_NAMES_JA, OPS, SCHEMA, ZONE_VALUES, append_edit, dump_line, edit_notes,
                                      edits_path_for,
                                      load_edits, note_ids_of, parse_line, record_members, validate_edit)

__all__ = ["JACCARD_MIN", "NOT_APPLIED_TITLE", "OPS", "OP_NAMES_JA", "RULE_JA", "SCHEMA", "ZONE_VALUES",
           "append_edit", "apply_theme_edits", "dump_line", "edits_path_for", "find_theme", "load_edits",
           "note_ids_of", "parse_line", "record_members", "validate_edit"]
