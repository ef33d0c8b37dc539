"""Scores evalwire parity cases with the Python evalwire's own evaluators.

Reads a JSON list of cases on stdin: {"factory": ..., "options": {...}, "output": ..., "expected": {...}}
(or {"literal": "<text>"} to read a string with ast.literal_eval). Prints one JSON list: for each
case {"score": <number>} or {"error": "<type>: <message>"}; a bool score is printed as 1 or 0. A literal
gives {"value": <JSON>} (inf, -inf and nan as {"$float": "inf"}...), or {"unrepresentable": "<type>"} for a set, bytes or complex number.
"""

import ast
import json
import math
import sys

from evalwire import evaluators as ev


def build(spec):
    name, options = spec["factory"], spec.get("options", {})
    if name == "top_k":
        return ev.make_top_k_evaluator(**({"K": options["k"]} if "k" in options else {}))
    if name == "is_in":
        return ev.make_membership_evaluator()
    if name == "exact_match":
        return ev.make_exact_match_evaluator()
    if name == "contains":
        return ev.make_contains_evaluator()
    if name == "regex_match":
        return ev.make_regex_evaluator()
    if name == "json_match":
        return ev.make_json_match_evaluator(options.get("keys"))
    if name == "schema_valid":
        return ev.make_schema_evaluator(options["schema"])
    if name == "numeric_close":
        return ev.make_numeric_tolerance_evaluator(**options)
    if name == "weighted":
        return ev.make_weighted_evaluator([(build(part), weight) for part, weight in options["parts"]])
    if name == "all_pass":
        return ev.make_all_pass_evaluator([build(part) for part in options["parts"]])
    if name == "any_pass":
        return ev.make_any_pass_evaluator([build(part) for part in options["parts"]])
    raise ValueError(f"unknown factory {name}")


class Unrepresentable(Exception):
    """A literal of a type JSON has no value for (set, bytes, complex)."""


def plain(value):
    """A literal_eval result as JSON: tuples as lists; anything JSON cannot hold is an error."""
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) or (isinstance(key, (int, float)) and not isinstance(key, bool)) for key in value):
            raise Unrepresentable("dict key")
        return {str(key) if isinstance(key, str) else json.dumps(key): plain(item) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": repr(value)}  # inf, -inf or nan: JSON has no such number
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise Unrepresentable(type(value).__name__)


def run(case):
    try:
        if "literal" in case:
            return {"value": plain(ast.literal_eval(case["literal"]))}
        score = build(case)(case["output"], case["expected"])
        if isinstance(score, bool):
            score = 1 if score else 0
        return {"score": score}
    except Unrepresentable as error:
        return {"unrepresentable": str(error)}
    except Exception as error:  # noqa: BLE001 (an error is an outcome to compare)
        return {"error": f"{type(error).__name__}: {error}"}


print(json.dumps([run(case) for case in json.load(sys.stdin)], allow_nan=True))
