"""Column roles: which column of a pipe table names the resource, holds its status, its notes
and its category — decided from evidence, not from the first header that matches.

Evidence is the header's words (in the languages real logs are written in), what the cells
hold (links, markers, generic link words such as "View", dates, durations, ordinals) and how
the column agrees with the rest of the table. A project can name the columns itself
(``[tool.studylog-md.columns]``, carried on the vocabulary as :class:`ColumnNames`).

A table that yields no entries says why (``Table.reason``): ``list --explain`` and the
``table-not-a-log`` finding show it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from . import _inline
from .markers import PLACEHOLDERS, Classified, Status, Vocabulary, is_placeholder

if TYPE_CHECKING:  # pragma: no cover
    from .model import Row, Table


class ColumnNames(NamedTuple):
    """Header names a project says hold each role (case and spacing ignored)."""

    title: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    category: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.title or self.status or self.notes or self.category)


STATUS_HEADERS = frozenset(
    {
        "progress", "status", "done", "state", "completed", "complete", "finished", "read",
        "watched", "check", "checked", "✓", "✔", "✅", "☑", "done?", "read?",
        "状态", "进度", "狀態", "進度", "完成", "完成情况", "学习进度", "完成度",  # zh
        "estado", "progreso", "situación", "hecho", "avance",  # es
        "progresso", "situação", "feito", "andamento",  # pt
        "statut", "état", "avancement", "progression", "fait",  # fr
        "fortschritt", "erledigt", "stand", "zustand",  # de
        "статус", "прогресс", "состояние", "готово", "выполнено",  # ru
        "状況", "進捗", "ステータス", "状態", "完了",  # ja
        "상태", "진행", "진도", "진행 상황", "완료",  # ko
    }
)  # fmt: skip
TITLE_HEADERS = frozenset(
    {
        "resource", "resources", "title", "name", "book", "books", "course", "courses", "paper",
        "papers", "item", "items", "material", "materials", "tutorial", "tutorials", "video",
        "videos", "article", "articles", "reading", "readings", "lecture", "lectures", "lesson",
        "lessons", "problem", "problems", "project", "projects", "task", "tasks", "goal",
        "goals", "milestone", "milestones", "rule", "api", "module", "modules", "chapter",
        "chapters", "exercise", "exercises", "assignment", "assignments", "talk", "talks",
        "podcast", "podcasts", "playlist", "specialization", "certification", "skill", "skills",
        "课程", "课程名称", "书籍", "书名", "名称", "标题", "资源", "项目", "教程", "论文",  # zh
        "課程", "書籍", "書名", "標題", "資源", "項目", "論文", "科目", "内容",
        "curso", "cursos", "libro", "libros", "título", "titulo", "recurso", "recursos",  # es
        "nombre", "tarea", "lección", "leccion", "livro", "livros", "aula", "nome",  # es/pt
        "cours", "livre", "livres", "titre", "ressource", "ressources", "nom", "leçon",  # fr
        "kurs", "kurse", "buch", "bücher", "titel", "thema", "aufgabe",  # de
        "курс", "курсы", "книга", "книги", "название", "ресурс", "ресурсы", "урок",  # ru
        "講座", "本", "タイトル", "教材", "名前", "コース",  # ja
        "강의", "책", "제목", "자료", "강좌", "이름", "과목",  # ko
    }
)  # fmt: skip
# Headers that name a column of links: a title only when nothing better exists.
LINK_HEADERS = frozenset(
    {
        "link", "links", "url", "urls", "source", "sources", "reference", "references",
        "reference links", "resource link", "video link", "watch", "view", "here", "pdf",
        "链接", "連結", "地址", "enlace", "enlaces", "lien", "liens", "ссылка", "ссылки",
        "リンク", "링크",
    }
)  # fmt: skip
NOTES_HEADERS = frozenset(
    {
        "notes", "note", "comment", "comments", "remarks", "remark", "description", "summary",
        "thoughts", "review", "takeaways", "details", "learnings", "learned", "what i learned",
        "备注", "笔记", "说明", "心得", "备註", "筆記", "說明", "描述",  # zh
        "notas", "nota", "observaciones", "comentarios", "descripción", "observações",  # es/pt
        "remarques", "commentaires", "commentaire",  # fr
        "notizen", "bemerkungen", "anmerkungen", "beschreibung",  # de
        "заметки", "примечания", "комментарии", "описание",  # ru
        "備考", "メモ", "説明", "感想",  # ja
        "비고", "메모", "설명", "노트",  # ko
    }
)  # fmt: skip
CATEGORY_HEADERS = frozenset(
    {
        "format", "category", "categories", "type", "kind", "topic", "topics", "area",
        "medium", "domain", "group", "level", "subject", "section", "track", "platform",
        "provider",
        "类别", "分类", "类型", "主题", "领域", "類別", "分類", "類型", "主題", "关键字",  # zh
        "categoría", "tipo", "tema", "área", "categoria", "assunto",  # es/pt
        "catégorie", "thème", "sujet", "domaine",  # fr
        "kategorie", "typ", "bereich",  # de
        "категория", "тема", "тип", "раздел",  # ru
        "カテゴリ", "カテゴリー", "分野", "種類", "テーマ",  # ja
        "카테고리", "주제", "분류", "유형",  # ko
    }
)  # fmt: skip
# Columns that count or date things: never the title, never the category.
ORDINAL_HEADERS = frozenset(
    {
        "#", "no", "no.", "nr", "n°", "num", "number", "day", "days", "week", "weeks", "date",
        "dates", "started", "finished on", "time", "duration", "length", "hours", "year",
        "month", "序号", "编号", "日期", "天", "时间", "时长", "日", "fecha", "día", "dia",
        "data", "jour", "tag", "datum", "дата", "день", "日付", "날짜", "일차",
    }
)  # fmt: skip
LEGEND_HEADERS = frozenset(
    {
        "symbol", "symbols", "icon", "icons", "emoji", "marker", "markers", "legend", "key",
        "sign", "mark", "meaning", "explanation", "description", "means", "definition",
        "status", "state", "符号", "图例", "含义", "说明", "意义", "símbolo", "significado",
        "symbole", "signification", "bedeutung", "символ", "значение", "記号",
        "意味", "기호", "의미",
    }
)  # fmt: skip
# What a link column says instead of the resource's name.
GENERIC_LINK_WORDS = frozenset(
    {
        "view", "link", "links", "watch", "pdf", "here", "click", "click here", "open", "go",
        "read", "video", "slides", "notes", "code", "repo", "repository", "source", "website",
        "site", "page", "url", "details", "more", "doc", "docs", "article", "post", "solution",
        "🔗", "📄", "📺", "▶", "▶️", "👉", "🎥", "📹", "📝", "📖", "↗", "→",
        "链接", "点击", "查看", "地址", "视频", "enlace", "ver", "aquí", "lien", "voir", "ici",
        "ansehen", "hier", "ссылка", "смотреть", "здесь", "リンク", "ここ", "링크", "보기",
    }
)  # fmt: skip


@cache
def _header_word() -> re.Pattern[str]:
    return re.compile(r"[\w?✓✔✅☑]+")


@cache
def _date() -> re.Pattern[str]:
    return re.compile(
        r"^(?:\d{4}[-/.‑]\d{1,2}(?:[-/.‑]\d{1,2})?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
        r"|(?:mon|tue|wed|thu|fri|sat|sun)\w*\.?,?\s.*\d"
        r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*.*"
        r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}.*"
        r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?)$",
        re.IGNORECASE,
    )


@cache
def _ordinal() -> re.Pattern[str]:
    return re.compile(
        r"^(?:(?:day|week|lesson|lecture|module|unit|part|ch(?:apter)?|ep(?:isode)?|no\.?|#|第)"
        r"\s*\d+(?:\s*[天周课章])?|\d+(?:\.\d+)*\.?|\d+\s*/\s*\d+|\d{1,3}(?:\.\d+)?\s*%)$",
        re.IGNORECASE,
    )


@cache
def _duration_cell() -> re.Pattern[str]:
    return re.compile(
        r"^\d{1,3}:[0-5]\d(?::[0-5]\d)?$|^\d+(?:\.\d+)?\s*(?:h|hrs?|hours?|m|mins?|minutes?|s|secs?)"
        r"(?:\s*\d+\s*(?:m|mins?|minutes?|s|secs?))?$",
        re.IGNORECASE,
    )


# Patterns compiled on first use, as the parser's others: start-up matters for the hook.
_SAMPLE = 30  # rows looked at when scoring a column: evidence, not a census


def header_key(text: str) -> str:
    """A header cell reduced for lookup: plain text, no emphasis, emoji variation or case."""
    plain = _inline.plain_text(text).replace("\ufe0f", "").replace("\xa0", " ")
    return " ".join(plain.split()).casefold().strip(" :*_")


def _bare_key(key: str) -> str:
    """A header key without decorative emoji ("Day 🙈", "📚 Course" → "day", "course")."""
    words = [w for w in key.split() if any(ch.isalnum() for ch in w)]
    return " ".join(words)


def _matches(key: str, words: frozenset[str], *, longest: int = 24) -> bool:
    if key in words:
        return True
    bare = _bare_key(key)
    if bare in words:
        return True
    if len(bare) > longest:
        return False
    # "Progress (%)", "Lesson/Task", "课程名称 Course": any word of a short header.
    return any(word in words for word in _header_word().findall(bare))


def is_status_header(text: str) -> bool:
    """Whether a header says its column holds a status ("Progress", "状态", "Estado"...)."""
    return _matches(header_key(text), STATUS_HEADERS, longest=20)


def _named(key: str, names: tuple[str, ...]) -> bool:
    return any(key == " ".join(name.split()).casefold() for name in names)


class _Profile:
    """What a column's cells hold, as fractions of its non-empty cells.

    A plain slotted class, not a NamedTuple: it is made a few times per table, and a
    NamedTuple class costs a quarter of a millisecond to create when the module is imported.
    """

    __slots__ = (
        "dates",
        "distinct",
        "durations",
        "filled",
        "generic",
        "length",
        "links",
        "markers",
        "ordinals",
        "rows",
    )

    def __init__(
        self,
        filled: int,  # non-empty cells among the sampled rows
        rows: int,  # sampled rows
        links: float,  # cells with a link
        generic: float,  # cells that are only a generic link word ("View", "🔗")
        markers: float,  # cells that read as a status marker (symbols)
        dates: float,
        ordinals: float,  # "Day 3", "12", "Week 2", "3/7", "40%"
        durations: float,
        distinct: float,  # distinct texts / non-empty cells
        length: float,  # mean plain-text length
    ) -> None:
        self.filled = filled
        self.rows = rows
        self.links = links
        self.generic = generic
        self.markers = markers
        self.dates = dates
        self.ordinals = ordinals
        self.durations = durations
        self.distinct = distinct
        self.length = length


# How dates, ordinals and durations begin, besides a digit: "Day 3", "Week 2", "Ch. 4",
# "Mon 11 Oct", "Oct 7", "#3", "第3天".
_NUMERIC_WORDS = frozenset(
    {
        "day", "wee", "les", "lec", "mod", "uni", "par", "ch", "cha", "ep", "epi", "no", "nr",
        "num", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr",
        "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    }
)  # fmt: skip


def _maybe_numeric(plain: str) -> bool:
    first = plain[:1]
    if not first or first.isdigit() or first in "#第":
        return bool(first)
    if not any(ch.isdigit() for ch in plain):
        return False
    end = 0
    while end < len(plain) and end < 3 and plain[end].isalpha():
        end += 1
    return plain[:end].lower() in _NUMERIC_WORDS


def _profile(rows: list[Row], col: int, vocab: Vocabulary) -> _Profile:
    sample = rows if len(rows) <= _SAMPLE else rows[:_SAMPLE]
    filled = links = generic = markers = dates = ordinals = durations = 0
    total_length = 0
    seen: set[str] = set()
    for row in sample:
        cells = row.cells
        if col >= len(cells):
            continue
        text = cells[col].text
        if not text:
            continue
        filled += 1
        seen.add(text)
        has_link = "](" in text or "://" in text or text.startswith("<")
        plain = text
        if text[0] == "[" and text[-1] == ")":
            # "[View](url)": the link's text, without running the inline scanner on every
            # cell of a big table (a sample's estimate, not the entry's title)
            close = text.find("](")
            if close > 0:
                plain = text[1:close].strip()
        total_length += len(plain)
        if has_link:
            links += 1
        folded = plain.casefold().strip(" .:!→")
        if folded in GENERIC_LINK_WORDS or (has_link and not folded):
            generic += 1
        if len(plain) <= 40 and _maybe_numeric(plain):
            # Dates, ordinals and durations start with a digit or one of a few words: most
            # titles never reach the patterns (compiled on first use: start-up matters).
            if _date().match(plain):
                dates += 1
            elif _ordinal().match(plain):
                ordinals += 1
            elif _duration_cell().match(plain):
                durations += 1
        if len(text) <= 24:
            classified = vocab.classify(text, words=False)
            if classified.status is not Status.UNKNOWN and classified.symbolic:
                markers += 1
    n = filled or 1
    return _Profile(
        filled,
        len(sample),
        links / n,
        generic / n,
        markers / n,
        dates / n,
        ordinals / n,
        durations / n,
        len(seen) / n,
        total_length / n,
    )


def plausible_status(
    rows: list[Row], col: int, vocab: Vocabulary, *, words: bool, strict: bool = False
) -> tuple[int, int, int]:
    """(known, unknown, placeholders) among a column's cells read as status markers."""
    known = unknown = placeholders = 0
    for row in rows:
        if col >= len(row.cells):
            continue
        text = row.cells[col].text
        if not text:
            continue
        if is_placeholder(text):
            placeholders += 1
            continue
        classified = read_status(vocab, text, words=words)
        if classified.status is Status.UNKNOWN or (strict and not classified.symbolic):
            unknown += 1
        elif strict and classified.marker != text and len(text) > len(classified.marker) + 2:
            # "✅ lots of prose": a sentence that starts with an emoji is not a status cell
            unknown += 1
        else:
            known += 1
    return known, unknown, placeholders


