"""The template language of prompt messages: Jinja2 syntax cut down to a logic-light subset.

A template may print variables, read into them (`customer.name`, `items[0]`, `m["k"]`), test
them with `if`, loop over them with `for`, and pass them through a few filters. Everything
else is refused when the schema is registered, by an allowlist over Jinja's syntax tree:
calls, attribute access on anything but a variable, names starting with `_`, assignments,
macros, includes, arithmetic. Rendering is inert on top of that: `x.y` and `x[k]` read keys
of JSON objects and items of JSON arrays only (never a Python attribute), calls always fail,
and output and loop iterations are bounded, so a template cannot run code or exhaust the
server whatever the variables hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import (
    ChainableUndefined,
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
    pass_eval_context,
)
from jinja2.environment import Template
from jinja2.exceptions import SecurityError
from jinja2.filters import do_join
from jinja2.nodes import EvalContext
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from llm_schema_registry.formats.base import InvalidSchemaError, RenderError

FILTERS = frozenset(
    {
        "capitalize",
        "default",
        "first",
        "float",
        "int",
        "items",
        "join",
        "last",
        "length",
        "lower",
        "round",
        "string",
        "title",
        "tojson",
        "trim",
        "truncate",
        "upper",
    }
)
TESTS = frozenset(
    {"defined", "undefined", "none", "boolean", "number", "string", "mapping", "sequence"}
)
# `tojson(indent=10**9)` would build a huge text before any output bound could see it.
WITHOUT_ARGUMENTS = frozenset({"tojson"})
COMPARISONS = frozenset({"eq", "ne", "lt", "lteq", "gt", "gteq", "in", "notin"})
LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})
MAX_OUTPUT = 1_000_000  # characters one message may render to
MAX_ITERATIONS = 100_000  # loop iterations one message's rendering may take, all loops together
_ITERATE = "bounded"  # the filter every `for` iterates through (not in FILTERS: unnameable)

_iterations: ContextVar[list[int]] = ContextVar("prompt_iterations")


class _InertEnvironment(SandboxedEnvironment):
    """Reads JSON values only: no Python attribute of any object is reachable."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, LoopContext) and attribute in LOOP_ATTRIBUTES:
            return getattr(obj, attribute)
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Mapping) and isinstance(argument, str) and argument in obj:
            return obj[argument]
        index_ok = isinstance(argument, int) and not isinstance(argument, bool)
        if isinstance(obj, list) and index_ok and -len(obj) <= argument < len(obj):
            return obj[argument]
        return self.undefined(obj=obj, name=str(argument))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("templates cannot call anything")


def _bounded(value: Any) -> Iterator[Any]:
    """Iterates a loop's sequence, counting against the rendering's iteration budget."""
    counter = _iterations.get()
    for item in value if isinstance(value, Iterable) else ():
        counter[0] += 1
        if counter[0] > MAX_ITERATIONS:
            raise RenderError(f"more than {MAX_ITERATIONS} loop iterations")
        yield item


@pass_eval_context
def _join(context: EvalContext, value: Any, separator: Any = "", attribute: Any = None) -> Any:
    """Jinja's `join`, refused before it builds a text longer than a message may be."""
    parts = list(value) if isinstance(value, Iterable) else value
    if isinstance(parts, list):
        size = sum(len(str(part)) for part in parts) + len(str(separator)) * len(parts)
        if size > MAX_OUTPUT:
            raise RenderError(f"join would render more than {MAX_OUTPUT} characters")
    return do_join(context, parts, separator, attribute)


_ENVIRONMENT = _InertEnvironment(undefined=ChainableUndefined, autoescape=False)
_ENVIRONMENT.filters = {name: _ENVIRONMENT.filters[name] for name in FILTERS}
_ENVIRONMENT.filters["join"] = _join
_ENVIRONMENT.filters[_ITERATE] = _bounded
_ENVIRONMENT.tests = {name: _ENVIRONMENT.tests[name] for name in TESTS}
_ENVIRONMENT.globals = {}


@dataclass(frozen=True, eq=False)
class MessageTemplate:
    """One message's template, checked and compiled; `variables`: the root names it reads."""

    role: str
    source: str
    variables: frozenset[str]
    compiled: Template

    def render(self, variables: Mapping[str, Any]) -> str:
        """The message text; RenderError when the template fails or renders too much."""
        token = _iterations.set([0])
        try:
            produced, size = [], 0
            for chunk in self.compiled.generate(dict(variables)):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise RenderError(f"the message renders to more than {MAX_OUTPUT} characters")
                produced.append(chunk)
            return "".join(produced)
        except (TemplateError, TypeError, ValueError, OverflowError) as error:
            raise RenderError(f"the {self.role} message failed to render: {error}") from None
        finally:
            _iterations.reset(token)


