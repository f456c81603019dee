"""Safe arithmetic expressions over named numbers: fee formulas, computed form values.

Expressions are parsed with :mod:`ast` and only arithmetic, comparisons, conditional
expressions, boolean and/or, the given names, numbers and the functions ``min``, ``max``,
``ceil``, ``floor`` and ``round`` are allowed; nothing is ever passed to eval(). Arithmetic is
exact (:class:`~decimal.Decimal`).
"""

import ast
import math
import operator
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MAX_EXPRESSION_LENGTH = 500
MAX_NODES = 200


class ExpressionError(ValueError):
    """The expression is not allowed or cannot be evaluated; the message says why."""


_BINARY: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Decimal, Decimal], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
FUNCTIONS: dict[str, Callable[..., Decimal]] = {
    "min": lambda *a: min(a),
    "max": lambda *a: max(a),
    "ceil": lambda x: Decimal(math.ceil(x)),
    "floor": lambda x: Decimal(math.floor(x)),
    "round": lambda x: x.quantize(Decimal(1), rounding=ROUND_HALF_UP),
}


def expression_parse(expression: Any, names: set[str]) -> ast.Expression:
    """Parse `expression`, allowing only the whitelisted nodes and the given `names`."""
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError("A formula needs a non-empty 'expression'.")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"The formula is longer than {MAX_EXPRESSION_LENGTH} characters.")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"The formula is not valid: {exc.msg} at column {exc.offset}."
        ) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError("The formula is too complex.")
    allowed = (
        ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd, ast.Constant, ast.Name,
        ast.Load, ast.Call, ast.IfExp, ast.Compare, ast.BoolOp, ast.And, ast.Or,
        *_BINARY, *_COMPARE,
    )  # fmt: skip
    for node in nodes:
        if not isinstance(node, allowed):
            raise ExpressionError(f"The formula may not use {type(node).__name__}.")
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            raise ExpressionError(f"The formula may only contain numbers, not {node.value!r}.")
        if isinstance(node, ast.Name) and node.id not in names and node.id not in FUNCTIONS:
            raise ExpressionError(f"The formula uses the unknown parameter “{node.id}”.")
        if isinstance(node, ast.Call) and (
            not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords
        ):
            raise ExpressionError("The formula may only call min, max, ceil, floor and round.")
    return tree


def expression_evaluate(node: ast.AST, values: Mapping[str, Decimal]) -> Decimal:
    """Evaluate a tree from `expression_parse` over `values` (exact decimal arithmetic)."""
    if isinstance(node, ast.Expression):
        return expression_evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = expression_evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = (
            expression_evaluate(node.left, values),
            expression_evaluate(node.right, values),
        )
        if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) and right == 0:
            raise ExpressionError("The formula divides by zero for these values.")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        left = expression_evaluate(node.left, values)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = expression_evaluate(comparator, values)
            if not _COMPARE[type(op)](left, right):
                return Decimal(0)
            left = right
        return Decimal(1)
    if isinstance(node, ast.BoolOp):
        results = [expression_evaluate(v, values) != 0 for v in node.values]
        ok = all(results) if isinstance(node.op, ast.And) else any(results)
        return Decimal(int(ok))
    if isinstance(node, ast.IfExp):
        branch = node.body if expression_evaluate(node.test, values) != 0 else node.orelse
        return expression_evaluate(branch, values)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [expression_evaluate(a, values) for a in node.args]
        try:
            return FUNCTIONS[node.func.id](*args)
        except TypeError as exc:
            raise ExpressionError(f"Wrong arguments for {node.func.id}().") from exc
    raise ExpressionError(f"The formula may not use {type(node).__name__}.")  # pragma: no cover
