"""FEEL (DMN's Friendly Enough Expression Language), the part process models and decision
tables use: simple unary tests in table cells and expressions (names, paths, literals,
arithmetic, comparisons, `and`/`or`, `if`, `in`, `between`, ranges, lists, contexts and common
built-in functions). Parsed into a tree by hand and evaluated on a context of variables —
never Python's eval. What lies beyond raises FeelError naming the expression and the part."""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


class DmnError(ValueError):
    """A DMN file, decision or expression that cannot be used; the message says where."""


class FeelError(DmnError):
    """FEEL the layer cannot parse or evaluate; the message quotes the expression."""


@dataclass(frozen=True)
class YearsMonths:
    """A FEEL years-and-months duration (P1Y2M)."""

    months: int

    def isoformat(self) -> str:
        sign = "-" if self.months < 0 else ""
        years, months = divmod(abs(self.months), 12)
        return f"{sign}P{years}Y{months}M" if years else f"{sign}P{months}M"


@dataclass(frozen=True)
class Range:
    low: Any
    high: Any
    low_closed: bool
    high_closed: bool

    def contains(self, value: Any) -> bool | None:
        try:
            above = value >= self.low if self.low_closed else value > self.low
            below = value <= self.high if self.high_closed else value < self.high
        except TypeError:
            return None
        return bool(above and below)


# --- Tokens ------------------------------------------------------------------------------