@cache
def _linked_word() -> re.Pattern[str]:
    return re.compile(r"^\[([^\]\[]+)\]\([^()\s]*\)$")


def read_status(vocab: Vocabulary, text: str, *, words: bool) -> Classified:
    """A status cell's reading; a linked word (``[WIP](https://...)``) reads as its text."""
    classified = vocab.classify(text, words=words)
    if classified.status is Status.UNKNOWN and text.startswith("[") and text.endswith(")"):
        match = _linked_word().match(text)
        if match:
            inner = vocab.classify(match.group(1), words=words)
            if inner.status is not Status.UNKNOWN:
                start = match.start(1) + inner.start
                return Classified(
                    inner.status, inner.marker, start, start + len(inner.marker), inner.symbolic
                )
    return classified


# -- legends ----------------------------------------------------------------------------------


def legend_of(table: Table, vocab: Vocabulary) -> tuple[dict[str, Status], Status | None] | None:
    """The mapping a legend table defines (symbol → status), or None when it is no legend.

    A legend explains markers: two columns, one of short symbols (``:pencil2:``, ``✏️``, or
    blank), one of status words ("Completed", "In Progress", "Planned"), and no resources
    (no links). ``| | Planned |`` says what a blank cell means.
    """
    if len(table.header.cells) != 2 or len(table.rows) < 2 or len(table.rows) > 12:
        return None
    headers = [header_key(cell.text) for cell in table.header.cells]
    for sym_col, word_col in ((0, 1), (1, 0)):
        mapping: dict[str, Status] = {}
        blank: Status | None = None
        ok = True
        for row in table.rows:
            cells = row.cells
            symbol = cells[sym_col].text if sym_col < len(cells) else ""
            meaning = cells[word_col].text if word_col < len(cells) else ""
            if "](" in symbol or "](" in meaning or "://" in meaning:
                ok = False
                break
            key = symbol.strip("` ")
            if len(key) > 24 or (key and key[0].isalnum() and not key.startswith("[")):
                ok = False
                break
            status = vocab.classify(_inline.plain_text(meaning).strip(), words=True).status
            if status is Status.UNKNOWN:
                continue  # "🔒 | Premium": a legend may explain other symbols too
            if not key:
                blank = status
            else:
                mapping[key] = status
        if not ok:
            continue
        explained = len(mapping) + (blank is not None)
        named = any(_matches(h, LEGEND_HEADERS) for h in headers)
        if explained >= 2 and (named or explained * 2 >= len(table.rows)):
            return mapping, blank
    return None


