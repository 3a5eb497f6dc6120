"""A framework as an XLSX workbook the office can download, fill and upload: sheets
"Tiêu chí" (the tree), "Chính sách" (code, name and ranking policy), "Nhóm xếp hạng",
"Xếp hạng từng chỉ số" (main indices whose own ranking is a mapping), "Điểm thưởng, trừ"
and "Hướng dẫn". Writing an imported framework gives back the same
document: a blank cell is a field the document does not state, and nothing else."""

from portal.frameworks.workbook.book import framework_workbook, read_framework_workbook

__all__ = ["framework_workbook", "read_framework_workbook"]
