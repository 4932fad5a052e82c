"""Records -> rows of the published tables (plain dicts keyed by column name)."""

from __future__ import annotations

from typing import Any

from generator.corpus import FUND_SOURCES, Department, annual_total
from generator.publish.schema import DEPARTMENTS, INDICATORS, PROJECTS

_FUND_KEYS = tuple(key for key, _ in FUND_SOURCES)


def _whole(amount: float) -> int | float:
    return int(amount) if float(amount).is_integer() else round(amount, 2)


def _spending_plan(plan: dict[str, Any]) -> str:
    return ";".join(f"{k}:{v:g}%" for k, v in plan.items())


def project_row(p: dict[str, Any]) -> dict[str, Any]:
    period, annual = p["funds"]["period"], p["funds"]["annual"]
    match = p.get("budget_match") or {}
    row: dict[str, Any] = {
        k: p.get(k)
        for k in (
            "project_id",
            "year",
            "province",
            "region",
            "department_code",
            "department_name",
            "unit_name",
            "project_name",
            "project_code",
            "attribute",
            "period_years",
            "category",
        )
    }
    row["funds_total_period_yuan"] = period.get("total")
    row["funds_total_annual_yuan"] = annual.get("total")
    for key in _FUND_KEYS:
        row[f"funds_{key}_yuan"] = annual.get(key)
        row[f"funds_{key}_period_yuan"] = period.get(key)
    row["funds_unit_in_source"] = p["funds"]["unit_in_source"]
    row["spending_plan"] = _spending_plan(p.get("spending_plan") or {})
    for key in (
        "fund_use",
        "overview",
        "basis",
        "necessity",
        "measures",
        "plan",
        "goal_period",
        "goal_annual",
    ):
        row[key] = p.get(key) or ""
    row["fill_date"] = p.get("fill_date") or None
    row["budget_table_name"] = match.get("name", "")
    row["budget_table_amount_yuan"] = match.get("amount_yuan")
    row["source_file"] = p["source"]["file"]
    row["source_line_start"] = p["source"]["line_start"]
    row["source_line_end"] = p["source"]["line_end"]
    row["page_url"] = f"projects/{p['project_id']}/"
    row["quality_flags"] = ";".join(p["quality_flags"])
    row["indicator_count"] = len(p["indicators"])
    return {c.name: row[c.name] for c in PROJECTS}


def project_rows(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [project_row(p) for p in sorted(projects, key=lambda p: p["project_id"])]


def indicator_rows(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for p in sorted(projects, key=lambda p: p["project_id"]):
        seq = {"period": 0, "annual": 0}
        for ind in p["indicators"]:
            seq[ind["scope"]] += 1
            row = {"project_id": p["project_id"], "seq": seq[ind["scope"]], **ind}
            out.append({c.name: row.get(c.name) for c in INDICATORS})
    return out


def department_rows(depts: list[Department]) -> list[dict[str, Any]]:
    out = []
    for d in depts:
        row = {
            "region": d.region.name,
            "code": d.code,
            "name": d.name,
            "project_count": len(d.projects),
            "annual_total_yuan": _whole(sum(annual_total(p) for p in d.projects)),
            "province": d.region.source.province,
            "department_key": d.key,
            "page_url": f"departments/{d.key}/",
        }
        out.append({c.name: row[c.name] for c in DEPARTMENTS})
    return out
