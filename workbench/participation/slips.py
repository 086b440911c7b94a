"""Printable slips of participation codes: one slip per code with a QR code that opens the
resident page with the code filled in. HTML (self-contained: the QR codes are inline SVG) and
PDF (the same HTML printed by headless Chromium, so Chinese renders with the system's CJK
fonts)."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlencode

import segno

from workbench import settings
from workbench.assets import stylesheet

SLIPS_PER_PAGE = 8  # 2 × 4 on A4 (slips.css lays them out)


def page_url() -> str:
    """Where residents reach the page: the ``public_url`` setting, else the local server."""
    return settings.get("public_url") or \
        f"http://{settings.get('bind')}:{settings.get('voila_port')}/"


def slip_link(code: str, base_url: str | None = None) -> str:
    return f"{base_url or page_url()}?{urlencode({'code': code})}"


def _qr_svg(link: str) -> str:
    svg = segno.make(link, error="m").svg_inline(scale=3, border=2)
    return svg


def slips_html(codes: list[str], community_name: dict, batch: str = "",
               base_url: str | None = None) -> str:
    """The slips of ``codes`` as one HTML document."""
    esc = html.escape
    slips = []
    for code in codes:
        link = slip_link(code, base_url)
        slips.append(
            "<div class='slip'>" + _qr_svg(link) + "<div>"
            f"<h2>{esc(community_name.get('zh', ''))} · 参与码</h2>"
            f"<div class='en'>{esc(community_name.get('en', ''))} · Participation code</div>"
            f"<div class='code'>{esc(code)}</div>"
            "<p>扫码或打开网址后输入参与码，即可支持提案、表态和答问卷。一码一人，请妥善保管。</p>"
            "<p class='en'>Scan the code, or open the address and type the code, to support "
            "proposals, vote and answer surveys. One code, one person: keep it safe.</p>"
            f"<p class='en'>{esc(base_url or page_url())}"
            f"{' · ' + esc(batch) if batch else ''}</p>"
            "</div></div>")
    pages = ["<div class='page'>" + "".join(slips[i:i + SLIPS_PER_PAGE]) + "</div>"
             for i in range(0, len(slips), SLIPS_PER_PAGE)]
    title = f"{community_name.get('zh', '')} 参与码 / Participation codes"
    style = stylesheet("workbench.participation", "slips.css")
    return ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{esc(title)}</title><style>{style}</style></head><body>"
            + "".join(pages) + "</body></html>")


def write_slips(codes: list[str], community_name: dict, out_dir: Path, batch: str = "",
                base_url: str | None = None, pdf: bool = True) -> list[Path]:
    """Write slips.html (and slips.pdf) into ``out_dir``; returns the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / "slips.html"
    html_path.write_text(slips_html(codes, community_name, batch, base_url), encoding="utf-8")
    written = [html_path]
    if pdf:
        written.append(html_to_pdf(html_path, out_dir / "slips.pdf"))
    return written


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium (Debian's chromium). Runs in a
    thread of its own: Playwright's sync API refuses to run where an asyncio loop already
    runs (a notebook kernel, or another Playwright session)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print_pdf, html_path, pdf_path).result()


def _print_pdf(html_path: Path, pdf_path: Path) -> Path:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=settings.get("chromium"), args=args)
        try:
            page = browser.new_page()
            page.goto(Path(html_path).resolve().as_uri())
            page.pdf(path=str(pdf_path), format="A4", print_background=True,
                     prefer_css_page_size=True)
        finally:
            browser.close()
    return pdf_path
