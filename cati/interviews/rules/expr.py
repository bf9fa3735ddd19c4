"""The routing-condition language: a hand-written tokenizer and recursive-descent parser.

Grammar (keywords are case-insensitive)::

    expr     := or_expr
    or_expr  := and_expr ("or" and_expr)*
    and_expr := not_expr ("and" not_expr)*
    not_expr := "not" not_expr | atom
    atom     := "(" expr ")"
              | ("answered" | "unanswered") "(" NAME ")"
              | NAME OP value
              | NAME ["not"] "in" "[" value ("," value)* "]"
    OP       := "=" | "!=" | "<" | "<=" | ">" | ">="
    value    := NUMBER | STRING | NAME          (a bare NAME is a string literal: variant = regular)

Nothing here is ever passed to ``eval``. Semantics, in :func:`evaluate`: a comparison on a variable
without a value is false (so ``not (x = 1)`` is true when ``x`` is unanswered); a multiple-choice
variable "equals" a code when that code was chosen, and is "in" a list when any chosen code is listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

Literal = Decimal | str
#: What a name evaluates to: None (no value), a scalar, or a frozenset of codes (multiple choice).
Value = Decimal | str | frozenset[Decimal] | None

OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_KEYWORDS = {"and", "or", "not", "in", "answered", "unanswered"}


class ExprError(ValueError):
    """A syntax error in a condition; ``column`` is 1-based within the condition text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (kolom {column})")
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Compare:
    name: str
    op: str
    value: Literal


@dataclass(frozen=True)
class InList:
    name: str
    values: tuple[Literal, ...]
    negated: bool = False


@dataclass(frozen=True)
class Answered:
    name: str
    negated: bool = False  # True for unanswered(name)


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]


Expr = Compare | InList | Answered | Not | And | Or


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "number", "string", "op", "punct", "kw", "end"
    text: str
    column: int
    value: Literal | None = None


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch.isalpha() or ch == "_":
            j = i
            while j < n and (source[j].isalnum() or source[j] == "_"):
                j += 1
            word = source[i:j]
            kind = "kw" if word.lower() in _KEYWORDS else "name"
            tokens.append(Token(kind, word.lower() if kind == "kw" else word, col))
            i = j
        elif ch.isdigit() or (ch == "-" and i + 1 < n and source[i + 1].isdigit()):
            j = i + 1
            while j < n and (source[j].isdigit() or source[j] == "."):
                j += 1
            text = source[i:j]
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ExprError(f"ongeldig getal '{text}'", col) from None
            tokens.append(Token("number", text, col, number))
            i = j
        elif ch in "'\"":
            j = source.find(ch, i + 1)
            if j < 0:
                raise ExprError("tekst zonder afsluitend aanhalingsteken", col)
            tokens.append(Token("string", source[i : j + 1], col, source[i + 1 : j]))
            i = j + 1
        elif source.startswith(("!=", "<=", ">="), i):
            tokens.append(Token("op", source[i : i + 2], col))
            i += 2
        elif ch in "=<>":
            tokens.append(Token("op", ch, col))
            i += 1
        elif ch in "()[],":
            tokens.append(Token("punct", ch, col))
            i += 1
        else:
            raise ExprError(f"onverwacht teken '{ch}'", col)
    tokens.append(Token("end", "", n + 1))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.pos = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        return tok.kind == kind and (text is None or tok.text == text)

    def expect(self, kind: str, text: str, what: str) -> Token:
        if not self.at(kind, text):
            tok = self.peek()
            found = tok.text or "einde van de voorwaarde"
            raise ExprError(f"verwacht {what}, gevonden '{found}'", tok.column)
        return self.take()

    def parse(self) -> Expr:
        expr = self.or_expr()
        if not self.at("end"):
            tok = self.peek()
            raise ExprError(f"onverwacht '{tok.text}' na einde van de voorwaarde", tok.column)
        return expr

    def or_expr(self) -> Expr:
        parts = [self.and_expr()]
        while self.at("kw", "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Expr:
        parts = [self.not_expr()]
        while self.at("kw", "and"):
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self) -> Expr:
        if self.at("kw", "not"):
            self.take()
            return Not(self.not_expr())
        return self.atom()

    def atom(self) -> Expr:
        tok = self.peek()
        if self.at("punct", "("):
            self.take()
            inner = self.or_expr()
            self.expect("punct", ")", "')'")
            return inner
        if tok.kind == "kw" and tok.text in ("answered", "unanswered"):
            self.take()
            self.expect("punct", "(", "'(' na " + tok.text)
            arg = self.take()
            if arg.kind != "name":
                raise ExprError(f"verwacht een variabelenaam in {tok.text}()", arg.column)
            self.expect("punct", ")", "')'")
            return Answered(arg.text, negated=tok.text == "unanswered")
        if tok.kind != "name":
            found = tok.text or "einde van de voorwaarde"
            raise ExprError(f"verwacht een variabelenaam, gevonden '{found}'", tok.column)
        name = self.take().text
        if self.at("op"):
            op = self.take().text
            return Compare(name, op, self.value())
        negated = False
        if self.at("kw", "not"):
            self.take()
            negated = True
        if self.at("kw", "in"):
            self.take()
            self.expect("punct", "[", "'[' na 'in'")
            values = [self.value()]
            while self.at("punct", ","):
                self.take()
                values.append(self.value())
            self.expect("punct", "]", "']'")
            return InList(name, tuple(values), negated)
        nxt = self.peek()
        found = nxt.text or "einde van de voorwaarde"
        raise ExprError(f"verwacht een vergelijking (=, !=, <, in ...) na '{name}', gevonden '{found}'", nxt.column)

    def value(self) -> Literal:
        tok = self.take()
        if tok.kind in ("number", "string") and tok.value is not None:
            return tok.value
        if tok.kind == "name":
            return tok.text
        found = tok.text or "einde van de voorwaarde"
        raise ExprError(f"verwacht een waarde, gevonden '{found}'", tok.column)


