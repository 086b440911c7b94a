"""`workbench codes issue`: slips in HTML and PDF, Chinese text rendering, QR codes that read
back as the resident page's address with the code filled in, and codes that work."""

import subprocess

import pytest

from workbench.cli import main
from workbench.participation.codes import AttemptLimiter, check_code
from workbench.store import Store

pytestmark = pytest.mark.browser  # the PDF is printed by Chromium


def test_issue_prints_slips_whose_qr_codes_open_the_page_with_the_code(tmp_path, capsys):
    out = tmp_path / "slips"
    assert main(["codes", "issue", "3", "--batch", "3幢", "--out", str(out),
                 "--base-url", "https://example.test/resident/"]) == 0
    html = (out / "slips.html").read_text(encoding="utf-8")
    codes = sorted(set(__import__("re").findall(r"class='code'>([A-Z0-9]{5}-[A-Z0-9]{5})<",
                                                html)))
    assert len(codes) == 3 and html.count("<svg") == 3 and "3幢" in html
    text = subprocess.run(["pdftotext", str(out / "slips.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "和光未来社区" in text and "参与码" in text and all(c in text for c in codes)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(out / "slips.pdf"),
                    str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")],
                             capture_output=True, text=True).stdout.split()
    assert sorted(scanned) == sorted(f"https://example.test/resident/?code={c}" for c in codes)
    store = Store()
    for code in codes:
        assert check_code(store, "heguang", code, AttemptLimiter())[1] is None
    # revoke one: it stops working
    row = store.list_codes("heguang")[0]
    assert main(["codes", "revoke", str(row["id"])]) == 0
    assert main(["codes", "revoke", str(row["id"])]) == 1
