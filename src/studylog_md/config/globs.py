"""``per-file-ignores`` globs, relative to the configuration's folder.

A glob is matched by simulating it as a small automaton over the path, one character at a
time, keeping the *set* of pattern positions reachable so far. That costs at most
(path length x glob length) steps whatever the glob: a translation to a regular expression
(``**/`` as ``(?:[^/]*/)*``) let ``**/`` x 12 + ``z.md`` or ``*a`` x 12 + ``b`` backtrack
for minutes, and the pre-commit hook hung with it (issue 17, item 9).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NamedTuple

__all__ = ["Glob", "GlobError", "compile_glob"]

# Token kinds. Every kind but ANY and DIRS stays inside one folder name (never matches "/").
_LITERAL = 0  # one given character
_ONE = 1  # ``?``: any one character
_CLASS = 2  # ``[a-z]``, ``[!0-9]``
_STAR = 3  # ``*``: any run of characters
_ANY = 4  # ``**`` not followed by "/": any run, "/" included
_DIRS = 5  # ``**/``: nothing, or any run that ends with "/" (zero or more folders)


class GlobError(ValueError):
    """A glob that cannot be compiled; the message says what is wrong with it."""


class _Token(NamedTuple):
    kind: int
    char: str = ""
    ranges: tuple[tuple[str, str], ...] = ()
    negate: bool = False


class Glob:
    """A compiled glob; :meth:`match` tells whether a ``/``-separated path matches it."""

    __slots__ = ("_tokens", "pattern")

    def __init__(self, pattern: str, tokens: tuple[_Token, ...]) -> None:
        self.pattern = pattern
        self._tokens = tokens

    def match(self, path: str) -> bool:
        """True when the whole of ``path`` matches the glob."""
        tokens = self._tokens
        end = len(tokens)
        states = _closure(tokens, {0})
        for char in path:
            after: set[int] = set()
            for state in states:
                if state < 0:  # inside a ``**/``: any run, left through a "/"
                    after.add(state)
                    if char == "/":
                        after.add(-state)
                    continue
                if state == end:
                    continue
                token = tokens[state]
                kind = token.kind
                if kind == _STAR:
                    if char != "/":
                        after.add(state)
                elif kind == _ANY:
                    after.add(state)
                elif kind == _DIRS:
                    after.add(-(state + 1))
                    if char == "/":
                        after.add(state + 1)
                elif _accepts(token, char):
                    after.add(state + 1)
            if not after:
                return False
            states = _closure(tokens, after)
        return end in states


def _closure(tokens: tuple[_Token, ...], states: set[int]) -> set[int]:
    """``states`` plus every position reachable by matching nothing (``*``, ``**``, ``**/``).

    A state is a token index; ``-(i + 1)`` is "inside the ``**/`` at index i", which has
    consumed something and can only be left through a "/" (to i + 1).
    """
    result = set(states)
    todo = list(states)
    while todo:
        state = todo.pop()
        if 0 <= state < len(tokens) and tokens[state].kind in (_STAR, _ANY, _DIRS):
            following = state + 1
            if following not in result:
                result.add(following)
                todo.append(following)
    return result


def _accepts(token: _Token, char: str) -> bool:
    if token.kind == _LITERAL:
        return char == token.char
    if char == "/":
        return False  # ``?`` and classes stay inside one folder name
    if token.kind == _ONE:
        return True
    inside = any(low <= char <= high for low, high in token.ranges)
    return inside != token.negate


@functools.lru_cache(maxsize=512)
def compile_glob(glob: str) -> Glob:
    """Compile a per-file-ignores glob (gitignore-like: ``*``, ``?``, ``[...]``, ``**``).

    Raises :class:`GlobError` for a character class with a reversed range (``[z-a]``).
    """
    pattern = glob.strip()
    anchored = pattern.startswith(("/", "./")) or "/" in pattern.rstrip("/")
    pattern = pattern.removeprefix("./").lstrip("/")
    if not anchored:
        # "CHANGELOG.md" and "*.md" match a file of that name in any folder.
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    tokens: list[_Token] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            if not tokens or tokens[-1].kind != _DIRS:  # "**/**/" is "**/"
                tokens.append(_Token(_DIRS))
            i += 3
        elif pattern.startswith("**", i):
            tokens.append(_Token(_ANY))
            i += 2
        elif pattern[i] == "*":
            tokens.append(_Token(_STAR))
            i += 1
        elif pattern[i] == "?":
            tokens.append(_Token(_ONE))
            i += 1
        elif pattern[i] == "[":
            close = pattern.find("]", i + 2)
            if close == -1:
                tokens.append(_Token(_LITERAL, "["))
                i += 1
            else:
                tokens.append(_char_class(pattern[i + 1 : close], glob))
                i = close + 1
        else:
            tokens.append(_Token(_LITERAL, pattern[i]))
            i += 1
    return Glob(glob, tuple(tokens))


def _char_class(body: str, glob: str) -> _Token:
    """A glob character class (``[a-z]``, ``[!0-9]``): its ranges, and whether it is negated."""
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    ranges: list[tuple[str, str]] = []
    j = 0
    while j < len(body):
        if j + 2 < len(body) and body[j + 1] == "-":
            low, high = body[j], body[j + 2]
            if low > high:
                raise GlobError(
                    f"the range {low}-{high} in {glob!r} is reversed; write it as {high}-{low}"
                )
            ranges.append((low, high))
            j += 3
        else:
            ranges.append((body[j], body[j]))
            j += 1
    return _Token(_CLASS, ranges=tuple(ranges), negate=negate)


def _relative_posix(path: Path, root: Path | None) -> str:
    absolute = _absolute(path)
    if root is not None:
        try:
            return absolute.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return absolute.relative_to(_absolute(Path.cwd())).as_posix()
    except ValueError:
        return absolute.as_posix().lstrip("/")


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): a symbolic link to a README in another repository should still
    # use the configuration of the repository the user is working in.
    return Path(os.path.abspath(path))
