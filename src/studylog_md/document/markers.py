"""The status vocabulary: which markers mean done, to do and in progress.

Defaults cover what real logs use (see ``../shared/corpus/MANIFEST.tsv``); a project can add
its own spellings under ``[tool.studylog-md]`` (``done-markers``, ``todo-markers``,
``in-progress-markers``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from .columns import ColumnNames

VS16 = "\ufe0f"
VS15 = "\ufe0e"


class Status(str, enum.Enum):
    """The progress of an entry."""

    DONE = "done"
    TODO = "todo"
    IN_PROGRESS = "in-progress"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


# Symbols and shortcodes. Matching ignores VS15/VS16 and surrounding backticks.
DEFAULT_DONE = (
    "✅",
    "✔",
    "✔️",
    "✓",
    "☑",
    "☑️",
    "🗹",
    "[x]",
    "[X]",
    ":white_check_mark:",
    ":heavy_check_mark:",
    ":ballot_box_with_check:",
    ":check:",
    "🟢",
    ":green_circle:",
)
DEFAULT_TODO = (
    "⬜",
    "⬜️",
    "☐",
    "🔲",
    "🔳",
    "▢",
    "□",
    "[ ]",
    ":white_large_square:",
    ":black_square_button:",
    ":white_square_button:",
    "❌",
    "✗",
    "✘",
    "❎",
    ":x:",
    ":negative_squared_cross_mark:",
    ":heavy_multiplication_x:",
    "🔜",
    ":soon:",
    "🔴",
    ":red_circle:",
)
DEFAULT_IN_PROGRESS = (
    "🚧",
    "⏳",
    "⌛",
    "🔄",
    "🔁",
    "🟡",
    "🟨",
    "◐",
    ":construction:",
    ":hourglass:",
    ":hourglass_flowing_sand:",
    ":arrows_counterclockwise:",
    ":yellow_circle:",
    ":repeat:",
    "✏️",
    ":pencil2:",
    "📖",
    ":book:",
    "[-]",  # org-mode's and many cell logs' "partly done"
    "[~]",
    "🟠",
    ":orange_circle:",
)
# Words count only in a column whose header says it holds a status ("Progress", "Status"...),
# or next to a symbol ("🟢 Done", "In progress ⏳"). Real logs write them in their own language.
DONE_WORDS = (
    "done",
    "completed",
    "complete",
    "finished",
    "read",
    "watched",
    "yes",
    "cplt",
    "passed",
    "已完成",
    "完成",
    "已学完",
    "学完",
    "已读",
    "已看",
    "已學完",
    "已讀",
    "完了",  # zh
    "hecho",
    "completado",
    "terminado",
    "listo",
    "leído",
    "visto",  # es
    "feito",
    "concluído",
    "concluido",
    "completo",
    "lido",
    "assistido",  # pt
    "fait",
    "terminé",
    "fini",
    "lu",
    "vu",
    "complété",  # fr
    "erledigt",
    "fertig",
    "abgeschlossen",
    "gelesen",
    "gesehen",  # de
    "готово",
    "выполнено",
    "завершено",
    "сделано",
    "пройдено",
    "прочитано",  # ru
    "済み",
    "済",
    "読了",
    "完了済み",
    "修了",  # ja
    "완료",
    "완독",
    "수료",  # ko
)
TODO_WORDS = (
    "todo",
    "to do",
    "to-do",
    "not started",
    "planned",
    "no",
    "pending",
    "tba",
    "tbd",
    "backlog",
    "upcoming",
    "not yet",
    "未开始",
    "待办",
    "计划中",
    "未完成",
    "待学习",
    "未開始",
    "待辦",
    "計劃中",  # zh
    "pendiente",
    "por hacer",
    "no iniciado",
    "sin empezar",
    "sin iniciar",  # es
    "pendente",
    "a fazer",
    "não iniciado",
    "nao iniciado",
    "não começado",  # pt
    "à faire",
    "a faire",
    "non commencé",
    "pas commencé",
    "en attente",
    "prévu",  # fr
    "offen",
    "geplant",
    "ausstehend",
    "nicht begonnen",
    "zu erledigen",  # de
    "не начато",
    "запланировано",
    "в планах",
    "к выполнению",
    "не пройдено",  # ru
    "未着手",
    "未完了",
    "予定",
    "未読",  # ja
    "시작 전",
    "예정",
    "미완료",
    "미완",  # ko
)
IN_PROGRESS_WORDS = (
    "in progress",
    "in-progress",
    "wip",
    "ongoing",
    "reading",
    "watching",
    "started",
    "doing",
    "partial",
    "paused",
    "on hold",
    "learning",
    "studying",
    "进行中",
    "学习中",
    "在读",
    "正在学习",
    "暂停",
    "進行中",
    "學習中",
    "暫停",  # zh (ja 進行中)
    "en progreso",
    "en curso",
    "empezado",
    "haciendo",
    "leyendo",  # es
    "em andamento",
    "em progresso",
    "fazendo",
    "lendo",
    "iniciado",  # pt
    "en cours",
    "commencé",  # fr
    "in bearbeitung",
    "läuft",
    "begonnen",
    "in arbeit",  # de
    "в процессе",
    "в работе",
    "начато",
    "изучаю",
    "читаю",  # ru
    "学習中",
    "読書中",
    "着手中",
    "作業中",  # ja
    "진행 중",
    "진행중",
    "학습 중",
    "학습중",
    "읽는 중",  # ko
)
# What a blank cell's neighbours write when the row is not started yet: placeholders, not
# markers ("—" in a table whose other rows say ✅, "N/A" in a curriculum).
PLACEHOLDERS = frozenset({"-", "--", "---", "—", "–", "n/a", "na", "/", "…", "..."})


def is_placeholder(content: str) -> bool:
    """A blank or a dash-like cell: no status written."""
    key = content.strip().strip("`").strip()
    return not key or key.casefold() in PLACEHOLDERS or set(key) <= {"-"}


# Partial progress: "3/7", "Ch. 2", "chapter 4", "40%", "week 3", "p. 120".
_COUNT = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_PERCENT = re.compile(r"^(\d{1,3})\s*%$")
_PARTIAL = re.compile(
    r"^(?:(?:ch(?:apter)?|lesson|lecture|module|week|part|section|unit|ep(?:isode)?|p(?:age)?|pp)"
    r"\.?\s*\d+(?:\s*/\s*\d+)?"
    # a position in a video or an audio book: "44:24", "1:02:03"
    r"|\d{1,3}:[0-5]\d(?::[0-5]\d)?)$",
    re.IGNORECASE,
)


def _key(marker: str) -> str:
    """Normalise a marker for lookup: no VS15/VS16, no surrounding backticks or whitespace."""
    text = marker.strip()
    if len(text) >= 2 and text[0] == "`" and text[-1] == "`":
        text = text.strip("`").strip()
    return text.replace(VS16, "").replace(VS15, "")


class Classified(NamedTuple):
    """How a status cell reads: its status, the marker's text and where it is in the cell."""

    status: Status
    marker: str  # exact source text of the marker ("" for an empty cell)
    start: int  # offsets of the marker within the cell content
    end: int
    symbolic: bool  # a symbol/shortcode (as opposed to a word or a count)


