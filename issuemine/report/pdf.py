"""``--pdf``: print the report page to A4 PDF with headless Chromium (Debian's ``chromium``).

Chromium runs offline (no background networking, no component updates, a throw-away profile) and is driven
over the DevTools protocol on a pipe (``--remote-debugging-pipe``: no port, no extra package), because only
``Page.printToPDF`` can put a page number on every page (CSS ``@page`` margin boxes are not supported in
Chromium). The footer holds the page number; the header the workshop's name and the day it was held
(``header``, from ``report.html.page_header``) — no print date or file path is stamped.

Fonts: Chromium's PDF backend (Skia) embeds CFF-outline fonts — every Noto Sans CJK face — as Type 3
fonts, which some printers and PDF tools render badly and which cannot be searched reliably. So before
printing, the glyphs the page uses are cut out of Noto Sans CJK JP with fontTools, converted to TrueType
outlines and embedded in the printed copy of the page as a web font (``print_font_css``); the PDF then
carries CID TrueType fonts. Without fontTools or the font the page prints as before (Type 3).

The header and footer are drawn outside the page, where its web fonts are not loaded. The header's
glyphs are therefore cut out the same way, renamed ``IssueminePrintHeader`` and handed to that Chromium
process alone as a system font (a private fontconfig file that includes the system's and adds a temporary
folder: ``FONTCONFIG_FILE``), so the header embeds as CID TrueType too.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from issuemine.errors import IssuemineError

log = logging.getLogger(__name__)

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium", "chromium-browser",
                       "google-chrome")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--mute-audio", "--hide-scrollbars")
A4_INCHES = (8.27, 11.69)
PRINT_FONT = "IssueminePrintJP"  # the family name of the embedded TrueType subset
HEADER_FONT = "IssueminePrintHeader"  # the header's TrueType subset, a system font for Chromium only
HEADER_RIGHT = "ワークショップ報告書"
# Digits only (the footer is printed outside the page, where the embedded font is not loaded; DejaVu is
# TrueType, so the numbers embed as a real font too).
FOOTER_TEMPLATE = ('<div style="width:100%;text-align:center;font-size:9px;color:#52606d;'
                   'font-family:\'DejaVu Sans\',sans-serif;"><span class="pageNumber"></span> / '
                   '<span class="totalPages"></span></div>')
HEADER_TEMPLATE = ('<div style="width:100%;margin:0 12mm;display:flex;justify-content:space-between;gap:8mm;'
                   'font-size:8px;color:#52606d;font-family:\'{font}\',\'DejaVu Sans\',sans-serif;">'
                   '<span>{left}</span><span>{right}</span></div>')
# Characters plotly.js writes itself (tick labels, minus sign, ellipsis) on top of those in the page.
EXTRA_CHARS = "0123456789.,%+-−–—…·・→←↑↓×÷±≥≤()()[]/:;!?%「」『』、。 "
READY_JS = """new Promise(resolve => {
  const done = () => Array.from(document.querySelectorAll('div.plotly-graph-div'))
      .every(d => d.querySelector('.main-svg'));
  const wait = (n) => (done() || n <= 0) ? document.fonts.ready.then(() =>
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))) : setTimeout(() => wait(n - 1), 50);
  wait(400);
})"""


def find_chromium(explicit: str | None = None) -> str | None:
    """Path of a Chromium executable: ``explicit``, $ISSUEMINE_CHROMIUM, else the usual names."""
    for cand in (explicit, os.environ.get("ISSUEMINE_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if not cand:
            continue
        found = cand if os.path.isabs(cand) and os.access(cand, os.X_OK) else shutil.which(cand)
        if found:
            return found
    return None


# --- the embedded TrueType font ------------------------------------------------------------------------
def _font_file(style: str) -> tuple[str, int] | None:
    """(path, face index) of Noto Sans CJK JP in ``style`` (Regular / Bold) from fontconfig."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(["fc-match", f"Noto Sans CJK JP:style={style}", "--format=%{file}\t%{index}\t%{family}"],
                             capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\t")
    if len(parts) < 3 or "Noto Sans CJK" not in parts[2] or not Path(parts[0]).is_file():
        return None
    return parts[0], int(parts[1] or 0)


