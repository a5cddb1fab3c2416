"""A pydantic model checked against located YAML: every error tied to its line and field,
in words a content writer can act on, with a fix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from .content import Entry
from .errors import SourceError, closest, did_you_mean
from .loader import Located, PathKey
from .models import (
    FieldProblem,
    nested_models,
)

M = TypeVar("M", bound=BaseModel)

# Kinds of error that mean the value is not of the type asked for: what it is not, how to write it.
_NOT_A: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("date_parsing", "date_from_datetime_parsing", "date_type", "date_from_datetime_inexact"),
        ("a date", "write the date as YYYY-MM-DD, e.g. 2026-03-14"),
    ),
    **dict.fromkeys(
        ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"),
        ("a date and time", "write YYYY-MM-DD HH:MM, e.g. 2026-03-14 10:30"),
    ),
    **dict.fromkeys(("bool_parsing", "bool_type"), ("true or false", "write true or false")),
    **dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float"),
        ("a whole number", "write a whole number, e.g. 3"),
    ),
}

# Kinds of error that mean the value has the wrong shape: what it should be, how to make it so
# (the field's description follows the fix, in brackets).
_SHOULD_BE: dict[str, tuple[str, str]] = {
    "list_type": ("a list", "put each item on its own line, starting with '- '"),
    **dict.fromkeys(
        ("model_type", "dict_type", "model_attributes_type"),
        ("a group of 'name: value' fields", "indent the fields under this key"),
    ),
    "string_type": ("text", "put the value in quotes"),
}


def check_model(model: type[M], located: Located) -> tuple[M | None, list[SourceError]]:
    """Validate one document; on failure return every problem, each at its line and column."""
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    if not isinstance(located.data, dict):
        found = "a list" if isinstance(located.data, list) else "plain text"
        return None, [
            SourceError(
                located.path,
                f"the file holds {found}, but it should hold 'name: value' fields",
                line=1 + located.line_offset,
                column=1,
                hint=f"start with the fields of a {_kind(model)}: "
                + ", ".join(f"'{name}:'" for name in required),
            )
        ]
    if not located.data and required:
        return None, [
            SourceError(
                located.path,
                "this is empty",
                line=1 + located.line_offset,
                column=1,
                hint=f"a {_kind(model)} needs at least: " + ", ".join(required),
            )
        ]
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        return None, list(_explain(exc, model, located))


def _explain(
    exc: ValidationError, model: type[BaseModel], located: Located
) -> Iterator[SourceError]:
    grouped: dict[PathKey, list[ErrorDetails]] = {}
    for error in exc.errors(include_url=False):
        path = _data_path(error["loc"], located.data, error["type"])
        grouped.setdefault(path, []).append(error)
    for path, errors in grouped.items():
        yield _one_problem(path, errors, model, located)


def _one_problem(
    path: PathKey, errors: list[ErrorDetails], model: type[BaseModel], located: Located
) -> SourceError:
    error = _most_telling(errors)
    kind = error["type"]
    field_name = dotted(path)
    value = _value_at(located.data, path)
    info = _field_info(model, path)
    about = info.description if info is not None and info.description else None
    position = located.position(path)

    if kind == "value_error" and isinstance(error.get("ctx", {}).get("error"), FieldProblem):
        problem: FieldProblem = error["ctx"]["error"]
        # An empty field means the problem is the group itself (a period with no end).
        path = (*path, problem.field) if problem.field else path
        return _at(located, path, str(problem), problem.hint, value=None)
    if kind == "missing":
        where = located.key_position(path[:-1]) or (1 + located.line_offset, 1)
        return SourceError(
            located.path,
            f"the required field '{path[-1]}' is missing",
            *where,
            field=field_name,
            hint=f"add '{path[-1]}:'" + (f" ({about})" if about else ""),
        )
    if kind == "extra_forbidden":
        owner = _model_at(model, path[:-1])
        valid = list(owner.model_fields) if owner else []
        guess = closest(str(path[-1]), valid)
        hint = (
            f"did you mean '{guess}'?"
            if guess
            else f"remove it; valid fields here: {', '.join(valid)}"
        )
        return _at(located, path, f"unknown field '{path[-1]}'", hint)
    message, hint = _describe(error, value, about)
    if path[-1:] == ("template",) and kind == "string_pattern_mismatch":
        hint = "write the template's file name without .html, e.g. template: page"
    line, column = position or (None, None)
    return SourceError(
        located.path, message, line, column, field=field_name, hint=hint, value=_show(value)
    )


def _describe(error: ErrorDetails, value: Any, about: str | None) -> tuple[str, str]:
    """A message and a fix for one pydantic error, in the words of someone editing YAML."""
    kind = error["type"]
    shown = _show(value)
    expected = about or ""
    if kind in _NOT_A:
        what, how = _NOT_A[kind]
        return f"'{shown}' is not {what}", how
    if kind in _SHOULD_BE:
        what, how = _SHOULD_BE[kind]
        return f"this should be {what}", how + (f" ({expected})" if expected else "")
    return _describe_constraint(error, value, shown, expected)


def _describe_constraint(
    error: ErrorDetails, value: Any, shown: str, expected: str
) -> tuple[str, str]:
    """A message and a fix for a value of the right type that breaks the field's rules."""
    kind = error["type"]
    if kind == "literal_error":
        options = re.findall(r"'([^']+)'", error["ctx"]["expected"])
        return f"'{shown}' is not one of the allowed values", did_you_mean(str(value), options)
    if kind == "string_pattern_mismatch":
        pattern = error["ctx"]["pattern"]
        return f"'{shown}' is not in the right form", _pattern_hint(pattern, expected)
    if kind == "string_too_short":
        return "this is empty", f"fill it in ({expected})" if expected else "fill it in"
    if kind.startswith(("greater_than", "less_than")):
        return f"{shown} is out of range: {error['msg'].lower()}", expected or "change the number"
    if kind == "value_error":
        return str(error["ctx"]["error"]), expected or "correct the value"
    return error["msg"], expected or "correct the value"


