from __future__ import annotations

from django.core.checks import Warning, register

PANGO_HINT = (
    "PDF reports need Pango from the operating system. "
    "Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; "
    "Fedora: sudo dnf install pango; macOS: brew install pango."
)


@register("pdf")
def check_pdf_support(app_configs, **kwargs):
    """WeasyPrint loads Pango at import; say what to install when it cannot."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return [
            Warning(f"WeasyPrint cannot load Pango ({exc}).", hint=PANGO_HINT, id="learning.W001")
        ]
    return []
