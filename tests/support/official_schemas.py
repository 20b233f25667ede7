"""The platforms' official JSON schemas (../shared/specs/official-schemas/) as ready validators.

Each works around the quirks PROVENANCE.md lists, so a failure is Tandem's and not the schema's:
Adaptive Cards 1.5's case-insensitive enum patterns are anchored in a copy, Teams 1.29's `\\p{L}` pattern
is checked with the `regex` module, and Slack's root schema finds its versioned schemas locally.
"""
from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import regex
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.fakes.slack_api import shared_dir

RAW_SLACK = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"
_PARTLY_ANCHORED = re.compile(r"^\^(\(.*\))\$$")


def schemas_dir() -> Path:
    return shared_dir() / "specs" / "official-schemas"


def _load(name: str) -> dict[str, Any]:
    return json.loads((schemas_dir() / name).read_text(encoding="utf-8"))


def _anchor_patterns(node: Any) -> Any:
    """`^(a)|(b)$` matches anything starting with a or ending with b; `^(?:(a)|(b))$` is what was meant."""
    if isinstance(node, dict):
        out = {key: _anchor_patterns(value) for key, value in node.items()}
        pattern = node.get("pattern")
        if isinstance(pattern, str) and ")|(" in pattern and _PARTLY_ANCHORED.match(pattern):
            out["pattern"] = f"^(?:{pattern[1:-1]})$"
        return out
    if isinstance(node, list):
        return [_anchor_patterns(value) for value in node]
    return node


def _regex_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """jsonschema's `pattern` with the `regex` module, which knows `\\p{L}` (Python's `re` does not)."""
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def adaptive_card_validator() -> jsonschema.protocols.Validator:
    schema = _anchor_patterns(copy.deepcopy(_load("adaptive-card-1.5.0.schema.json")))
    return jsonschema.Draft6Validator(schema)


@cache
def teams_manifest_validator() -> jsonschema.protocols.Validator:
    schema = _load("MicrosoftTeams-1.29.schema.json")
    kind = jsonschema.validators.extend(jsonschema.Draft4Validator, {"pattern": _regex_pattern})
    return kind(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@cache
def slack_manifest_validator() -> jsonschema.protocols.Validator:
    root = _load("slack-manifest.schema.json")
    registry: Registry = Registry().with_resources(
        (RAW_SLACK + f"manifest.schema.{version}.json",
         Resource.from_contents(_load(f"slack-manifest.schema.{version}.json"), default_specification=DRAFT7))
        for version in ("1.0.0", "2.0.0"))
    return jsonschema.Draft7Validator(root, registry=registry)


def _leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """An anyOf/oneOf failure as the errors of the branch that was meant: the one whose `type` matched
    (for Adaptive Card elements), else the one with the fewest errors; itself when no branch fits."""
    if not error.context:
        return [error]
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    meant = [b for b in branches.values() if not any(list(e.relative_path) == ["type"] for e in b)]
    if not meant:
        return [error]
    return [leaf for sub in min(meant, key=len) for leaf in _leaves(sub)]


def errors(validator: jsonschema.protocols.Validator, instance: Any) -> list[str]:
    """Every violation, each with where it is."""
    return sorted(f"{'/'.join(map(str, leaf.absolute_path)) or '<root>'}: {leaf.message[:300]}"
                  for error in validator.iter_errors(instance) for leaf in _leaves(error))
