"""What changed between two versions of a text, paragraph by paragraph (difflib).

Versioned documents (the ethical guidelines, study plans) show a new version against the
last one with this. Pure: plain strings in, plain data out, no Django."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

Kind = Literal["equal", "insert", "delete", "replace"]


@dataclass(frozen=True)
class DiffBlock:
    kind: Kind
    before: tuple[str, ...]
    after: tuple[str, ...]


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs: blocks between blank lines, each stripped, empties dropped."""
    blocks = [" ".join(line.strip() for line in b.splitlines()) for b in text.split("\n\n")]
    return [b.strip() for b in blocks if b.strip()]


def diff_hunks(before: list[str], after: list[str], *, context: int = 1) -> list[list[DiffBlock]]:
    """The changes from ``before`` to ``after`` (lists of paragraphs), grouped in hunks with
    ``context`` unchanged paragraphs around each change. No change: an empty list."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [
        [
            DiffBlock(kind=tag, before=tuple(before[i1:i2]), after=tuple(after[j1:j2]))  # type: ignore[arg-type]
            for tag, i1, i2, j1, j2 in group
        ]
        for group in matcher.get_grouped_opcodes(context)
        if any(tag != "equal" for tag, *_ in group)
    ]
