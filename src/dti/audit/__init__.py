"""Auditing published tables: everything a careful reader could check with the framework,
the campaign's units and the tables themselves.

Each table is checked on its own (a row that does not add up, a score above its max, a
max row that is not the framework's, a ratio, rank, order or class that does not follow
from the table's own totals) and against the other tables of its level (the same unit's
same index printed differently). Ranks, order, ratios and classes are judged on the
printed totals, so one wrong total is reported once, as a sum, not again as a rank.
"""

from __future__ import annotations

from collections.abc import Sequence

from dti.audit.cross_table import cross_table_findings
from dti.audit.findings import Finding
from dti.audit.tables import TableAudit
from dti.campaign import Campaign
from dti.reproduce import reproduce
from dti.tables.model import PublishedTable

__all__ = ["Finding", "audit"]


def audit(campaign: Campaign, tables: Sequence[PublishedTable]) -> list[Finding]:
    """Every inconsistency in `tables`, table by table, then across tables."""
    findings: list[Finding] = []
    for table in tables:
        findings.extend(TableAudit(campaign, reproduce(table, campaign)).run())
    findings.extend(cross_table_findings(campaign, tables))
    return findings