def parse(source: str) -> Expr:
    """Parse a condition; raises :class:`ExprError` on a syntax error."""
    if not source.strip():
        raise ExprError("lege voorwaarde", 1)
    return _Parser(source).parse()


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr``, depth first."""
    yield expr
    if isinstance(expr, Not):
        yield from walk(expr.operand)
    elif isinstance(expr, And | Or):
        for operand in expr.operands:
            yield from walk(operand)


def names(expr: Expr) -> frozenset[str]:
    found: set[str] = set()
    for node in walk(expr):
        if isinstance(node, Compare | InList | Answered):
            found.add(node.name)
    return frozenset(found)


def _as_number(value: Literal) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        return None


def _compare(left: Decimal | str, op: str, right: Literal) -> bool:
    ln, rn = _as_number(left), _as_number(right)
    if ln is not None and rn is not None:
        a: Decimal | str = ln
        b: Decimal | str = rn
    else:
        a, b = str(left).casefold(), str(right).casefold()
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    if type(a) is not type(b):
        return False
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def evaluate(expr: Expr, lookup: Callable[[str], Value]) -> bool:
    """Evaluate ``expr``; ``lookup(name)`` gives the value of an answer or case field."""
    if isinstance(expr, And):
        return all(evaluate(e, lookup) for e in expr.operands)
    if isinstance(expr, Or):
        return any(evaluate(e, lookup) for e in expr.operands)
    if isinstance(expr, Not):
        return not evaluate(expr.operand, lookup)
    value = lookup(expr.name)
    if isinstance(expr, Answered):
        return (value is not None) != expr.negated
    if value is None:
        return False
    if isinstance(expr, InList):
        if isinstance(value, frozenset):
            hit = any(_compare(v, "=", lit) for v in value for lit in expr.values)
        else:
            hit = any(_compare(value, "=", lit) for lit in expr.values)
        return hit != expr.negated
    if isinstance(value, frozenset):
        chosen = any(_compare(v, "=", expr.value) for v in value)
        if expr.op == "=":
            return chosen
        if expr.op == "!=":
            return not chosen
        return False
    return _compare(value, expr.op, expr.value)


def to_source(expr: Expr) -> str:
    """A canonical text form (used to compare the routing of two forms)."""
    if isinstance(expr, And | Or):
        word = " and " if isinstance(expr, And) else " or "
        return "(" + word.join(to_source(e) for e in expr.operands) + ")"
    if isinstance(expr, Not):
        return f"not {to_source(expr.operand)}"
    if isinstance(expr, Answered):
        return f"{'unanswered' if expr.negated else 'answered'}({expr.name})"
    if isinstance(expr, InList):
        vals = ", ".join(_lit(v) for v in expr.values)
        return f"{expr.name} {'not in' if expr.negated else 'in'} [{vals}]"
    return f"{expr.name} {expr.op} {_lit(expr.value)}"


def _lit(value: Literal) -> str:
    return str(value) if isinstance(value, Decimal) else repr(value)
