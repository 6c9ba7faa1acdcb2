"""A small, safe expression language for validation rules (no eval).

Grammar::

    comparison := expr ("=" | "<=" | "≤" | ">=" | "≥" | "<" | ">") expr
    expr       := term (("+" | "-") term)*
    term       := factor (("*" | "/") factor)*
    factor     := "-" factor | NUMBER | NUMBER "%" | CODE | FUNC "(" expr ("," expr)* ")" | "(" expr ")"

Functions: ``min``, ``max``, ``abs``, ``filled`` (1 when the field has a value, else 0).
Arithmetic is exact (Decimal). A missing numeric value counts as 0, so a sum with a missing
part fails a "= 100" rule, as the spec's Örebro example needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

TOKEN = re.compile(r"\s*(?:(\d+(?:[.,]\d+)?)|([a-z_][a-z0-9_]*)|(<=|>=|≤|≥|[-+*/(),=<>%]))", re.IGNORECASE)
FUNCTIONS = {"min", "max", "abs", "filled"}
COMPARATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "=": lambda a, b: a == b,
    "<=": lambda a, b: a <= b,
    "≤": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "≥": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}


class ExpressionError(ValueError):
    """The text is not a valid expression (the message says where)."""


@dataclass(frozen=True)
class Node:
    kind: str  # num, code, neg, bin, call
    value: Any = None
    args: tuple[Node, ...] = ()

    def codes(self) -> set[str]:
        found = {self.value} if self.kind == "code" else set()
        for arg in self.args:
            found |= arg.codes()
        return found


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(_("Unexpected character at position %(pos)s: %(text)s") % {"pos": position + 1, "text": text[position:]})
        tokens.append(next(g for g in match.groups() if g is not None))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ExpressionError(_("Expected %(expected)s") % {"expected": expected or _("more")})
        self.i += 1
        return token

    def expr(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            node = Node("bin", op, (node, self.term()))
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.peek() in ("*", "/"):
            op = self.take()
            node = Node("bin", op, (node, self.factor()))
        return node

    def factor(self) -> Node:
        lexeme = self.peek()
        if lexeme is None:
            raise ExpressionError(_("The expression ends too early."))
        if lexeme == "-":
            self.take()
            return Node("neg", None, (self.factor(),))
        if lexeme == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if lexeme[0].isdigit():
            self.take()
            number = Decimal(lexeme.replace(",", "."))
            if self.peek() == "%":
                self.take()
                number = number / 100
            return Node("num", number)
        if re.fullmatch(r"[a-z_][a-z0-9_]*", lexeme, re.IGNORECASE):
            self.take()
            if self.peek() == "(":
                if lexeme not in FUNCTIONS:
                    raise ExpressionError(_("Unknown function: %(name)s") % {"name": lexeme})
                self.take("(")
                args = [self.expr()]
                while self.peek() == ",":
                    self.take()
                    args.append(self.expr())
                self.take(")")
                if lexeme in ("abs", "filled") and len(args) != 1:
                    raise ExpressionError(_("%(name)s takes one argument") % {"name": lexeme})
                if lexeme == "filled" and args[0].kind != "code":
                    raise ExpressionError(_("filled() takes a field code"))
                return Node("call", lexeme, tuple(args))
            return Node("code", lexeme)
        raise ExpressionError(_("Unexpected %(lexeme)s") % {"lexeme": lexeme})

    def done(self) -> None:
        if self.peek() is not None:
            raise ExpressionError(_("Unexpected %(token)s") % {"token": self.peek()})


def parse_expression(text: str) -> Node:
    parser = _Parser(text)
    node = parser.expr()
    parser.done()
    return node


@dataclass(frozen=True)
class Comparison:
    left: Node
    operator: str
    right: Node

    def codes(self) -> set[str]:
        return self.left.codes() | self.right.codes()


def parse_comparison(text: str) -> Comparison:
    parser = _Parser(text)
    left = parser.expr()
    operator = parser.take()
    if operator not in COMPARATORS:
        raise ExpressionError(_("Expected a comparison (=, ≤, ≥, <, >)"))
    right = parser.expr()
    parser.done()
    return Comparison(left, operator, right)


def evaluate(node: Node, values: Mapping[str, Decimal | None], filled: Mapping[str, bool]) -> Decimal:
    """The value of `node`; a missing or non-numeric field counts as 0."""
    if node.kind == "num":
        return node.value
    if node.kind == "code":
        value = values.get(node.value)
        return value if value is not None else Decimal(0)
    if node.kind == "neg":
        return -evaluate(node.args[0], values, filled)
    if node.kind == "call":
        if node.value == "filled":
            return Decimal(1) if filled.get(node.args[0].value) else Decimal(0)
        args = [evaluate(a, values, filled) for a in node.args]
        if node.value == "abs":
            return abs(args[0])
        return min(args) if node.value == "min" else max(args)
    left, right = (evaluate(a, values, filled) for a in node.args)
    if node.value == "+":
        return left + right
    if node.value == "-":
        return left - right
    if node.value == "*":
        return left * right
    try:
        return left / right
    except (DivisionByZero, InvalidOperation):
        return Decimal(0)


def compare(left: Decimal, operator: str, right: Decimal) -> bool:
    return COMPARATORS[operator](left, right)
