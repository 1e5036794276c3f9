"""issuemine: multidisciplinary workshop notes → themes, a concept diagram and a committee report.

Kept import-light on purpose: ``issuemine --help`` must not pay for pandas, sklearn or fugashi.
Import the stages from their rooms: ``issuemine.ingest``, ``issuemine.text``, ``issuemine.themes``,
``issuemine.diagram``, ``issuemine.survey``, ``issuemine.report``, ``issuemine.app``.
"""

__version__ = "0.1.0"

from issuemine.errors import IssuemineError  # noqa: E402  (light: no third-party imports)

__all__ = ["IssuemineError", "__version__"]