# -- roles ------------------------------------------------------------------------------------


def assign_columns(table: Table, vocab: Vocabulary) -> str | None:
    """Set the table's title/status/notes/category columns; return why it is not a log."""
    header_cells = table.header.cells
    headers = [header_key(cell.text) for cell in header_cells]
    ncols = len(headers)
    rows = table.rows
    names = vocab.columns
    status_col: int | None = None
    reason: str | None = None
    if names and names.status:
        status_col = next((c for c, k in enumerate(headers) if _named(k, names.status)), None)
    if status_col is None:
        status_col, reason = _status_column(headers, rows, vocab)
    table.status_col = status_col
    if status_col is None:
        return reason
    taken = {status_col}
    profiles = [_profile(rows, col, vocab) if col not in taken else None for col in range(ncols)]
    title_col = _named_col(headers, names.title if names else (), taken)
    if title_col is None:
        title_col = _title_column(headers, profiles, taken)
    if title_col is not None:
        taken.add(title_col)
    category_col = _named_col(headers, names.category if names else (), taken)
    if category_col is None:
        category_col = next(
            (
                c
                for c, k in enumerate(headers)
                if c not in taken and _matches(k, CATEGORY_HEADERS) and not _is_ordinal(k)
            ),
            None,
        )
    if category_col is not None:
        taken.add(category_col)
    notes_col = _named_col(headers, names.notes if names else (), taken)
    if notes_col is None:
        notes_col = next(
            (c for c, k in enumerate(headers) if c not in taken and _matches(k, NOTES_HEADERS)),
            None,
        )
    if (
        category_col is None
        and title_col is not None
        and title_col > 0
        and 0 not in taken
        and notes_col != 0
        and not _is_ordinal(headers[0])
        and not _matches(headers[0], LINK_HEADERS)
        and (p0 := profiles[0]) is not None
        and p0.dates + p0.ordinals + p0.generic < 0.5
    ):
        # amitness/learning: "Format | Resource | Progress", the format written once per group
        category_col = 0
    table.title_col = title_col
    table.category_col = category_col
    table.notes_col = notes_col
    # Links in the notes or the category column are remarks, not the resource.
    table.link_col = _link_column(
        profiles, {c for c in (notes_col, category_col) if c is not None}, title_col
    )
    return None


