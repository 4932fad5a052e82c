"""Model validation errors as problems: the field as a dotted path, the line it is on in
the YAML file, a code from the catalogue and a short Chinese description."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

_TYPE_WORDS = {
    "float_type": "应为数字",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "bool_type": "应为真或假",
    "dict_type": "应为映射",
    "model_type": "应为映射",
    "model_attributes_type": "应为映射",
    "list_type": "应为列表",
    "none_required": "应为空",
}
_UNION_MEMBERS = {
    "float",
    "int",
    "str",
    "none",
    "constrained-float",
    "constrained-int",
    "function-after[_known()]",
}


def error_code(err: ErrorDetails) -> str:
    kind = err["type"]
    if kind == "missing":
        return "missing-field"
    if kind == "extra_forbidden":
        return "unknown-field"
    if kind in _TYPE_WORDS or kind.endswith("_type"):
        return "wrong-type"
    return "invalid-value"


def describe(err: ErrorDetails) -> str:
    """A short Chinese account of one validation error."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    if kind == "greater_than_equal":
        return "金额和数量不能为负数" if ctx.get("ge") == 0 else f"应不小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"应不大于 {ctx.get('le')}"
    if kind == "string_too_long":
        return f"超过 {ctx.get('max_length')} 个字符（不会自动截断）"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_pattern_mismatch" and "x00" in str(ctx.get("pattern")):
        return "含有控制字符（不可打印）"
    if kind == "string_pattern_mismatch":
        return f"格式不符（应匹配 {ctx.get('pattern')}）"
    if kind == "literal_error":
        return f"应为 {ctx.get('expected')} 之一"
    if kind == "finite_number":
        return "应为有限的数字"
    if kind == "missing":
        return "缺少此项"
    if kind == "extra_forbidden":
        return "不是数据模型中的字段"
    return str(err.get("msg", kind)).removeprefix("Value error, ")


def field_path(err: ErrorDetails) -> list[str | int]:
    """The error's location without pydantic's union-member tags."""
    return [p for p in err["loc"] if isinstance(p, int) or (p not in _UNION_MEMBERS and "[" not in p)]


def dotted(path: list[str | int]) -> str:
    return ".".join(str(p) for p in path) or "（整条记录）"


def line_of(node: Any, path: list[str | int]) -> int:
    """The 1-based line of `path` in a ruamel round-trip document: the deepest part that exists."""
    line = 1
    for part in path:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line = int(node.lc.key(part)[0]) + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = int(node.lc.item(part)[0]) + 1
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    return line


def yaml_problem(exc: YAMLError) -> tuple[int, str]:
    """Where a YAML syntax error is and what it is. "while scanning a quoted scalar" points
    where the broken construct starts, which is where a maintainer has to look."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    context = getattr(exc, "context", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return (mark.line + 1 if mark else 0), f"{context + ': ' if context else ''}{problem}"