MULTIWORD_FUNCTIONS = (
    "years and months duration",
    "date and time",
    "string length",
    "string join",
    "substring before",
    "substring after",
    "upper case",
    "lower case",
    "starts with",
    "ends with",
    "list contains",
    "distinct values",
    "index of",
    "is defined",
)
KEYWORDS = {"and", "or", "not", "in", "between", "if", "then", "else", "true", "false", "null"}
UNSUPPORTED = {"for", "some", "every", "function", "satisfies", "return", "instance"}
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<op>\.\.|<=|>=|!=|\*\*|[-+*/<>=(),\[\]{}:.?@])
  | (?P<name>[^\W\d][\w'’]*)
)""",
    re.VERBOSE | re.UNICODE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, op, name, end
    text: str


def tokenize(text: str, names: Iterable[str] = ()) -> list[Token]:
    """Tokens of `text`; names with spaces (FEEL allows them) are joined when they are known
    variable names or built-in functions, longest first."""
    tokens: list[Token] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise FeelError(
                _("“%(expression)s”: unexpected “%(token)s”.")
                % {"expression": text, "token": text[position:].strip()[:10]}
            )
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return _join_names(tokens, sorted({*names, *MULTIWORD_FUNCTIONS}, key=len, reverse=True))


def _join_names(tokens: list[Token], multiword: list[str]) -> list[Token]:
    joined: list[Token] = []
    index = 0
    while index < len(tokens):
        for name in multiword:
            words = name.split()
            if len(words) < 2 or index + len(words) > len(tokens):
                continue
            window = tokens[index : index + len(words)]
            if all(t.kind == "name" and t.text == w for t, w in zip(window, words, strict=True)):
                joined.append(Token("name", name))
                index += len(words)
                break
        else:
            joined.append(tokens[index])
            index += 1
    joined.append(Token("end", ""))
    return joined


# --- Parser ------------------------------------------------------------------------------

Node = tuple[Any, ...]


class _Parser:
    def __init__(self, text: str, names: Iterable[str]) -> None:
        self.text = text
        self.tokens = tokenize(text, names)
        self.index = 0
        self.range_end = False  # parsing a range's upper end: "[" closes it, is no filter

    def error(self, message: str) -> FeelError:
        return FeelError(
            _("“%(expression)s”: %(problem)s") % {"expression": self.text, "problem": message}
        )

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def take(self, text: str | None = None) -> Token:
        token = self.token
        if text is not None and token.text != text:
            found = token.text or _("the end")
            raise self.error(
                _("expected “%(expected)s”, found “%(found)s”.")
                % {"expected": text, "found": found}
            )
        self.index += 1
        return token

    def at(self, *texts: str) -> bool:
        return self.token.kind in {"op", "name"} and self.token.text in texts

    def done(self) -> None:
        if self.token.kind != "end":
            raise self.error(_("unexpected “%(token)s”.") % {"token": self.token.text})

    # expression := if | disjunction
    def expression(self) -> Node:
        if self.token.kind == "name" and self.token.text in UNSUPPORTED:
            raise self.error(
                _("“%(keyword)s” expressions are not supported.") % {"keyword": self.token.text}
            )
        if self.at("if"):
            self.take()
            condition = self.expression()
            self.take("then")
            yes = self.expression()
            self.take("else")
            return ("if", condition, yes, self.expression())
        return self.disjunction()

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.at("or"):
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.comparison()
        while self.at("and"):
            self.take()
            node = ("and", node, self.comparison())
        return node

    def comparison(self) -> Node:
        node = self.additive()
        if self.at("=", "!=", "<", "<=", ">", ">="):
            operator = self.take().text
            return ("cmp", operator, node, self.additive())
        if self.at("between"):
            self.take()
            low = self.additive()
            self.take("and")
            return ("between", node, low, self.additive())
        if self.at("in"):
            self.take()
            if self.at("("):
                self.take()
                tests = self.unary_tests_list()
                self.take(")")
            else:
                tests = [self.unary_test()]
            return ("in", node, tests)
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.at("+", "-"):
            node = ("arith", self.take().text, node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.power()
        while self.at("*", "/"):
            node = ("arith", self.take().text, node, self.power())
        return node

    def power(self) -> Node:
        node = self.unary()
        while self.at("**"):
            self.take()
            node = ("arith", "**", node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at("-"):
            self.take()
            return ("neg", self.unary())
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            if self.at("."):
                self.take()
                name = self.take()
                if name.kind != "name":
                    raise self.error(_("a name must follow “.”."))
                node = ("path", node, name.text)
            elif self.at("(") and node[0] == "name":
                self.take()
                arguments: list[Node] = []
                while not self.at(")"):
                    if self.token.kind == "name" and self.tokens[self.index + 1].text == ":":
                        raise self.error(_("named arguments are not supported."))
                    arguments.append(self.expression())
                    if not self.at(")"):
                        self.take(",")
                self.take(")")
                node = ("call", node[1], arguments)
            elif self.at("[") and not self.range_end:
                raise self.error(_("filters (list[…]) are not supported."))
            else:
                return node

    def primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.take()
            return ("lit", Decimal(token.text))
        if token.kind == "string":
            self.take()
            return ("lit", _unescape(token.text[1:-1]))
        if token.kind == "op" and token.text == "@":
            self.take()
            literal = self.take()
            if literal.kind != "string":
                raise self.error(_("“@” must be followed by a string."))
            return ("call", "@", [("lit", _unescape(literal.text[1:-1]))])
        if token.kind == "name":
            if token.text in ("true", "false"):
                self.take()
                return ("lit", token.text == "true")
            if token.text == "null":
                self.take()
                return ("lit", None)
            if token.text in KEYWORDS - {"not"}:
                raise self.error(_("unexpected “%(token)s”.") % {"token": token.text})
            self.take()
            return ("name", token.text)
        if token.kind == "op" and token.text == "?":
            self.take()
            return ("name", "?")
        if self.at("("):
            self.take()
            node = self.expression()
            if self.at(".."):  # an open range (a..b]
                return self.range_rest(node, low_closed=False)
            self.take(")")
            return node
        if self.at("]"):
            self.take()
            return self.range_rest(self.additive(), low_closed=False)
        if self.at("["):
            self.take()
            if self.at("]"):
                self.take()
                return ("list", [])
            first = self.expression()
            if self.at(".."):
                return self.range_rest(first, low_closed=True)
            items = [first]
            while self.at(","):
                self.take()
                items.append(self.expression())
            self.take("]")
            return ("list", items)
        if self.at("{"):
            self.take()
            entries: list[tuple[str, Node]] = []
            while not self.at("}"):
                key = self.take()
                if key.kind not in {"name", "string"}:
                    raise self.error(_("a context key must be a name or a string."))
                self.take(":")
                entries.append((key.text.strip('"'), self.expression()))
                if not self.at("}"):
                    self.take(",")
            self.take("}")
            return ("context", entries)
        raise self.error(_("unexpected “%(token)s”.") % {"token": token.text or _("end")})

    def range_rest(self, low: Node, *, low_closed: bool) -> Node:
        self.take("..")
        self.range_end = True
        high = self.additive()
        self.range_end = False
        if self.at("]"):
            self.take()
            high_closed = True
        elif self.at(")", "["):
            self.take()
            high_closed = False
        else:
            raise self.error(_("a range ends with “]”, “)” or “[”."))
        return ("range", low, high, low_closed, high_closed)

    # Unary tests (decision table cells)
    def unary_tests(self) -> Node:
        if self.at("-") and self.tokens[self.index + 1].kind == "end":
            self.take()
            return ("any",)
        if self.at("not") and self.tokens[self.index + 1].text == "(":
            self.take()
            self.take("(")
            tests = self.unary_tests_list()
            self.take(")")
            self.done()
            return ("not", tests)
        tests = self.unary_tests_list()
        self.done()
        return ("tests", tests)

    def unary_tests_list(self) -> list[Node]:
        tests = [self.unary_test()]
        while self.at(","):
            self.take()
            tests.append(self.unary_test())
        return tests

    def unary_test(self) -> Node:
        if self.at("<", "<=", ">", ">=", "=", "!="):
            operator = self.take().text
            return ("cmp", operator, ("name", "?"), self.additive())
        node = self.expression()
        if node[0] == "range":
            return ("in", ("name", "?"), [node])
        return ("equal-or-true", node)


def _unescape(text: str) -> str:
    return re.sub(
        r'\\(["\\nrt])', lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m[1], m[1]), text
    )


def feel_parse(text: str, names: Iterable[str] = ()) -> Node:
    """The tree of a FEEL expression (FeelError when it is not FEEL this layer knows)."""
    if not text.strip():
        raise FeelError(_("The expression is empty."))
    parser = _Parser(text, names)
    node = parser.expression()
    parser.done()
    return node


def unary_tests_parse(text: str, names: Iterable[str] = ()) -> Node:
    """The tree of a decision table cell's unary tests (empty: any value)."""
    if not text.strip():
        return ("any",)
    return _Parser(text, names).unary_tests()


# --- Evaluation --------------------------------------------------------------------------


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def _compare(operator: str, left: Any, right: Any) -> bool | None:
    left, right = _number(left), _number(right)
    if left is None or right is None:
        return (
            (left is right)
            if operator == "="
            else (left is not right)
            if operator == "!="
            else None
        )
    if operator in {"=", "!="}:
        same = _comparable(left, right) and left == right
        return same if operator == "=" else not same
    if not _comparable(left, right):
        return None
    try:
        return bool(
            {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[
                operator
            ]
        )
    except TypeError:
        return None


def _comparable(left: Any, right: Any) -> bool:
    kinds = (bool, Decimal, str, dt.datetime, dt.date, dt.time, dt.timedelta, YearsMonths)
    for kind in kinds:
        if isinstance(left, kind) or isinstance(right, kind):
            if kind is dt.date:  # a datetime is no date in FEEL
                return type(left) is type(right)
            return isinstance(left, kind) and isinstance(right, kind)
    return type(left) is type(right)


def _arith(operator: str, left: Any, right: Any) -> Any:
    left, right = _number(left), _number(right)
    if left is None or right is None:
        return None
    try:
        if isinstance(left, Decimal) and isinstance(right, Decimal):
            if operator == "/":
                return None if right == 0 else left / right
            return {
                "+": left + right,
                "-": left - right,
                "*": left * right,
                "**": left**right,
            }[operator]
        if operator == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        return _temporal(operator, left, right)
    except (InvalidOperation, TypeError, OverflowError):
        return None


def _temporal(operator: str, left: Any, right: Any) -> Any:
    if isinstance(right, YearsMonths) and isinstance(left, dt.date):
        months = right.months if operator == "+" else -right.months
        from rathaus.workflow.timers import date_months_add

        if isinstance(left, dt.datetime):
            day = date_months_add(left.date(), months=months)
            return left.replace(year=day.year, month=day.month, day=day.day)
        return date_months_add(left, months=months)
    if isinstance(right, dt.timedelta) and isinstance(left, dt.date):
        if operator == "+":
            return left + right
        if operator == "-":
            return left - right
    if operator == "-" and isinstance(left, dt.date) and type(left) is type(right):
        return left - right
    if isinstance(left, dt.timedelta) and isinstance(right, dt.timedelta) and operator in "+-":
        return left + right if operator == "+" else left - right
    if isinstance(left, YearsMonths) and isinstance(right, YearsMonths) and operator in "+-":
        return YearsMonths(left.months + (right.months if operator == "+" else -right.months))
    return None


def evaluate(node: Node, context: dict[str, Any], *, source: str = "") -> Any:
    """The value of a parsed expression on `context` (FEEL's null for what does not fit)."""
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "name":
        return _number(context.get(node[1]))
    if kind == "path":
        base = evaluate(node[1], context, source=source)
        return _property(base, node[2])
    if kind == "neg":
        value = _number(evaluate(node[1], context, source=source))
        if isinstance(value, Decimal | dt.timedelta):
            return -value
        return YearsMonths(-value.months) if isinstance(value, YearsMonths) else None
    if kind == "arith":
        return _arith(
            node[1],
            evaluate(node[2], context, source=source),
            evaluate(node[3], context, source=source),
        )
    if kind == "cmp":
        return _compare(
            node[1],
            evaluate(node[2], context, source=source),
            evaluate(node[3], context, source=source),
        )
    if kind == "and":
        left, right = (evaluate(n, context, source=source) for n in node[1:])
        if left is False or right is False:
            return False
        return True if left is True and right is True else None
    if kind == "or":
        left, right = (evaluate(n, context, source=source) for n in node[1:])
        if left is True or right is True:
            return True
        return False if left is False and right is False else None
    if kind == "if":
        condition = evaluate(node[1], context, source=source)
        return evaluate(node[2] if condition is True else node[3], context, source=source)
    if kind == "between":
        value, low, high = (evaluate(n, context, source=source) for n in node[1:])
        above, below = _compare(">=", value, low), _compare("<=", value, high)
        return None if above is None or below is None else above and below
    if kind == "in":
        value = evaluate(node[1], context, source=source)
        return _tests_match(node[2], value, context, source=source)
    if kind == "range":
        return Range(
            evaluate(node[1], context, source=source),
            evaluate(node[2], context, source=source),
            node[3],
            node[4],
        )
    if kind == "list":
        return [evaluate(n, context, source=source) for n in node[1]]
    if kind == "context":
        result: dict[str, Any] = {}
        for key, value in node[1]:
            result[key] = evaluate(value, {**context, **result}, source=source)
        return result
    if kind == "call":
        arguments = [evaluate(n, context, source=source) for n in node[2]]
        return _call(node[1], arguments, source=source)
    raise FeelError(
        _("“%(expression)s”: cannot evaluate %(kind)s.") % {"expression": source, "kind": kind}
    )


def _property(base: Any, name: str) -> Any:
    if isinstance(base, dict):
        return _number(base.get(name))
    properties: dict[str, Callable[[Any], Any]] = {
        "year": lambda v: Decimal(v.year),
        "month": lambda v: Decimal(v.month),
        "day": lambda v: Decimal(v.day),
        "weekday": lambda v: Decimal(v.isoweekday()),
        "hour": lambda v: Decimal(v.hour),
        "minute": lambda v: Decimal(v.minute),
        "second": lambda v: Decimal(v.second),
        "days": lambda v: Decimal(v.days),
        "years": lambda v: Decimal(v.months // 12),
        "months": lambda v: Decimal(v.months % 12),
    }
    getter = properties.get(name)
    if getter is None or base is None:
        return None
    try:
        return getter(base)
    except AttributeError:
        return None


def _tests_match(tests: list[Node], value: Any, context: dict[str, Any], *, source: str) -> Any:
    results = [_test_match(test, value, context, source=source) for test in tests]
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


def _test_match(test: Node, value: Any, context: dict[str, Any], *, source: str) -> Any:
    scope = {**context, "?": value}
    if test[0] == "equal-or-true":
        expected = evaluate(test[1], scope, source=source)
        if _uses_question_mark(test[1]) and isinstance(expected, bool):
            return expected
        if isinstance(expected, Range):
            return expected.contains(_number(value))
        if isinstance(expected, list):
            return any(_compare("=", value, item) for item in expected)
        if isinstance(expected, bool) and not isinstance(value, bool):
            return expected
        return _compare("=", value, expected)
    if test[0] == "range":
        return evaluate(test, scope, source=source).contains(_number(value))
    result = evaluate(test, scope, source=source)
    if isinstance(result, Range):
        return result.contains(_number(value))
    return result


def _uses_question_mark(node: Node) -> bool:
    if node == ("name", "?"):
        return True
    return any(isinstance(part, tuple) and _uses_question_mark(part) for part in node[1:]) or any(
        isinstance(part, list)
        and any(isinstance(p, tuple) and _uses_question_mark(p) for p in part)
        for part in node[1:]
    )


def unary_tests_match(
    tests: Node, value: Any, context: dict[str, Any], *, source: str = ""
) -> bool:
    """Whether `value` passes a cell's unary tests (null or an error of types: no)."""
    if tests[0] == "any":
        return True
    if tests[0] == "not":
        result = _tests_match(tests[1], value, context, source=source)
        return result is False
    return _tests_match(tests[1], value, context, source=source) is True


# --- Built-in functions --------------------------------------------------------------------

_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def _duration(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    match = _DURATION.match(text.strip())
    if match is None or text.strip() in {"P", "PT", "-P"}:
        return None
    sign = -1 if match["sign"] else 1
    if match["y"] or match["mo"]:
        if any(match[k] for k in ("d", "h", "mi", "s")):
            return None
        return YearsMonths(sign * (int(match["y"] or 0) * 12 + int(match["mo"] or 0)))
    return sign * dt.timedelta(
        days=int(match["d"] or 0),
        hours=int(match["h"] or 0),
        minutes=int(match["mi"] or 0),
        seconds=float(match["s"] or 0),
    )


def _date(*args: Any) -> Any:
    if len(args) == 1 and isinstance(args[0], str):
        try:
            return dt.date.fromisoformat(args[0].strip())
        except ValueError:
            return None
    if len(args) == 1 and isinstance(args[0], dt.datetime):
        return args[0].date()
    if len(args) == 3 and all(isinstance(a, Decimal) for a in args):
        try:
            return dt.date(int(args[0]), int(args[1]), int(args[2]))
        except ValueError:
            return None
    return None


def _date_and_time(*args: Any) -> Any:
    if len(args) == 1 and isinstance(args[0], str):
        text = args[0].strip()
        if "@" in text:
            from zoneinfo import ZoneInfo

            text, zone = text.split("@", 1)
            try:
                return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
            except (ValueError, KeyError):
                return None
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if len(args) == 2 and isinstance(args[0], dt.date) and isinstance(args[1], dt.time):
        return dt.datetime.combine(args[0], args[1])
    return None


def _time(*args: Any) -> Any:
    if len(args) == 1 and isinstance(args[0], str):
        try:
            return dt.time.fromisoformat(args[0].strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _at_literal(text: Any) -> Any:
    for parse in (_date_and_time, _date, _time, _duration):
        if isinstance(text, str) and (value := parse(text)) is not None:
            if parse is _date_and_time and "T" not in text:
                continue
            return value
    return None


def _string(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _aggregate(function: Callable[[list[Any]], Any], args: list[Any]) -> Any:
    items = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    items = [_number(i) for i in items]
    if any(i is None for i in items) or not items:
        return None if function is not len else Decimal(len(items))
    try:
        return function(items)
    except TypeError:
        return None


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "date": _date,
    "date and time": _date_and_time,
    "time": _time,
    "duration": _duration,
    "years and months duration": lambda a, b: (
        YearsMonths((b.year - a.year) * 12 + b.month - a.month - (1 if b.day < a.day else 0))
        if isinstance(a, dt.date) and isinstance(b, dt.date)
        else None
    ),
    "@": _at_literal,
    "string": _string,
    "number": lambda v, *rest: _to_number(v),
    "substring": lambda s, start, length=None: (
        (
            s[int(start) - 1 : int(start) - 1 + int(length)]
            if length is not None
            else s[int(start) - 1 :]
        )
        if isinstance(s, str) and isinstance(start, Decimal) and start > 0
        else None
    ),
    "string length": lambda s: Decimal(len(s)) if isinstance(s, str) else None,
    "upper case": lambda s: s.upper() if isinstance(s, str) else None,
    "lower case": lambda s: s.lower() if isinstance(s, str) else None,
    "contains": lambda s, t: t in s if isinstance(s, str) and isinstance(t, str) else None,
    "starts with": lambda s, t: (
        s.startswith(t) if isinstance(s, str) and isinstance(t, str) else None
    ),
    "ends with": lambda s, t: s.endswith(t) if isinstance(s, str) and isinstance(t, str) else None,
    "abs": lambda n: abs(n) if isinstance(n, Decimal) else None,
    "floor": lambda n: (
        n.to_integral_value(rounding=ROUND_FLOOR) if isinstance(n, Decimal) else None
    ),
    "ceiling": lambda n: (
        n.to_integral_value(rounding=ROUND_CEILING) if isinstance(n, Decimal) else None
    ),
    "decimal": lambda n, scale: (
        n.quantize(Decimal(1).scaleb(-int(scale)))
        if isinstance(n, Decimal) and isinstance(scale, Decimal)
        else None
    ),
    "min": lambda *a: _aggregate(min, list(a)),
    "max": lambda *a: _aggregate(max, list(a)),
    "sum": lambda *a: _aggregate(sum, list(a)),
    "count": lambda *a: Decimal(len(a[0] if len(a) == 1 and isinstance(a[0], list) else a)),
    "list contains": lambda items, v: (
        any(_compare("=", i, v) for i in items) if isinstance(items, list) else None
    ),
    "not": lambda v: (not v) if isinstance(v, bool) else None,
    "is defined": lambda v: v is not None,
}


def _string_join(items: Any, delimiter: Any = "") -> Any:
    """string join(list, delimiter?): the strings joined; null items left out (DMN 1.4)."""
    if not isinstance(items, list) or not isinstance(delimiter, str):
        return None
    if any(i is not None and not isinstance(i, str) for i in items):
        return None
    return delimiter.join(i for i in items if i is not None)


def _substring_around(s: Any, match: Any, *, after: bool) -> Any:
    if not isinstance(s, str) or not isinstance(match, str):
        return None
    head, found, tail = s.partition(match)
    if not found:
        return ""
    return tail if after else head


def _flatten(items: Any) -> Any:
    if not isinstance(items, list):
        return None
    flat: list[Any] = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat


def _distinct(items: Any) -> Any:
    if not isinstance(items, list):
        return None
    kept: list[Any] = []
    for item in items:
        if not any(_compare("=", item, k) is True or (item is None and k is None) for k in kept):
            kept.append(item)
    return kept


def _sublist(items: Any, start: Any, length: Any = None) -> Any:
    """sublist(list, start, length?): 1-based; a negative start counts from the end."""
    if not isinstance(items, list) or not isinstance(start, Decimal) or start == 0:
        return None
    first = int(start) - 1 if start > 0 else len(items) + int(start)
    if not 0 <= first < len(items):
        return None
    if length is None:
        return items[first:]
    return items[first : first + int(length)] if isinstance(length, Decimal) else None


def _truth(function: Callable[[list[bool]], bool], args: list[Any]) -> Any:
    """all/any: over booleans; null when an item is not a boolean and does not decide."""
    items = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    decided = [i for i in items if isinstance(i, bool)]
    if len(decided) < len(items):  # something else than true/false among them
        decisive = (False in decided) if function is all else (True in decided)
        return (function is any) if decisive else None
    return function(decided)


def _modulo(dividend: Any, divisor: Any) -> Any:
    if not isinstance(dividend, Decimal) or not isinstance(divisor, Decimal) or divisor == 0:
        return None
    return dividend - divisor * (dividend / divisor).to_integral_value(rounding=ROUND_FLOOR)


def _parity(n: Any, remainder: int) -> Any:
    if not isinstance(n, Decimal) or n != n.to_integral_value():
        return None
    return int(n) % 2 == remainder


def _mean(items: list[Any]) -> Any:
    return sum(items) / len(items)


def _product(items: list[Any]) -> Any:
    result = Decimal(1)
    for item in items:
        result *= item
    return result


LIST_AND_STRING_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "string join": _string_join,
    "substring before": lambda s, match: _substring_around(s, match, after=False),
    "substring after": lambda s, match: _substring_around(s, match, after=True),
    "append": lambda items, *more: items + list(more) if isinstance(items, list) else None,
    "concatenate": lambda *lists: (
        [i for part in lists for i in part] if all(isinstance(x, list) for x in lists) else None
    ),
    "reverse": lambda items: items[::-1] if isinstance(items, list) else None,
    "flatten": _flatten,
    "distinct values": _distinct,
    "index of": lambda items, match: (
        [Decimal(n) for n, i in enumerate(items, 1) if _compare("=", i, match) is True]
        if isinstance(items, list)
        else None
    ),
    "sublist": _sublist,
    "mean": lambda *a: _aggregate(_mean, list(a)),
    "product": lambda *a: _aggregate(_product, list(a)),
    "all": lambda *a: _truth(all, list(a)),
    "any": lambda *a: _truth(any, list(a)),
    "modulo": _modulo,
    "odd": lambda n: _parity(n, 1),
    "even": lambda n: _parity(n, 0),
}
FUNCTIONS.update(LIST_AND_STRING_FUNCTIONS)


def _to_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _call(name: str, arguments: list[Any], *, source: str) -> Any:
    function = FUNCTIONS.get(name)
    if function is None:
        raise FeelError(
            _("“%(expression)s”: the function “%(function)s” is not supported.")
            % {"expression": source, "function": name}
        )
    try:
        return function(*arguments)
    except TypeError:
        raise FeelError(
            _("“%(expression)s”: “%(function)s” does not take these arguments.")
            % {"expression": source, "function": name}
        ) from None


def feel_check(text: str, names: Iterable[str] = ()) -> None:
    """FeelError unless `text` is a FEEL expression this layer evaluates (`names`: variable
    names with spaces it may use)."""
    node = feel_parse(text, names)
    _functions_check(node, text)


def _functions_check(node: Any, source: str) -> None:
    if isinstance(node, tuple):
        if node and node[0] == "call" and node[1] not in FUNCTIONS:
            raise FeelError(
                _("“%(expression)s”: the function “%(function)s” is not supported.")
                % {"expression": source, "function": node[1]}
            )
        for part in node[1:]:
            _functions_check(part, source)
    elif isinstance(node, list):
        for part in node:
            _functions_check(part, source)


def feel_evaluate(text: str, variables: dict[str, Any]) -> Any:
    """The value of the FEEL expression `text` with `variables` (names may contain spaces)."""
    node = feel_parse(text, names=[n for n in variables if " " in n])
    _functions_check(node, text)
    return evaluate(node, dict(variables), source=text)
