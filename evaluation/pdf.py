"""HTML to a tagged PDF with WeasyPrint.

The PDF is PDF/UA-1 (``pdf_variant="pdf/ua-1"``, which WeasyPrint 66+ supports and which
turns on ``pdf_tags``): a structure tree from the HTML's headings, paragraphs, lists and
tables in reading order, the document title shown in the viewer's title bar (from
``<title>``), the language (from ``<html lang>``) and the metadata from ``<meta>`` tags.

Nothing is fetched over the network: the templates inline their CSS and charts, and the
fetcher only opens ``file:`` and ``data:`` URLs. Fonts come from the system (fontconfig);
the templates ask for DejaVu Sans, which the Docker image installs (fonts-dejavu-core).
"""

from __future__ import annotations

PDF_VARIANT = "pdf/ua-1"


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """``html`` (a whole document) as tagged PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"file", "data"}, timeout=5)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