def _cff_to_glyf(font) -> None:
    """Replace the CFF outlines of ``font`` (a fontTools TTFont) by TrueType quadratic outlines, in place
    (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, g in glyf.glyphs.items():
        if hasattr(g, "xMin"):
            hmtx[name] = (hmtx[name][0], g.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and CID fonts have none worth keeping
    post.extraNames, post.mapping = [], {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def truetype_subset(path: str, index: int, chars: str) -> bytes:
    """The glyphs of ``chars`` from face ``index`` of ``path``, as a TrueType-outline font file."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    opts = subset.Options()
    opts.desubroutinize = True
    # horizontal text set glyph by glyph: no vertical forms, no OpenType layout (a third of the time)
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes={ord(c) for c in chars})
    sub.subset(font)
    _cff_to_glyf(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def print_font_css(text: str) -> str:
    """``@font-face`` rules embedding Noto Sans CJK JP (regular and bold) as TrueType subsets covering
    ``text``, and a rule making every element use them; "" when fontTools or the font is missing."""
    try:
        import fontTools  # noqa: F401
    except ImportError:
        log.info("fontTools がないため、PDF の日本語フォントは Type 3 で埋め込まれます。")
        return ""
    chars = "".join(sorted({c for c in text + EXTRA_CHARS if c.isprintable()}))
    rules = []
    for style, weight in (("Regular", 400), ("Bold", 700)):
        found = _font_file(style)
        if found is None:
            return ""
        data = base64.b64encode(truetype_subset(found[0], found[1], chars)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{PRINT_FONT}"; font-weight: {weight}; font-style: normal; '
                     f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}')
    # !important beats plotly's inline font-family on SVG text, its text-measuring element included
    rules.append(f'html, body, body * {{ font-family: "{PRINT_FONT}", "DejaVu Sans", sans-serif !important; }}')
    return "\n".join(rules)


def renamed_font(data: bytes, family: str) -> bytes:
    """A font file whose family is ``family`` (so fontconfig cannot mistake it for the full font)."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    names = {1: family, 2: "Regular", 3: f"{family}-Regular", 4: f"{family} Regular", 6: f"{family}-Regular",
             16: family, 17: "Regular"}
    for rec in font["name"].names:
        if rec.nameID in names:
            rec.string = names[rec.nameID]
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def header_fonts(text: str, folder: Path) -> dict | None:
    """Environment for Chromium that adds the glyphs of ``text`` as the system font ``HEADER_FONT``
    (files in ``folder``); None when fontTools or Noto Sans CJK JP is missing."""
    try:
        import fontTools  # noqa: F401
    except ImportError:
        return None
    found = _font_file("Regular")
    if found is None:
        return None
    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    chars = "".join(sorted({c for c in text + EXTRA_CHARS if c.isprintable()}))
    (fonts / "header.ttf").write_bytes(renamed_font(truetype_subset(found[0], found[1], chars), HEADER_FONT))
    from xml.sax.saxutils import escape

    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{escape(system)}</include>\n  <dir>{escape(str(fonts))}</dir>\n'
        f'  <cachedir>{escape(str(folder / "cache"))}</cachedir>\n</fontconfig>\n', encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}


def header_template(text: str) -> str:
    """The PDF's running header: ``text`` (escaped) on the left, 「ワークショップ報告書」 on the right."""
    import html

    if not text:
        return "<span></span>"
    return HEADER_TEMPLATE.format(font=HEADER_FONT, left=html.escape(text), right=HEADER_RIGHT)


def printable_html(html: str) -> str:
    """The page as it is printed: the same HTML with the embedded TrueType font (see the module doc)."""
    import re

    # the visible text and the strings in figure data: the page minus plotly.js itself
    body = re.sub(r"<script[^>]*>\s*/\*\*\s*\n?\s*\*\s*plotly\.js.*?</script>", "", html, count=1, flags=re.S)
    # figure JSON writes non-ASCII characters as \\uXXXX escapes: count those characters in too
    escaped = "".join(chr(int(h, 16)) for h in set(re.findall(r"\\u([0-9a-fA-F]{4})", body)))
    css = print_font_css(body + escaped)
    if not css:
        return html
    return html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


# --- DevTools over a pipe ------------------------------------------------------------------------------
class _Pipe:
    """The DevTools protocol on Chromium's fds 3 (commands in) and 4 (replies and events out)."""

    def __init__(self, exe: str, profile: str, timeout: float, env: dict | None = None) -> None:
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()
        self.deadline = time.monotonic() + timeout
        # Chromium reads commands on fd 3 and writes on fd 4: a tiny Python trampoline puts the pipe ends
        # there and execs Chromium (no preexec_fn, which is unsafe in a threaded server; no shell, whose
        # redirections stop at fd 9)
        # (dup2 onto the same number keeps close-on-exec, hence the explicit set_inheritable)
        trampoline = ("import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); "
                      "r2, w2 = os.dup(r), os.dup(w); os.dup2(r2, 3); os.dup2(w2, 4); "
                      "os.set_inheritable(3, True); os.set_inheritable(4, True); "
                      "os.execv(sys.argv[3], sys.argv[3:])")
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", trampoline, str(cmd_r), str(out_w), exe, *CHROMIUM_FLAGS,
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(cmd_r, out_w), env=env)
        os.close(cmd_r)
        os.close(out_w)
        self._buf = b""
        self._id = 0

    def _read_message(self) -> dict:
        import select

        while b"\0" not in self._buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._out_r], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(self._out_r, 1 << 20)
            if not chunk:
                raise EOFError
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})

    def wait_event(self, name: str, session: str) -> dict:
        while True:
            msg = self._read_message()
            if msg.get("method") == name and msg.get("sessionId") == session:
                return msg.get("params", {})

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001 - closing a browser that already went away
            pass
        for fd in (self._cmd_w, self._out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class PdfPrinter:
    """Print an HTML file to an A4 PDF with page numbers and embedded TrueType Japanese fonts.

    Parameters
    ----------
    chromium : executable path; found automatically when None.
    timeout : seconds before giving up.
    embed_font : embed the page's glyphs of Noto Sans CJK JP as TrueType (see the module doc).
    header : the running header's text (the workshop's name and date); "" prints no header.
    """

    def __init__(self, chromium: str | None = None, timeout: float = 120.0, embed_font: bool = True,
                 header: str = "") -> None:
        self.chromium = chromium
        self.timeout = timeout
        self.embed_font = embed_font
        self.header = header

    def print(self, html_path: str | Path, pdf_path: str | Path) -> Path:
        exe = find_chromium(self.chromium)
        if exe is None:
            raise IssuemineError("PDF を作るための Chromium が見つかりません。",
                                 hint="Debian/Ubuntu では sudo apt-get install chromium fonts-noto-cjk で導入できます")
        html_path = Path(html_path).resolve()
        pdf_path = Path(pdf_path).resolve()
        with tempfile.TemporaryDirectory(prefix="issuemine-chromium-") as tmp:
            page = html_path
            if self.embed_font:
                page = Path(tmp) / "print.html"
                page.write_text(printable_html(html_path.read_text(encoding="utf-8")), encoding="utf-8")
            profile = Path(tmp) / "profile"
            profile.mkdir()
            env = header_fonts(self.header + HEADER_RIGHT, Path(tmp)) if self.header and self.embed_font else None
            try:
                data = self._print(exe, str(profile), page.as_uri(), env)
            except TimeoutError as exc:
                raise IssuemineError(f"Chromium による PDF 作成が {self.timeout:.0f} 秒以内に終わりませんでした。",
                                     file=html_path) from exc
            except (OSError, EOFError, RuntimeError, ValueError) as exc:
                raise IssuemineError(f"Chromium による PDF 作成に失敗しました({type(exc).__name__})。",
                                     file=html_path) from exc
        if not data.startswith(b"%PDF"):
            raise IssuemineError("Chromium による PDF 作成に失敗しました(PDF が空です)。", file=html_path)
        pdf_path.write_bytes(data)
        return pdf_path

    def _print(self, exe: str, profile: str, url: str, env: dict | None = None) -> bytes:
        pipe = _Pipe(exe, profile, self.timeout, env)
        try:
            target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            pipe.call("Page.enable", session=session)
            pipe.call("Page.navigate", {"url": url}, session=session)
            pipe.wait_event("Page.loadEventFired", session)
            pipe.call("Runtime.evaluate", {"expression": READY_JS, "awaitPromise": True}, session=session)
            result = pipe.call("Page.printToPDF", {
                "paperWidth": A4_INCHES[0], "paperHeight": A4_INCHES[1], "preferCSSPageSize": True,
                "printBackground": True, "displayHeaderFooter": True, "headerTemplate": header_template(self.header),
                "footerTemplate": FOOTER_TEMPLATE, "generateDocumentOutline": True,
            }, session=session)
            return base64.b64decode(result["data"])
        finally:
            pipe.close()
