"""The committee report: workshop folders in, one Japanese HTML page (plus xlsx, CSV, PDF) out.

    from issuemine.report import ReportBuilder, write_report
    report = ReportBuilder(seed=0).build(["workshops/sample"])
    write_report(report, "reports/sample", pdf=False)

Modules: ``workshop`` (finding a folder's files), ``build`` (assembling the data), ``summary`` (sentences),
``figures``, ``html`` (+ ``templates/``), ``xlsx``, ``pdf``, ``pii`` (--mask-pii), ``compare`` (several
meetings), ``output`` (writing the folder). Heavy libraries are imported inside functions only.
"""

from issuemine.report.build import ReportBuilder, ReportData, WorkshopData, report_helper
from issuemine.report.output import write_report
from issuemine.report.workshop import Workshop, find_workshop

__all__ = ["ReportBuilder", "ReportData", "WorkshopData", "Workshop", "find_workshop", "write_report",
           "make_report", "report_helper"]


def make_report(workshops, out, *, seed: int = 0, mask_pii: bool = False, pdf: bool = False,
                n_themes="auto", max_bytes: int | None = None):
    """Build and write the report of ``workshops`` (folders or notes files) into ``out``; return ReportData.

    ``max_bytes``: the largest input file read (default ``issuemine.ingest.DEFAULT_MAX_BYTES``).
    On a cold start a helper process computes the theme map and the workbook meanwhile (same output)."""
    with report_helper() as helper:
        report = ReportBuilder(seed=seed, mask_pii=mask_pii, n_themes=n_themes, helper=helper,
                               max_bytes=max_bytes).build(list(workshops))
        write_report(report, out, pdf=pdf, helper=helper)
    return report