_MEMO_TEXT = 40  # longest cell text remembered by Vocabulary.classify
_MEMO_SIZE = 4096  # most cell texts remembered


class Vocabulary:
    """Which spellings mean which status."""

    __slots__ = (
        "_memo",
        "_prefixes",
        "_symbols",
        "_words",
        "blank",
        "columns",
        "done",
        "in_progress",
        "legend",
        "todo",
    )

    def __init__(
        self,
        done: tuple[str, ...] = DEFAULT_DONE,
        todo: tuple[str, ...] = DEFAULT_TODO,
        in_progress: tuple[str, ...] = DEFAULT_IN_PROGRESS,
        *,
        columns: ColumnNames | None = None,
        blank: Status | None = None,
    ) -> None:
        self.done = done
        self.todo = todo
        self.in_progress = in_progress
        # Which header names the project says hold each role ([tool.studylog-md.columns]);
        # carried here because the vocabulary already travels to every re-parse.
        self.columns = columns
        # What a blank status cell means when a legend says so ("| | Planned |"); None: the
        # file's convention decides (see parse._settle_placeholders).
        self.blank = blank
        # The spellings a legend table in the file added (symbol -> status), for reports.
        self.legend: dict[str, Status] = {}
        self._symbols: dict[str, Status] = {}
        self._words: dict[str, Status] = {}
        # A log repeats a handful of markers thousands of times: each is read once per
        # vocabulary.
        self._memo: dict[tuple[str, bool], Classified] = {}
        for status, markers in (
            (Status.DONE, done),
            (Status.TODO, todo),
            (Status.IN_PROGRESS, in_progress),
        ):
            for marker in markers:
                key = _key(marker)
                # "[ ]" has a space but is a symbol; "not started" is words.
                if key.isalpha() or (" " in key and any(ch.isalpha() for ch in key)):
                    self._words[key.casefold()] = status
                else:
                    self._symbols[key] = status
        for status, words in (
            (Status.DONE, DONE_WORDS),
            (Status.TODO, TODO_WORDS),
            (Status.IN_PROGRESS, IN_PROGRESS_WORDS),
        ):
            for word in words:
                self._words.setdefault(word, status)
        # Longest first, so "✔️" wins over "✔" when a cell starts with a marker.
        self._prefixes: tuple[str, ...] = tuple(sorted(self._symbols, key=len, reverse=True))

    def __repr__(self) -> str:
        return (
            f"Vocabulary(done={self.done!r}, todo={self.todo!r}, in_progress={self.in_progress!r})"
        )

    def with_legend(self, mapping: dict[str, Status], blank: Status | None = None) -> Vocabulary:
        """This vocabulary plus the spellings a legend table defines (``✏️ | In progress``)."""
        extra: dict[Status, list[str]] = {Status.DONE: [], Status.TODO: [], Status.IN_PROGRESS: []}
        for marker, status in mapping.items():
            if status in extra and marker:
                extra[status].append(marker)
        vocab = Vocabulary(
            self.done + tuple(extra[Status.DONE]),
            self.todo + tuple(extra[Status.TODO]),
            self.in_progress + tuple(extra[Status.IN_PROGRESS]),
            columns=self.columns,
            blank=blank if blank is not None else self.blank,
        )
        vocab.legend = dict(mapping)
        return vocab

    def with_columns(self, columns: ColumnNames | None) -> Vocabulary:
        """This vocabulary with the project's column names."""
        vocab = Vocabulary(
            self.done, self.todo, self.in_progress, columns=columns, blank=self.blank
        )
        vocab.legend = dict(self.legend)
        return vocab

    @classmethod
    def with_extra(
        cls,
        done: Iterable[str] = (),
        todo: Iterable[str] = (),
        in_progress: Iterable[str] = (),
    ) -> Vocabulary:
        """The defaults plus a project's own spellings."""
        return cls(
            DEFAULT_DONE + tuple(done),
            DEFAULT_TODO + tuple(todo),
            DEFAULT_IN_PROGRESS + tuple(in_progress),
        )

    def symbols(self) -> dict[str, Status]:
        """Every known symbol (normalised) and its status."""
        return dict(self._symbols)

    def classify(self, content: str, *, words: bool = True) -> Classified:
        """Read a status cell's content (without padding).

        ``words`` allows words ("done") and counts ("3/7") — used for columns whose header
        says they hold a status, not for columns found by their content.
        """
        key = (content, words)
        found = self._memo.get(key)
        if found is None:
            found = self._read(content, words)
            # Bounded: a column of free text must not grow the memo without end.
            if len(content) <= _MEMO_TEXT and len(self._memo) < _MEMO_SIZE:
                self._memo[key] = found
        return found

    def _read(self, content: str, words: bool) -> Classified:
        if not content:
            return Classified(Status.TODO, "", 0, 0, False)
        key = _key(content)
        status = self._symbols.get(key)
        if status is not None:
            return Classified(status, content, 0, len(content), True)
        phrase = self._phrase(content, key)
        if phrase is not None:
            return phrase
        # A marker followed by a remark: "✅ (2nd pass)", "✔️ ✅".
        for prefix in self._prefixes:
            if key.startswith(prefix):
                # find the marker's extent in the original content (VS16 may follow it)
                end = _extent(content, prefix)
                if end and (end == len(content) or not content[end].isalnum()):
                    return Classified(self._symbols[prefix], content[:end], 0, end, True)
        if words:
            folded = key.casefold()
            status = self._words.get(folded)
            if status is not None:
                return Classified(status, content, 0, len(content), False)
            count = _COUNT.match(key)
            if count:
                done, total = int(count.group(1)), int(count.group(2))
                status = (
                    Status.DONE
                    if total and done >= total
                    else Status.TODO
                    if done == 0
                    else Status.IN_PROGRESS
                )
                return Classified(status, content, 0, len(content), False)
            percent = _PERCENT.match(key)
            if percent:
                value = int(percent.group(1))
                status = (
                    Status.DONE
                    if value >= 100
                    else Status.TODO
                    if value == 0
                    else Status.IN_PROGRESS
                )
                return Classified(status, content, 0, len(content), False)
            if _PARTIAL.match(key):
                return Classified(Status.IN_PROGRESS, content, 0, len(content), False)
        return Classified(Status.UNKNOWN, content, 0, len(content), False)

    def _phrase(self, content: str, key: str) -> Classified | None:
        """A symbol and a status word together, in either order: ``🟢 Done``, ``Done ✅``.

        The whole phrase is the marker (a toggle replaces all of it), and the word decides the
        status: ``🟢 进行中`` is in progress whatever green means elsewhere.
        """
        if not key:
            return None  # only backticks or variation selectors
        if not key[0].isalnum():
            for prefix in self._prefixes:
                if key.startswith(prefix):
                    rest = key[len(prefix) :].strip()
                    status = self._words.get(rest.casefold()) if rest else None
                    if status is not None:
                        return Classified(status, content, 0, len(content), True)
                    return None
        elif not key[-1].isalnum():
            for suffix in self._prefixes:
                if key.endswith(suffix):
                    rest = key[: len(key) - len(suffix)].strip()
                    status = self._words.get(rest.casefold()) if rest else None
                    if status is not None:
                        return Classified(status, content, 0, len(content), True)
                    return None
        return None

    def suggest(self, content: str) -> str | None:
        """A known marker the unknown ``content`` was probably meant to be (``:pencil2`` → ...)."""
        import difflib

        key = _key(content)
        if key.startswith(":") and not key.endswith(":") and key + ":" in self._symbols:
            return key + ":"
        if not key.startswith(":") and key.endswith(":") and ":" + key in self._symbols:
            return ":" + key
        if key.startswith("[") and key.endswith("]") and len(key) == 3:
            return "[x]" if key[1].strip() else "[ ]"
        candidates = [k for k in self._symbols if k.startswith(":")] + list(self._words)
        close = difflib.get_close_matches(key.casefold(), candidates, n=1, cutoff=0.75)
        return close[0] if close else None


