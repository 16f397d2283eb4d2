"""Printable PDFs (member card, certificate) drawn with reportlab; QR codes from segno.

Only reportlab's built-in fonts: no network, no system libraries.
"""

from __future__ import annotations

import io

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

CARD_SIZE = (85.6 * mm, 54 * mm)  # ISO/IEC 7810 ID-1, a bank card


def _draw_qr(pdf: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=1, border=2))
    cell = size / len(rows)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def member_card_pdf(*, name: str, number: str, community: str, payload: str, title: str) -> bytes:
    """One member card, bank-card sized, with the signed QR payload."""
    buffer = io.BytesIO()
    width, height = CARD_SIZE
    pdf = canvas.Canvas(buffer, pagesize=CARD_SIZE)
    pdf.setTitle(title)
    pdf.setFillColorRGB(0.043, 0.365, 0.271)
    pdf.rect(0, height - 11 * mm, width, 11 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(4 * mm, height - 7.5 * mm, title)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(4 * mm, height - 19 * mm, name[:32])
    pdf.setFont("Courier-Bold", 10)
    pdf.drawString(4 * mm, height - 26 * mm, number)
    pdf.setFont("Helvetica", 7)
    pdf.drawString(4 * mm, height - 32 * mm, community[:40])
    _draw_qr(pdf, payload, width - 32 * mm, 3 * mm, 29 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def certificate_pdf(
    *, heading: str, holder: str, lines: list[str], verify_url: str, verify_label: str
) -> bytes:
    """An A4 landscape certificate with a QR code linking to its public verification page."""
    buffer = io.BytesIO()
    size = landscape(A4)
    width, height = size
    pdf = canvas.Canvas(buffer, pagesize=size)
    pdf.setTitle(heading)
    pdf.setStrokeColorRGB(0.043, 0.365, 0.271)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 50 * mm, heading)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 80 * mm, holder[:60])
    pdf.setFont("Helvetica", 13)
    for i, line in enumerate(lines):
        pdf.drawCentredString(width / 2, height - (98 + 9 * i) * mm, line[:100])
    _draw_qr(pdf, verify_url, width - 62 * mm, 20 * mm, 40 * mm)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(20 * mm, 22 * mm, f"{verify_label} {verify_url}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
