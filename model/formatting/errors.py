"""pydantic's validation messages in the reader's language: the one table and function
every importer and the scenario reader use.

pydantic words its errors in English ("Field required", "Input should be greater than
0"). For the kinds of error a user's file commonly has, the catalog holds the same
sentence with named placeholders; ``validation_message`` fills it from the error's
context. In English, or for an error kind not listed, pydantic's own text is kept as it
is (only the "Value error, " prefix of a model's own check is taken off: those checks are
worded, and translated, where they are raised).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model.formatting.i18n import N_, _

PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "less_than": N_("Input should be less than {lt}"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "string_type": N_("Input should be a valid string"),
    "dict_type": N_("Input should be a valid dictionary"),
    "list_type": N_("Input should be a valid list"),
    "tuple_type": N_("Input should be a valid tuple"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "finite_number": N_("Input should be a finite number"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "string_too_short": N_("String should have at least {min_length} characters"),
    "string_too_long": N_("String should have at most {max_length} characters"),
    "literal_error": N_("Input should be one of: {expected}"),
    "date_from_datetime_parsing": N_("Input should be a valid date (YYYY-MM-DD)"),
    "date_parsing": N_("Input should be a valid date (YYYY-MM-DD)"),
    "date_type": N_("Input should be a valid date (YYYY-MM-DD)"),
}


def validation_message(err: Mapping[str, Any]) -> str:
    """One pydantic error's message in the active language."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    template = PYDANTIC_MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return msg
    translated = _(template)
    if translated == template:  # English (or not translated yet): pydantic's own words
        return msg
    ctx = {
        k: int(v) if isinstance(v, float) and v.is_integer() else v
        for k, v in (err.get("ctx") or {}).items()
    }
    if "expected" in ctx:  # "'a', 'b' or 'c'": the list without pydantic's English "or"
        ctx["expected"] = str(ctx["expected"]).replace("' or '", "', '")
    try:
        return translated.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return msg