def _named_col(headers: list[str], names: tuple[str, ...], taken: set[int]) -> int | None:
    if not names:
        return None
    return next((c for c, k in enumerate(headers) if c not in taken and _named(k, names)), None)


def _is_ordinal(key: str) -> bool:
    return _matches(key, ORDINAL_HEADERS, longest=16)


def _status_column(
    headers: list[str], rows: list[Row], vocab: Vocabulary
) -> tuple[int | None, str | None]:
    """The status column and, when there is none, why."""
    empty_header_col: int | None = None
    best: tuple[float, int] | None = None
    for col, key in enumerate(headers):
        if not _matches(key, STATUS_HEADERS, longest=20):
            continue
        known, unknown, placeholders = plausible_status(rows, col, vocab, words=True)
        if known == 0 and unknown == 0:
            if placeholders:
                empty_header_col = col if empty_header_col is None else empty_header_col
                continue
            # Every cell blank: a fresh log, nothing started yet (honey-speaks-tech).
            score = 0.0
        elif known == 0:
            continue
        else:
            score = known / (known + unknown)
        if best is None or score > best[0]:
            best = (score, col)
    if best is not None:
        return best[1], None
    if rows:
        # No header says so: a column where most non-empty cells are marker symbols. A table
        # with several such columns is a feature matrix (a linter's rule list: ✅ per
        # config, ❌ deprecated), not a study log.
        candidates = []
        for col in range(len(headers)):
            key = headers[col]
            if _matches(key, TITLE_HEADERS) or _matches(key, NOTES_HEADERS):
                continue
            known, unknown, _ = plausible_status(rows, col, vocab, words=False, strict=True)
            if known >= 1 and known >= 2 * unknown:
                candidates.append(col)
        if len(candidates) == 1:
            return candidates[0], None
        if len(candidates) > 1:
            return None, (
                f"a feature matrix: {len(candidates)} columns hold markers, so none of them "
                "is one resource's status"
            )
    if empty_header_col is not None:
        return None, (
            f"all status cells of column {empty_header_col + 1} are empty placeholders "
            f"({', '.join(sorted(p for p in PLACEHOLDERS if len(p) <= 3))})"
        )
    return None, "no status column found (no header such as Status/Progress, no marker column)"