def _extent(content: str, normalised_prefix: str) -> int:
    """Length in ``content`` of a marker whose normalised form is ``normalised_prefix``."""
    i = 0
    matched = 0
    while i < len(content) and matched < len(normalised_prefix):
        ch = content[i]
        if ch in (VS16, VS15):
            i += 1
            continue
        if ch != normalised_prefix[matched]:
            return 0
        matched += 1
        i += 1
    while i < len(content) and content[i] in (VS16, VS15):
        i += 1
    return i if matched == len(normalised_prefix) else 0


def counterpart(marker: str, status: Status) -> str | None:
    """The other state of a checkbox written in a cell: ``[x]`` ↔ ``[ ]`` (``[-]`` partly).

    Used when the table itself shows no spelling for ``status``: a cell that says ``[x]``
    becomes ``[ ]``, not ⬜.
    """
    key = _key(marker)
    if len(key) != 3 or key[0] != "[" or key[2] != "]":
        return None
    return {Status.DONE: "[X]" if key == "[X]" else "[x]", Status.TODO: "[ ]"}.get(status, "[-]")


def is_phrase(marker: str) -> bool:
    """A symbol and a word written together (``🟢 Done``, ``In progress ⏳``)."""
    text = _key(marker)
    letters = text.replace(" ", "")
    return " " in text and any(ch.isalpha() for ch in text) and not letters.isalpha()


DEFAULT_VOCABULARY = Vocabulary()

DEFAULT_SPELLING = {Status.DONE: "✅", Status.TODO: "⬜", Status.IN_PROGRESS: "🚧"}