def _pattern_hint(pattern: str, about: str) -> str:
    if "/" in pattern:
        return "write the plan's file name, a slash and the action's id, e.g. 2024-2027/v1-1"
    if pattern.startswith("^[a-z0-9]+"):
        return "use lowercase letters, numbers and hyphens only, e.g. life-sciences"
    if "#" in pattern:
        return "write a colour as # and six hex digits, e.g. #1d3557"
    if "https?" in pattern:
        return "write a full address starting https://, a mailto: address, or a /site-path/"
    if "@" in pattern:
        return "write an email address, e.g. technicians@example.ac.uk"
    if "A-Z" in pattern:
        return "write a code of capital letters and a number, e.g. V1, CD3"
    if "top|centre" in pattern:
        return "write top, centre, bottom, or a point such as '45% 30%' (across, down)"
    if r"\d\." in pattern:
        return "start with the WCAG criterion number, e.g. '1.4.3 Contrast (minimum)'"
    return about or "correct the value"


def _most_telling(errors: list[ErrorDetails]) -> ErrorDetails:
    """A union field fails once per allowed type; show the error a person can act on."""
    order = [
        "value_error",
        "missing",
        "extra_forbidden",
        "literal_error",
        "string_pattern_mismatch",
    ]
    for kind in order:
        for error in errors:
            if error["type"] == kind:
                return error
    return errors[0]


def _data_path(loc: tuple[int | str, ...], data: Any, kind: str) -> PathKey:
    """Drop the type names pydantic puts in union locations, keeping the path into the data."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str) and part not in current:
            part = part.replace("_", "-") if part.replace("_", "-") in current else part
        if _holds(current, part):
            path.append(part)
            current = current[part]
        elif last and kind in {"missing", "extra_forbidden"} and isinstance(current, dict):
            path.append(part)
    return tuple(path)


def _holds(container: Any, part: str | int) -> bool:
    """Whether `part` is a key of the mapping, or an index into the list, `container`."""
    if isinstance(container, dict):
        return isinstance(part, str) and part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _at(located: Located, path: PathKey, message: str, hint: str, value: Any = None) -> SourceError:
    line, column = located.key_position(path) or (None, None)
    return SourceError(
        located.path, message, line, column, field=dotted(path), hint=hint, value=value
    )


def dotted(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _value_at(data: Any, path: PathKey) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _show(value: Any) -> str:
    text = str(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(model: type[BaseModel]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _model_at(model: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in path:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part) or current.model_fields.get(part.replace("-", "_"))
        if info is None:
            return None
        current = next(nested_models(info.annotation), None)
    return current


def _field_info(model: type[BaseModel], path: PathKey) -> FieldInfo | None:
    names = [p for p in path if isinstance(p, str)]
    if not names:
        return None
    owner = _model_at(model, tuple(p for p in path[: _last_str(path)]))
    return owner.model_fields.get(names[-1].replace("-", "_")) if owner else None


def _last_str(path: PathKey) -> int:
    for index in range(len(path) - 1, -1, -1):
        if isinstance(path[index], str):
            return index
    return 0


def entry_error(
    entry: Entry[Any], path: PathKey, message: str, hint: str, warning: bool = False
) -> SourceError:
    located = entry.located
    line, column = (located.key_position(path) if located else None) or (None, None)
    return SourceError(
        entry.path,
        message,
        line,
        column,
        field=dotted(path),
        hint=hint,
        severity="warning" if warning else "error",
    )