def _title_column(
    headers: list[str], profiles: list[_Profile | None], taken: set[int]
) -> int | None:
    """The column that names the resource: the best-scored free column."""
    best: tuple[float, int] | None = None
    for col, profile in enumerate(profiles):
        if profile is None or col in taken:
            continue
        key = headers[col]
        score = 0.0
        if _matches(key, TITLE_HEADERS):
            score += 4.0
        elif _matches(key, LINK_HEADERS):
            score += 1.0
        elif _matches(key, CATEGORY_HEADERS):
            score += 1.0  # "Day | Topic | Link": the topic names the day's resource
        titled = score >= 4.0
        if _matches(key, NOTES_HEADERS):
            score -= 6.0  # a notes column names no resource, whatever its links
        if _is_ordinal(key):
            score -= 3.0
        if profile.filled:
            score += 2.0 * (profile.links - profile.generic)
            score -= 5.0 * profile.generic
            score -= 4.0 * profile.markers
            score -= 3.0 * (profile.dates + profile.ordinals + profile.durations)
            score += 1.0 * profile.distinct
            score += min(profile.length, 40.0) / 40.0
        else:
            # Empty so far: a "Resource" column still names the resources (a fix that fills a
            # cell must not move the title to another column); another column does not.
            score -= 1.0 if titled else 4.0
        score -= 0.01 * col  # ties go to the leftmost column
        if best is None or score > best[0]:
            best = (score, col)
    return best[1] if best is not None else None


def _link_column(
    profiles: list[_Profile | None], taken: set[int], title_col: int | None
) -> int | None:
    """A column of links other than the title (``[View](url)``): the entry's URL when the
    title cell has none."""
    best: tuple[float, int] | None = None
    for col, profile in enumerate(profiles):
        if profile is None or col == title_col or col in taken or not profile.filled:
            continue
        if profile.links >= 0.5 and (best is None or profile.links > best[0]):
            best = (profile.links, col)
    return best[1] if best is not None else None
