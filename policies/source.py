"""Cedar text to parsed policies, with file and line for every problem.

cedarpy reports parse and validation errors without source positions: validation names
Cedar's positional policy id (``policy3`` is the fourth policy of the text parsed), parse
errors name nothing. So this module splits a file into its policies itself (a small lexer
that knows Cedar's strings and ``//`` comments, so a ``;`` inside either cannot fool it),
and maps positional ids, or the one policy that fails to parse on its own, to the line
where that policy starts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import cedarpy

from policies.errors import Problem

#: Cedar's positional ids, "policy0", "policy1", ... in the order of the text.
_POSITIONAL = re.compile(r"policy(\d+)")
_BACKTICKED = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Chunk:
    """The text of one policy (annotations to ``;``) and the line where it starts."""

    line: int
    text: str


@dataclass(frozen=True)
class ParsedPolicy:
    """One static policy as Cedar's JSON (EST) form, with where it came from."""

    file: str
    line: int | None
    #: Cedar's positional id in its file (``policy0``...), until the ``@id`` replaces it.
    positional_id: str
    est: dict[str, Any]

    @property
    def annotations(self) -> dict[str, str]:
        found = self.est.get("annotations") or {}
        return {str(k): ("" if v is None else str(v)) for k, v in found.items()}

    @property
    def effect(self) -> str:
        return str(self.est["effect"])


def split_policies(text: str) -> list[Chunk]:
    """Cut Cedar text into policies: each ends at a ``;`` outside strings and comments."""
    chunks: list[Chunk] = []
    i, line, start, start_line = 0, 1, -1, 0
    while i < len(text):
        char = text[i]
        if char == "\n":
            line += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif not char.isspace():
            if start < 0:
                start, start_line = i, line
            if char == '"':
                i, line = _skip_string(text, i, line)
                continue
            if char == ";":
                chunks.append(Chunk(start_line, text[start : i + 1]))
                start = -1
        i += 1
    if start >= 0:
        chunks.append(Chunk(start_line, text[start:]))
    return chunks


def _skip_string(text: str, i: int, line: int) -> tuple[int, int]:
    """From the opening quote at ``i``, return the index after the closing one and the line."""
    i += 1
    while i < len(text) and text[i] != '"':
        if text[i] == "\\":
            i += 1
        if i < len(text) and text[i] == "\n":
            line += 1
        i += 1
    return i + 1, line


def parse_policies(file: str, text: str) -> tuple[list[ParsedPolicy], list[Problem]]:
    """Parse one file's policies; on a syntax error, name the policy's line."""
    try:
        est = json.loads(cedarpy.policies_to_json_str(text))
    except ValueError as exc:
        return [], [_locate_parse_error(file, text, exc)]
    chunks = split_policies(text)
    problems = [
        Problem(file, line_of(chunks, pid), pid, "templates (?principal, ?resource) are not used")
        for pid in est.get("templates") or {}
    ]
    parsed = [
        ParsedPolicy(file, line_of(chunks, pid), pid, body)
        for pid, body in sorted(
            (est.get("staticPolicies") or {}).items(), key=lambda item: _position(item[0])
        )
    ]
    return parsed, problems


def validate_text(
    file: str, text: str, schema: cedarpy.Schema, ids: dict[str, str]
) -> list[Problem]:
    """Cedar's validation of a file's text against the schema, as problems with lines.

    ``ids`` maps positional ids to the policies' ``@id`` for the messages.
    """
    result = cedarpy.validate_policies(text, schema)
    if result.validation_passed:
        return []
    chunks = split_policies(text)
    return [
        Problem(
            file,
            line_of(chunks, err.policy_id),
            ids.get(err.policy_id),
            # Cedar names the policy by position; the reader knows it by its @id.
            err.error.replace(f"`{err.policy_id}`", f"`{ids.get(err.policy_id)}`")
            if err.policy_id in ids
            else err.error,
        )
        for err in result.errors
    ]


def line_of(chunks: list[Chunk], positional_id: str) -> int | None:
    position = _position(positional_id)
    return chunks[position].line if 0 <= position < len(chunks) else None


def guess_line(text: str, message: str) -> int | None:
    """The first line naming the identifier a schema error quotes, if any.

    Cedar's schema errors carry no position either; they quote the name at fault
    (``failed to resolve type: Strin``, ``... `Foo` ...``), which is usually enough.
    """
    names = _BACKTICKED.findall(message) or [message.rsplit(":", 1)[-1].strip()]
    for name in names:
        pattern = re.compile(rf"(?<![\w\"]){re.escape(name)}(?![\w\"])")
        for number, content in enumerate(text.splitlines(), start=1):
            if pattern.search(content.split("//", 1)[0]):
                return number
    return None


def _locate_parse_error(file: str, text: str, exc: ValueError) -> Problem:
    """Parse policy by policy to find the first that fails, and report its line."""
    for chunk in split_policies(text):
        try:
            cedarpy.policies_to_json_str(chunk.text)
        except ValueError as chunk_exc:
            return Problem(file, chunk.line, None, f"syntax error: {chunk_exc}")
    return Problem(file, None, None, f"syntax error: {exc}")


def _position(positional_id: str) -> int:
    match = _POSITIONAL.fullmatch(positional_id)
    return int(match.group(1)) if match else -1
