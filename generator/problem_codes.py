"""The catalogue's codes for problems of the run itself: documents and sources.yaml that
cannot be read, tables that cannot be extracted, corrections and records that do not
fit the model, generate and build failures. Each has a severity, a Chinese message
template with {named} values, and a hint that says what to do.

The quality flags (what looks wrong in a published document) are in quality_codes.py.
"""

from __future__ import annotations

from generator.kinds import ERROR, INFO, WARNING, Kind, Severity


def _k(code: str, severity: Severity, stage: str, template: str, hint: str = "", title: str = "") -> Kind:
    return Kind(code, severity, stage, template, hint, title)


_ENTRY_HINT = (
    "每条需要 file、province、region、slug、year、publisher、title；"
    "slug 只用小写字母、数字和连字符，year 是四位数字"
)
_FIX_RECORD = "改正该值，或删除该文件后重新运行 budget-site extract；本记录未发布"

OPERATIONAL: tuple[Kind, ...] = (
    # ---- sources: data/sources.yaml and data/raw/
    _k(
        "sources-missing",
        ERROR,
        "sources",
        "找不到 data/sources.yaml",
        "为 data/raw/ 中每个文件写一条（见 README）",
    ),
    _k(
        "sources-yaml", ERROR, "sources", "YAML 语法错误：{problem}", "改正该行；此文件未读，已有记录保持不变"
    ),
    _k("sources-shape", ERROR, "sources", "内容应为 sources: 下的条目列表，实际为 {found}", _ENTRY_HINT),
    _k("source-entry", ERROR, "sources", "来源条目的 {field} 有误：{problem}；本条未读", _ENTRY_HINT),
    _k(
        "source-duplicate",
        ERROR,
        "sources",
        "{file} 已在第 {first_line} 行列出；重复的一条被忽略",
        "删除重复的条目",
    ),
    _k(
        "source-file-missing",
        ERROR,
        "sources",
        "列出的文件 {file} 不在 data/raw/ 中",
        "把公开文件原样放进 data/raw/，或删除这一条",
    ),
    _k(
        "unlisted-source",
        ERROR,
        "sources",
        "data/raw/ 中的这个文件在 data/sources.yaml 中没有条目，未被提取",
        "为它加一条（province、region、slug、year、publisher、title）",
    ),
    _k(
        "slug-conflict",
        ERROR,
        "sources",
        "slug {slug} 已用于地区 {other}（第 {other_line} 行）；本条未读",
        "每个地区用自己的 slug：两个地区同用一个会互相覆盖页面和下载",
    ),
    _k(
        "slug-inconsistent",
        ERROR,
        "sources",
        "地区 {region} 在第 {other_line} 行用的 slug 是 {other}，这里是 {slug}；本条未读",
        "同一地区的所有文件用同一个 slug",
    ),
    _k(
        "slug-changed",
        ERROR,
        "sources",
        "地区 {region} 已发布的 {count} 个项目编号用的是 slug {old}（如 {examples}），"
        "改为 {slug} 会使它们全部失效；本地区沿用已发布的记录",
        "把 slug 改回 {old}；确需改名时先删除 data/records/ 中这些记录，并在 CHANGELOG.md 说明",
    ),
    _k(
        "format-unsupported",
        ERROR,
        "sources",
        "{format} 文件不能读取（可读取 PDF、.docx、.xlsx、.xls、HTML 和文字导出 .txt）；本文件未提取",
        "用 Word 或 LibreOffice 另存为 .docx 或 PDF 后放进 data/raw/，或用 budget-site template 的表格录入",
    ),
    _k(
        "records-kept",
        WARNING,
        "sources",
        "{file} 这次没有提取出任何项目，沿用它已发布的 {count} 条记录",
        "改正上面报告的错误后重新提取；确要撤下这些项目，请删除这一条和 data/records/ 中的记录",
    ),
    _k("empty-document", ERROR, "sources", "文件是空的，没有可提取的表格", "换成公开的原文件"),
    _k(
        "undecodable",
        WARNING,
        "sources",
        "第 {column} 列有无法解码的字节 {raw}（已用 � 代替），其余内容照常读取",
        "文件可能不完整或混用了编码；核对原件，必要时用 iconv 转成 UTF-8",
    ),
    _k(
        "not-utf8",
        WARNING,
        "sources",
        "文件不是 UTF-8 编码，已按 {encoding} 读取",
        "转成 UTF-8（iconv -f GB18030 -t UTF-8），让所有工具读法一致",
    ),
    # ---- readers: one per file format, each yielding tables (generator.tables)
    _k(
        "pdf-scanned-page",
        ERROR,
        "sources",
        "第{page}页没有文字层（扫描件），未读取",
        "用电子表格模板（budget-site template）录入这一页，或先做文字识别（OCR）后放入 data/raw/",
    ),
    _k(
        "pdf-encrypted",
        ERROR,
        "sources",
        "PDF 文件已加密，无法读取",
        "向发布单位索取未加密的文件，或用其文字导出",
    ),
    _k(
        "document-broken",
        ERROR,
        "sources",
        "{format} 文件已损坏或格式不对，无法打开：{error}",
        "重新下载原文件；确认扩展名与文件内容一致",
    ),
    _k(
        "formula-uncached",
        WARNING,
        "sources",
        "单元格是公式（{formula}），文件里没有保存计算结果，按空白读取（公式从不执行）",
        "用 Excel 或 LibreOffice 打开并保存一次，让文件存下计算结果",
    ),
    _k("no-tables", ERROR, "sources", "文件中没有表格", "确认这是绩效目标表的原件，而不是说明文字"),
    _k(
        "not-performance-table",
        INFO,
        "extract",
        "表“{title}”不是项目支出绩效目标表，已跳过",
        "部门预算中的收支总表、三公经费表等不发布为项目",
    ),
    _k(
        "no-performance-table",
        WARNING,
        "extract",
        "文件中的 {count} 张表都不是项目支出绩效目标表，没有可发布的项目",
        "许多部门预算只写“详见单位的项目绩效目标表”：请找到那份文件",
    ),
    # ---- extract
    _k(
        "unknown-layout",
        ERROR,
        "extract",
        "没有与本文件相符的版式，未提取任何表格",
        "已知版式：{layouts}；每种版式要求标题含“项目支出绩效目标表”的表格",
    ),
    _k(
        "no-projects",
        ERROR,
        "extract",
        "本文件没有提取出任何项目；地区 {region} 不会因它生成页面",
        "核对文件是否为绩效目标表",
    ),
    _k(
        "extractor-error",
        ERROR,
        "extract",
        "版式 {layout} 出错：{error}（{where}）；本文件未提取",
        "这是提取程序的缺陷，请连同本文件一起报告",
    ),
    _k(
        "table-failed",
        ERROR,
        "extract",
        "第 {line_start}–{line_end} 行的表格未能提取：{reason}",
        "改进版式模块，或在 data/corrections/ 中补正",
    ),
    _k(
        "table-partial",
        WARNING,
        "extract",
        "第 {line_start}–{line_end} 行的表格不完整：{reason}",
        "按表中能读到的内容发布，并标注 table_truncated",
    ),
    _k(
        "budget-line-unmatched",
        WARNING,
        "extract",
        "部门项目支出预算表中的“{name}”（{unit}，{amount}）没有对应的项目支出绩效目标表",
        "这笔支出没有公开绩效目标表；如原文其实有，检查它为什么没有被识别",
    ),
    _k(
        "toc-mismatch",
        WARNING,
        "extract",
        "目录列出 {listed} 张表，实际找到 {found} 张（未找到：{missing}；目录未列：{extra}）",
        "核对原文：是否有表格未被识别，或目录本身有误",
    ),
    _k(
        "markup-in-text",
        WARNING,
        "extract",
        "项目名称含有标记字符：{name}",
        "按原文字面发布，不会成为网页代码；如有误请核对原件",
    ),
    _k(
        "duplicate-id",
        ERROR,
        "extract",
        "项目编号 {project_id} 与第 {other_line} 行的表格重复",
        "这是编号程序的缺陷",
    ),
    _k(
        "record-invalid",
        ERROR,
        "extract",
        "第 {line_start}–{line_end} 行的表格提取结果不符合数据模型：{field}：{problem}；本表未发布",
        "可在 data/corrections/ 中补正该字段（以编号 {project_id} 为名）",
    ),
    # ---- corrections: data/corrections/*.yaml|yml
    _k("correction-yaml", ERROR, "corrections", "YAML 语法错误：{problem}；本修正未应用", "改正该行的语法"),
    _k(
        "correction-shape",
        ERROR,
        "corrections",
        "修正文件格式不对：{problem}；本修正未应用",
        "修正文件是一个映射：project_id、reason、set（字段路径: 新值）、可选 expect",
    ),
    _k(
        "correction-unknown-project",
        ERROR,
        "corrections",
        "没有编号为 {project_id} 的项目；本修正未应用",
        "项目可能已改名或已从 data/raw/ 移除",
    ),
    _k(
        "correction-path",
        ERROR,
        "corrections",
        "记录中没有字段 {path}{suggestion}；本条未应用",
        "用点分路径，如 funds.annual.local 或 indicators.3.value",
    ),
    _k(
        "correction-value",
        ERROR,
        "corrections",
        "{path} 不能设为 {value}：{problem}；本条未应用",
        "金额为元（非负数），文字为字符串",
    ),
    _k(
        "correction-stale",
        WARNING,
        "corrections",
        "{path}：提取结果现在是 {current}，修正写下时是 {expected}；修正仍已应用",
        "确认修正是否仍需要，然后更新或删除其 expect:",
    ),
    _k(
        "correction-ignored",
        WARNING,
        "corrections",
        "不是 .yaml 或 .yml 文件，已忽略",
        "修正文件以 .yaml 或 .yml 结尾",
    ),
    # ---- records: data/records/*.yaml, read by validate, generate and search
    _k(
        "record-ignored",
        WARNING,
        "records",
        "不是 .yaml 记录文件，已忽略",
        "data/records/ 只放 budget-site extract 写出的 <project_id>.yaml；修正请放在 data/corrections/",
    ),
    _k("no-records", ERROR, "records", "没有可用的项目记录", "先运行 budget-site extract"),
    _k(
        "broken-yaml",
        ERROR,
        "records",
        "YAML 语法错误：{problem}；本记录未发布",
        "改正该行，或删除文件后重新提取",
    ),
    _k(
        "not-a-record",
        ERROR,
        "records",
        "文件不是一条项目记录（应为以 project_id: 开头的映射）；本记录未发布",
        _FIX_RECORD,
    ),
    _k("missing-field", ERROR, "records", "缺少字段 {field}；本记录未发布", _FIX_RECORD),
    _k(
        "unknown-field",
        ERROR,
        "records",
        "{field} 不是记录的字段；本记录未发布",
        "核对拼写：记录的字段见 generator/model.py 和站点“数据下载”页的数据字典",
    ),
    _k(
        "wrong-type",
        ERROR,
        "records",
        "{field} 类型不对：{problem}，实际为 {value}；本记录未发布",
        _FIX_RECORD,
    ),
    _k(
        "invalid-value",
        ERROR,
        "records",
        "{field} 的值不允许：{problem}，实际为 {value}；本记录未发布",
        _FIX_RECORD,
    ),
    _k(
        "id-filename",
        ERROR,
        "records",
        "project_id {project_id} 与文件名不符；本记录未发布",
        "改文件名或编号",
    ),
    _k(
        "record-unlisted",
        ERROR,
        "records",
        "{count} 条记录（如 {examples}）的来源文件 {file} 在 data/sources.yaml 中没有有效条目；"
        "这些记录保留在 data/records/，但不发布",
        "改正或补上该文件的条目；确要撤下，删除条目后重新运行 budget-site extract",
    ),
    # ---- generate and build
    _k(
        "region-empty",
        WARNING,
        "generate",
        "地区 {region} 没有任何项目记录，不生成地区页",
        "检查该地区文件的提取错误",
    ),
    _k(
        "generate-failed",
        ERROR,
        "generate",
        "生成页面时出错：{error}；content/ 保持上一次的结果",
        "这是生成程序或模板的缺陷：{where}",
    ),
    _k(
        "build-failed",
        ERROR,
        "build",
        "站点构建失败：{error}；site/ 保持上一次的结果",
        "按提示改正后重新构建",
    ),
)
