"""The names of the row sources a form template may bind to, and the fields each provides.

Kept apart from the code that computes rows so the programme loader can check a template's
``source`` and column ``bind`` names without touching the database.
"""

from __future__ import annotations

# Header fields every form may show (bind = one of these), and the placeholders a title may
# hold ("{kindergarten_name}{year}年结对帮扶工作计划表").
HEADER_FIELDS: frozenset[str] = frozenset(
    {
        "kindergarten_name",
        "programme_name",
        "period_label",  # the period printed, e.g. "2024年秋季学期" ("" for the roster)
        "year",  # the calendar year the printed period starts in, e.g. "2020"
        "filler",  # 填报人 of the plan table (settings; "" prints a blank line)
        "principal",  # 主要负责人 (settings)
    }
)

# What a list-of-forms shows for a title placeholder (the value is known only when printing).
TITLE_PLACEHOLDER_HINTS: dict[str, str] = {
    "kindergarten_name": "本园",
    "programme_name": "",
    "period_label": "",
    "year": "××",
    "filler": "",
    "principal": "",
}

SOURCE_FIELDS: dict[str, frozenset[str]] = {
    # one row per pairing, grouped by lead kindergarten (附件1 结对名单)
    "pairings": frozenset(
        {
            "lead_id",
            "lead_name",
            "lead_person",
            "lead_phone",
            "partner_name",
            "partner_role",
            "partner_person",
            "partner_phone",
            "period",
            "agreement",
        }
    ),
    # one row per lead kindergarten, partners listed per role (高台 结对帮扶学校安排表)
    "lead_groups": frozenset({"lead_id", "lead_name", "persons", "partners", "partners_by_role"}),
    # one row per plan-table row of the period, every row even when empty (沂源 附件2)
    "plan_rows": frozenset({"month_key", "month_label", "plan", "note", "item_count"}),
    # one row per plan item, grouped by calendar month, padded to rows_per_month (高台 计划表)
    "plan_dated": frozenset(
        {
            "month_key",  # "2020-03": the group (merge) key
            "month_cn",  # "三"
            "month_label",  # "3月"
            "date",  # "3月 5日"; "3月    日" without a day; "月    日" on a blank row
            "task",
            "kind",
            "responsible",
            "status",
            "completion",  # status and completion note, e.g. "已完成" / "顺延：因故顺延至下月"
        }
    ),
    # one row per diary activity, for the record sheet (帮扶活动记录表)
    "activities": frozenset(
        {
            "title",
            "day",  # "2024年10月8日"
            "time",  # "08:30–10:30"
            "when",  # day and time
            "kind",
            "mode",
            "place",
            "mode_place",  # "线下（城关实验幼儿园）"
            "host_name",
            "receivers",
            "participants",
            "headcount",
            "domain",
            "plan_task",
            "plan_text",
            "measures",
            "record",
            "summary",
            "attachment_names",
            "attachments",  # list of attachment rows: only for a record form's ``images``
        }
    ),
    # one row per item of a scored index (附件4 考核评估指标), then the sums (``FormData.totals``)
    "index_items": frozenset(
        {
            "group_code",  # "A1": the group (merge) key
            "group",  # "A1管理机制\n（15分）", as the notice prints it
            "subgroup",  # "B1．共同体发展规划科学，目标明确（7分）。"
            "item",  # "C1．有适合本共同体发展的共同愿景……（2分）"
            "code",  # "C1"
            "points",  # "2"
            "self_score",  # "1.5", "2※" (accepted from a suggestion), "" (not scored, or blank)
            "county_score",
            "comment",
            "evidence_count",  # "3" ("" when none, or blank)
        }
    ),
    # one row per item of a checklist index (督导评估), verdicts ticked in their column
    "checklist_items": frozenset(
        {
            "group_code",
            "group",  # the section, code over name ("（一）\n办园条件")
            "number",  # the item's number as printed ("1")
            "item",  # the item's text, without its number
            "marks",  # {"符合": "√", …}: bind "marks:符合"
            "verdict",
            "comment",
        }
    ),
    # the three rows of a stage summary (沂源 附件3 阶段工作总结上报表)
    "summary_rows": frozenset({"section", "name", "text", "note"}),
    # one row per rule and period within the printed period (规则达成情况)
    "rule_results": frozenset(
        {
            "rule_id",  # the group (merge) key
            "rule",  # "核心园领导到受援园调研指导\n（每学期 ≥ 2 次）"
            "label",
            "requirement",  # "每学期 ≥ 2 次"
            "group",  # the rule's group ("八个一"), often ""
            "period",  # "2024年秋季学期"
            "count",
            "progress",  # "1/2"
            "status",  # "已达成" / "进行中" / "未达成" / "超出上限" / "未开始"
            "deadline",  # "2025年1月31日"
            "evidence",  # the records that counted, short: "10月8日 调研：……"
            "source",  # where the notice says so
        }
    ),
}

# Sources that print an assessment index: the kind of index (indexes/*.toml) each needs. A
# template of one of these names its index (``index = "annex4"``), checked once the
# programme's indexes are loaded; column titles may then hold ``{heading1}``… (the index's
# own column headings, "一级指标（6项）").
INDEX_SOURCES: dict[str, str] = {"index_items": "score", "checklist_items": "checklist"}

# Fields holding a list of attachments (path, is_image, missing, caption, original_name): a
# record form's ``images`` must name one of these, and no column may print one as text.
ATTACHMENT_FIELDS: dict[str, frozenset[str]] = {"activities": frozenset({"attachments"})}

# Sources whose rows depend on a reporting period (month, term or school year).
PERIODIC_SOURCES: frozenset[str] = frozenset(
    {
        "plan_rows",
        "plan_dated",
        "activities",
        "index_items",
        "checklist_items",
        "summary_rows",
        "rule_results",
    }
)

# Template keys that only some sources read.
SOURCE_OPTIONS: dict[str, frozenset[str]] = {
    "plan_dated": frozenset({"months", "rows_per_month"}),
    "index_items": frozenset({"index"}),
    "checklist_items": frozenset({"index"}),
}
