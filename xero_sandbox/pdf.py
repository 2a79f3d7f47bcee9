"""A document as a small, valid PDF: what ``GET /Invoices/{id}`` with ``Accept:
application/pdf`` answers (Xero renders its own template; the sandbox writes the document's
number, contact, dates, lines and totals as plain text on A4 pages of 55 lines)."""

FONT_SIZE = 10
LINE_HEIGHT = 14
TOP = 800  # points from the bottom of an A4 page (842 high)
LEFT = 50
LINES_PER_PAGE = 55
MAX_LINE = 110  # characters


def document_pdf(text_lines):
    """A PDF 1.4 file (bytes) showing ``text_lines``, in Helvetica, Latin-1 only."""
    lines = [clip(str(line)) for line in text_lines] or [""]
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    # Objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream per page.
    page_ids = [4 + 2 * n for n in range(len(pages))]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % i for i in page_ids), len(pages)),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for page_id, page_lines in zip(page_ids, pages, strict=True):
        stream = content_stream(page_lines)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    return assemble(objects)


def content_stream(lines):
    parts = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LINE_HEIGHT, b"%d %d Td" % (LEFT, TOP)]
    for line in lines:
        parts.append(b"(%s) '" % escape(line))
    parts.append(b"ET")
    return b"\n".join(parts)


def assemble(objects):
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    count = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for number in range(1, count):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)


def clip(text):
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 3] + "..."


def escape(text):
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def document_lines(kind, doc, number_field, org_name):
    """The text of a document's PDF: heading, parties, dates, lines and totals."""
    lines = [
        "%s %s" % (kind, doc.get(number_field) or ""),
        "From: %s" % org_name,
        "To: %s" % (doc.get("Contact") or {}).get("Name", ""),
        "Date: %s" % (doc.get("Date") or "")[:10],
    ]
    for field, label in (
        ("DueDate", "Due date"),
        ("DeliveryDate", "Delivery date"),
        ("Reference", "Reference"),
    ):
        if doc.get(field):
            lines.append(
                "%s: %s" % (label, str(doc[field])[:10] if "Date" in field else doc[field])
            )
    lines.append("Status: %s    Amounts are %s" % (doc.get("Status"), doc.get("LineAmountTypes")))
    lines.append("")
    for line in doc.get("LineItems") or []:
        if not (line.get("Quantity") or line.get("UnitAmount") or line.get("LineAmount")):
            lines.append(line.get("Description") or "")
            continue
        lines.append(
            "%s    %s x %s    %s"
            % (
                line.get("Description") or line.get("ItemCode") or "",
                line.get("Quantity"),
                line.get("UnitAmount"),
                line.get("LineAmount"),
            )
        )
    lines.append("")
    currency = doc.get("CurrencyCode") or ""
    for field in ("SubTotal", "TotalTax", "Total"):
        lines.append("%s: %s %s" % (field, doc.get(field), currency))
    for field in ("AmountDue", "RemainingCredit"):
        if field in doc:
            lines.append("%s: %s %s" % (field, doc[field], currency))
    return lines
