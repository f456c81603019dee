"""The errors of the DMN evaluator: one base class, so callers catch `DmnError` and show its
message; the message always says where (decision, rule or cell id, line) and what to change."""


class DmnError(ValueError):
    """A DMN file, decision or evaluation that cannot be used; the message says where and why."""

    def __init__(self, message: str, *, element_id: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id
        self.line = line


class FeelError(DmnError):
    """FEEL that is invalid or beyond the supported subset; the message quotes the expression
    and, once the model layer adds it, names the rule or cell it stands in."""

    def __init__(
        self,
        message: str,
        *,
        expression: str = "",
        element_id: str = "",
        line: int | None = None,
    ) -> None:
        super().__init__(message, element_id=element_id, line=line)
        self.expression = expression


class SchemaUnavailable(DmnError):
    """The official DMN 1.3 XSD cannot be used: it is not where the settings say, or the file
    is another DMN version (only DMN 1.3 is validated against an XSD)."""
