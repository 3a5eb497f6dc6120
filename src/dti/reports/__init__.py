"""Official reports: the report as data (data.py), then DOCX, XLSX, PDF and office
templates rendered from it without computing anything. See docs/reports.md."""
