"""``--pdf``: print the report page to A4 PDF with headless Chromium (Debian's ``chromium``).

Chromium runs offline (no background networking, no component updates, a throw-away profile), lays the
page out with the A4 print stylesheet and the system's Noto CJK fonts, and writes the PDF without header
or footer, so no date or file path is stamped on the pages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from issuemine.errors import IssuemineError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium", "chromium-browser",
                       "google-chrome")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def find_chromium(explicit: str | None = None) -> str | None:
    """Path of a Chromium executable: ``explicit``, $ISSUEMINE_CHROMIUM, else the usual names."""
    for cand in (explicit, os.environ.get("ISSUEMINE_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if not cand:
            continue
        found = cand if os.path.isabs(cand) and os.access(cand, os.X_OK) else shutil.which(cand)
        if found:
            return found
    return None


class PdfPrinter:
    """Print an HTML file to PDF.

    Parameters
    ----------
    chromium : executable path; found automatically when None.
    timeout : seconds before giving up.
    """

    def __init__(self, chromium: str | None = None, timeout: float = 120.0) -> None:
        self.chromium = chromium
        self.timeout = timeout

    def print(self, html_path: str | Path, pdf_path: str | Path) -> Path:
        exe = find_chromium(self.chromium)
        if exe is None:
            raise IssuemineError("PDF を作るための Chromium が見つかりません。",
                                 hint="Debian/Ubuntu では sudo apt-get install chromium fonts-noto-cjk で導入できます")
        html_path = Path(html_path).resolve()
        pdf_path = Path(pdf_path).resolve()
        with tempfile.TemporaryDirectory(prefix="issuemine-chromium-") as profile:
            cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   # let plotly finish drawing before the page is printed
                   "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
                   f"--print-to-pdf={pdf_path}", html_path.as_uri()]
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=self.timeout, check=False)
            except subprocess.TimeoutExpired as exc:
                raise IssuemineError(f"Chromium による PDF 作成が {self.timeout:.0f} 秒以内に終わりませんでした。",
                                     file=html_path) from exc
        if proc.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
            raise IssuemineError(f"Chromium による PDF 作成に失敗しました(終了コード {proc.returncode})。",
                                 file=html_path)
        return pdf_path