def compile_template(role: str, source: str, where: str) -> MessageTemplate:
    """Check `source` against the allowlist and compile it; InvalidSchemaError naming `where`
    (e.g. `messages[1].content`) and the construct refused."""
    try:
        tree = _ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        raise InvalidSchemaError(
            f"{where}: template syntax error on line {error.lineno}: {error.message}"
        ) from None
    for node in tree.body:
        _statement(node, where)
    used = frozenset(meta.find_undeclared_variables(tree))
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, _ITERATE, [], [], None, None, lineno=loop.lineno)
    compiled = _ENVIRONMENT.from_string(tree)
    return MessageTemplate(role, source, used, compiled)


def _refuse(node: nodes.Node, where: str, what: str) -> InvalidSchemaError:
    line = getattr(node, "lineno", None)
    at = f" on line {line}" if line else ""
    return InvalidSchemaError(f"{where}: {what}{at} is not allowed in a prompt template")


def _statement(node: nodes.Node, where: str) -> None:
    if isinstance(node, nodes.TemplateData):
        return
    if isinstance(node, nodes.Output):
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                _expression(child, where)
        return
    if isinstance(node, nodes.If):
        _expression(node.test, where)
        for inner in [*node.body, *node.elif_, *node.else_]:
            _statement(inner, where)
        return
    if isinstance(node, nodes.For):
        _loop(node, where)
        return
    raise _refuse(node, where, f"the '{type(node).__name__.lower()}' statement")


def _loop(node: nodes.For, where: str) -> None:
    targets = node.target.items if isinstance(node.target, nodes.Tuple) else [node.target]
    for target in targets:
        if not isinstance(target, nodes.Name) or target.name.startswith("_"):
            raise _refuse(node, where, "this loop variable")
    if node.recursive:
        raise _refuse(node, where, "a recursive loop")
    _expression(node.iter, where)
    if node.test is not None:
        _expression(node.test, where)
    for child in [*node.body, *node.else_]:
        _statement(child, where)


def _expression(node: nodes.Node, where: str) -> None:
    """Variables, constants, reads into variables, filters/tests of the allowlist, logic."""
    if isinstance(node, nodes.Const):
        return
    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        _access(node, where)
    elif isinstance(node, nodes.Filter | nodes.Test):
        allowed = FILTERS if isinstance(node, nodes.Filter) else TESTS
        kind = "filter" if isinstance(node, nodes.Filter) else "test"
        if node.name not in allowed:
            raise _refuse(node, where, f"the '{node.name}' {kind}")
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            raise _refuse(node, where, f"*args or **kwargs in the '{node.name}' {kind}")
        if node.name in WITHOUT_ARGUMENTS and (node.args or node.kwargs):
            raise _refuse(node, where, f"arguments to the '{node.name}' {kind}")
        if node.node is not None:
            _expression(node.node, where)
        for argument in [*node.args, *(keyword.value for keyword in node.kwargs)]:
            _expression(argument, where)
    elif isinstance(node, nodes.Not):
        _expression(node.node, where)
    elif isinstance(node, nodes.And | nodes.Or):
        _expression(node.left, where)
        _expression(node.right, where)
    elif isinstance(node, nodes.CondExpr):
        for part in (node.test, node.expr1, node.expr2):
            if part is not None:
                _expression(part, where)
    elif isinstance(node, nodes.Compare):
        _expression(node.expr, where)
        for operand in node.ops:
            if operand.op not in COMPARISONS:
                raise _refuse(node, where, f"the '{operand.op}' comparison")
            _expression(operand.expr, where)
    elif isinstance(node, nodes.List | nodes.Tuple):
        for item in node.items:
            _expression(item, where)
    elif isinstance(node, nodes.Concat):
        for item in node.nodes:
            _expression(item, where)
    else:
        raise _refuse(node, where, f"the expression '{type(node).__name__}'")


def _access(node: nodes.Node, where: str) -> None:
    """A variable, or a chain of `.name`/`[key]` reads rooted at one (never at a constant)."""
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        key = node.attr if isinstance(node, nodes.Getattr) else _item_key(node, where)
        if isinstance(key, str) and key.startswith("_"):
            raise _refuse(node, where, f"reading '{key}'")
        node = node.node
    if not isinstance(node, nodes.Name):
        raise _refuse(node, where, "reading into anything but a variable")
    if node.name.startswith("_"):
        raise _refuse(node, where, f"the name '{node.name}'")


def _item_key(node: nodes.Getitem, where: str) -> str | int:
    key = node.arg
    if isinstance(key, nodes.Const) and isinstance(key.value, str | int):
        value: str | int = key.value
        return value
    if isinstance(key, nodes.Name | nodes.Getattr | nodes.Getitem):
        _access(key, where)  # `items[i]` with `i` a variable
        return ""
    raise _refuse(node, where, "this subscript")
