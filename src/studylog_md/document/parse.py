"""markdown-it-py block structure → the model.

markdown-it-py decides which lines are headings, tables, lists, code and HTML; we never build
text from its tokens. Cells come from our own split of the raw line (``cells.py``), inline text
from our own scanner (``_inline.py``), run only on the cells an entry needs.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import _inline, titles
from .cells import cell_bounds
from .columns import assign_columns, is_status_header, legend_of, read_status
from .markers import DEFAULT_VOCABULARY, Status, Vocabulary, is_placeholder
from .model import (
    Block,
    BlockKind,
    Cell,
    Derived,
    Document,
    Entry,
    Link,
    ParseProblem,
    Row,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_NESTING = 20  # markdown-it-py's commonmark preset; content nested deeper is skipped

GENERATED_START = "<!-- studylog-md:stats -->"
GENERATED_END = "<!-- /studylog-md:stats -->"

_TASK_BOX = r"(?:[-+*]|\d{1,9}[.)])[ \t]+(\[[ xX]\])(?=[ \t])"


@lru_cache(maxsize=1)
def _task_box() -> re.Pattern[str]:
    """Compiled on first use (start-up of the hook)."""
    return re.compile(_TASK_BOX)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return make_parser()


def make_parser(*, fast_items: bool = True) -> MarkdownIt:
    """Our block parser; ``fast_items=False`` leaves out the task-item shortcut (for tests)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    from ._table_rule import table_rule

    md = MarkdownIt("commonmark", {"tasklists": True, "maxNesting": MAX_NESTING})
    md.use(front_matter_plugin)
    # Our table rule takes the place of markdown-it-py's own (same position, same decisions).
    md.block.ruler.at("table", table_rule, {"alt": ["paragraph", "reference"]})
    md.enable("table")
    # Block structure only: inline parsing is ours, and only where an entry needs it.
    md.disable(["inline", "text_join"])
    if fast_items:
        from ._fast_items import fast_list

        rule = md.block.ruler.__rules__[md.block.ruler.__find__("list")]
        md.block.ruler.at("list", fast_list(rule.fn), {"alt": list(rule.alt)})
    _watch_nesting(md, fast_items=fast_items)
    return md


def _watch_nesting(md: MarkdownIt, *, fast_items: bool = True) -> None:
    """Record where markdown-it-py gives up on content nested deeper than ``maxNesting``.

    Its block tokenizer silently skips the rest of a container once the nesting level reaches
    the limit ("That's not ordinary situation and we should not care about content"). We care:
    a list ten levels deep would hide every later table. The wrapper notes the first skipped
    line in ``env`` so the document can report it.
    """
    from ._fast_items import _list_rule, simple_paragraph

    original = md.block.tokenize
    list_rule = _list_rule()

    def tokenize(state: Any, start_line: int, end_line: int) -> None:
        if state.level >= state.md.options.maxNesting:
            line = state.skipEmptyLines(start_line)
            if line < end_line and state.sCount[line] >= state.blkIndent:
                skipped = state.env.setdefault("skipped_lines", [])
                skipped.append(line)
        elif fast_items and simple_paragraph(state, start_line, end_line, list_rule):
            return  # a one-line task item: its paragraph without the whole rule chain
        original(state, start_line, end_line)

    md.block.tokenize = tokenize  # type: ignore[method-assign,assignment]


def parse_tokens(text: str, env: dict[str, Any]) -> list[Token]:
    """Block tokens for ``text`` (no BOM), with the garbage collector paused.

    Parsing allocates many small objects that all survive until the parse ends; letting the
    cyclic collector scan them repeatedly costs about a quarter of the parse time.
    """
    md = _parser()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return md.parse(text, env)
    finally:
        if enabled:
            gc.enable()


def build(
    lines: list[str],
    endings: list[str],
    *,
    bom: bool = False,
    path: str | None = None,
    vocabulary: Vocabulary | None = None,
    previous: Derived | None = None,
) -> Document:
    """Parse lines into a :class:`Document`.

    ``previous``: the parse of the text before an edit. Its inline scans (titles, notes) are
    reused for cells whose text did not change, when the link references are the same: an
    edit re-derives the whole document, and scanning every title again was most of its cost.
    """
    vocab = vocabulary or DEFAULT_VOCABULARY
    doc = Document(lines=lines, endings=endings, bom=bom, path=path, vocabulary=vocab)
    text = "\n".join(lines)
    env: dict[str, Any] = {}
    # The collector stays paused while the model is built too, not only during the parse: a
    # big log makes millions of objects that all live as long as the document, and each
    # collection their creation triggers rescans the growing heap (at 100,000 entries that
    # was a third of the time, and why the time grew faster than the file).
    enabled = gc.isenabled()
    gc.disable()
    try:
        tokens = parse_tokens(text, env)
        references: dict[str, str] = {}
        for label, ref in (env.get("references") or {}).items():
            href = ref.get("href") if isinstance(ref, dict) else None
            if isinstance(href, str):
                references[_inline.normalize_label(label)] = href
        doc._state.references = references
        if previous is not None and previous.references == references:
            doc._state.scans = previous.scans
        _Builder(doc, vocab).run(tokens)
    finally:
        if enabled:
            gc.enable()
    state = doc.generation
    for entry in state.entries:
        entry.origin = state
    for line in env.get("skipped_lines", []):
        doc.problems.append(
            ParseProblem(
                line + 1,
                f"content from line {line + 1} is nested more than {MAX_NESTING} levels deep; "
                "Markdown parsers skip it (so does GitHub's) — flatten the nesting",
            )
        )
    return doc


class _Builder:
    """Walks the block tokens once, building sections, tables, entries and blocks."""

    def __init__(self, doc: Document, vocab: Vocabulary) -> None:
        self.doc = doc
        self.vocab = vocab
        # The parse being built, held directly: Document's attributes are properties over
        # it, and this builder touches them several times for every row and task item.
        self.state = doc._state
        self.scans = doc._state.scans
        self.section = Section((), 0, -1, "")
        doc.sections.append(self.section)
        self.stack: list[Section] = []
        # Tables wait until the whole file is read: a legend anywhere in it ("✏️ | In
        # progress") changes how every other table's markers read.
        self.pending: list[tuple[Table, bool]] = []

    def run(self, tokens: list[Token]) -> None:
        state = self.state
        container: list[str] = []
        # (is_task, plain text of the item's first line) for each open list item
        items: list[tuple[str, str | None]] = []
        # Tables inside studylog-md's own summary block (`stats --write`) are output, not input.
        in_generated_block = False
        n = len(tokens)
        i = 0
        while i < n:
            tok = tokens[i]
            kind = tok.type
            if kind == "heading_open":
                content = tokens[i + 1].content if i + 1 < n else ""
                assert tok.map is not None
                self._heading(int(tok.tag[1]), tok.map[0], content)
                state.blocks.append(Block("heading", tok.map[0], tok.map[1]))
                i += 3
                continue
            if kind == "table_open":
                assert tok.map is not None
                self._table(tok, container, generated=in_generated_block)
                state.blocks.append(Block("table", tok.map[0], tok.map[1]))
            elif kind == "list_item_open":
                assert tok.map is not None
                container.append("list")
                items.append(self._list_item(tok, items))
            elif kind == "list_item_close":
                container.pop()
                items.pop()
            elif kind == "task_run":
                self._task_run(tok, items)
            elif kind == "blockquote_open":
                container.append("blockquote")
            elif kind == "blockquote_close":
                container.pop()
            elif kind == "html_block" and GENERATED_START in tok.content:
                in_generated_block = GENERATED_END not in tok.content.split(GENERATED_START)[-1]
                assert tok.map is not None
                state.blocks.append(Block("html", tok.map[0], tok.map[1]))
            elif kind == "html_block" and GENERATED_END in tok.content:
                in_generated_block = False
                assert tok.map is not None
                state.blocks.append(Block("html", tok.map[0], tok.map[1]))
            elif tok.map is not None and tok.nesting != -1:
                block_kind = _LEAF_KINDS.get(kind)
                if block_kind:
                    state.blocks.append(Block(block_kind, tok.map[0], tok.map[1]))
            i += 1
        self.finish()

    def scan(self, text: str) -> _inline.InlineScan:
        """``_inline.scan`` of a cell's or an item's text, once per distinct text."""
        found = self.scans.get(text)
        if found is None:
            found = self.scans[text] = _inline.scan(text, self.state.references)
        return found

    # -- headings -------------------------------------------------------------------------
    def _heading(self, level: int, line: int, content: str) -> None:
        title = _inline.scan(content, self.state.references).text
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        path = (*[s.title for s in self.stack], title)
        section = Section(path, level, line, title, content)
        self.stack.append(section)
        self.section = section
        self.state.sections.append(section)

    # -- task lists -----------------------------------------------------------------------
    def _task_run(self, tok: Token, items: list[tuple[str, str | None]]) -> None:
        """The items of a run of one-line task items (one token for all; see _fast_items)."""
        assert tok.map is not None
        blocks = self.state.blocks
        for index, checked in zip(range(*tok.map), tok.meta["checked"], strict=True):
            self._task_item(index, bool(checked), items)
            blocks.append(Block("paragraph", index, index + 1))

    def _list_item(self, tok: Token, items: list[tuple[str, str | None]]) -> tuple[str, str | None]:
        assert tok.map is not None
        checked = tok.meta.get("checked") if tok.meta else None
        return self._task_item(tok.map[0], checked, items)

    def _task_item(
        self, line_index: int, checked: bool | None, items: list[tuple[str, str | None]]
    ) -> tuple[str, str | None]:
        line = self.state.lines[line_index]
        box = _task_box().search(line) if checked is not None else None
        if box is None:
            text = _first_line_text(line)
            return ("item", self.scan(text).text if text else None)
        after = box.end(1)
        while after < len(line) and line[after] in " \t":
            after += 1
        raw = line[after:].rstrip()
        scanned = self.scans.get(raw)  # self.scan, inlined: this runs once per task item
        if scanned is None:
            scanned = self.scans[raw] = _inline.scan(raw, self.state.references)
        category = None
        for _kind, parent_text in reversed(items):
            if parent_text:
                category = parent_text
                break
        marker = box.group(1)
        links = tuple(
            self._links(
                scanned.links,
                line_index,
                after,
            )
        )
        text = scanned.text
        duration = None
        if titles.may_change(text):
            text, duration = titles.clean(text)
        entry = Entry(
            title=text,
            url=_first_url(links),
            links=links,
            status=Status.DONE if checked else Status.TODO,
            marker=marker,
            notes=None,
            category=category,
            section=self.section.path,
            line=line_index + 1,
            column=after + 1,
            kind="task",
            marker_line=line_index,
            marker_start=box.start(1),
            marker_end=box.end(1),
            raw_title=raw,
            duration=duration,
        )
        self.state.entries.append(entry)
        return ("task", scanned.text)

    # -- tables ---------------------------------------------------------------------------
    def _table(self, tok: Token, container: list[str], *, generated: bool = False) -> None:
        assert tok.map is not None
        start, end = tok.map
        starts: list[int] = tok.meta["starts"]
        lines = self.state.lines
        rows = [
            self._row(lines[index], index, starts[index - start]) for index in range(start, end)
        ]
        table = Table(
            section=self.section,
            header=rows[0],
            delimiter=rows[1],
            rows=rows[2:],
            alignments=list(tok.meta["aligns"]),
            container=container[-1] if container else "",
        )
        self.state.tables.append(table)
        self.pending.append((table, generated))

    def finish(self) -> None:
        """Decide every table's column roles (legends first) and read its entries."""
        pending = self.pending
        if not pending:
            return
        doc = self.doc
        state = self.state
        mapping: dict[str, Status] = {}
        blank: Status | None = None
        for table, generated in pending:
            if generated:
                continue
            legend = legend_of(table, self.vocab)
            if legend is not None:
                table.legend = dict(legend[0])
                table.reason = "a legend: it explains the markers, it lists no resources"
                mapping.update(legend[0])
                blank = legend[1] if legend[1] is not None else blank
        if mapping or blank is not None:
            self.vocab = self.vocab.with_legend(mapping, blank)
            doc.vocabulary = self.vocab
        tasks = len(state.entries)
        for table, generated in pending:
            if generated:
                table.reason = "studylog-md's own summary (stats --write)"
                continue
            if table.legend is not None:
                continue
            table.reason = assign_columns(table, self.vocab)
            if table.status_col is not None:
                self._entries(table)
        _settle_placeholders(doc, self.vocab)
        if tasks and len(state.entries) > tasks:
            # Task items were read in order during the walk, table rows after it.
            state.entries.sort(key=_entry_line)

    @staticmethod
    def _row(line: str, index: int, start: int) -> Row:
        # One Cell per cell straight from the bounds (no intermediate CellSpan), and the
        # padding found by str.strip in C: the same spans as cells.split_row, in a seventh
        # less of a big log's load time.
        spans, leading, trailing, row_start, row_end = cell_bounds(line, start)
        cells: list[Cell] = []
        for raw_start, raw_end in spans:
            raw = line[raw_start:raw_end]
            text = raw.strip(" \t")
            if text:
                begin = raw_start + len(raw) - len(raw.lstrip(" \t"))
                cells.append(Cell(index, raw_start, raw_end, begin, begin + len(text), text))
            else:  # only padding: an empty span at the end, as split_row gives
                cells.append(Cell(index, raw_start, raw_end, raw_end, raw_end, ""))
        return Row(index, tuple(cells), leading, trailing, row_start, row_end)

    def _entries(self, table: Table) -> None:
        vocab = self.vocab
        status_col = table.status_col
        assert status_col is not None
        title_col = table.title_col if table.title_col is not None else 0
        notes_col = table.notes_col
        category_col = table.category_col
        link_col = table.link_col
        names = vocab.columns
        words = is_status_header(table.header_text(status_col)) or bool(names and names.status)
        category: str | None = None
        section_path = table.section.path  # read after the walk: not self.section
        for row in table.rows:
            cells = row.cells
            ncells = len(cells)
            if not (cells and cells[0].text) and not any(cell.text for cell in cells):
                continue  # an empty row is a spacer, not an entry
            title_cell = cells[title_col] if title_col < ncells else None
            duration = None
            if title_cell is not None:
                cell_text = title_cell.text
                scanned = self.scan(cell_text)
                title = scanned.text
                links = tuple(self._links(scanned.links, row.line, title_cell.start))
                if "\\|" in cell_text:
                    # GFM turns "\|" into "|" before inline parsing, code spans included;
                    # the links (with their offsets) come from the text as written.
                    title = self.scan(cell_text.replace("\\|", "|")).text
                if titles.may_change(title):
                    title, duration = titles.clean(title)
                if "] (" in cell_text and titles.broken_link(cell_text):
                    # "[text] (url)" is no link: GitHub shows the brackets, and at most
                    # autolinks the bare URL. The entry has no URL (broken-link-syntax).
                    links = tuple(link for link in links if link.kind != "bare")
            else:
                title, links = "", ()
            if link_col is not None and link_col < ncells and not _first_url(links):
                # "Day 3 | Arrays | [View](url)": the resource's link is in its own column.
                link_cell = cells[link_col]
                extra = self.scan(link_cell.text).links
                links = links + tuple(self._links(extra, row.line, link_cell.start))
            if category_col is not None and category_col < ncells:
                cat_text = cells[category_col].text
                if cat_text.strip():
                    category = self.scan(cat_text).text
            notes = None
            if notes_col is not None and notes_col < ncells:
                notes = self.scan(cells[notes_col].text.replace("\\|", "|")).text
            if status_col < ncells:
                cell = cells[status_col]
                classified = read_status(vocab, cell.text, words=words)
                status = classified.status
                marker = classified.marker
                if cell.text:
                    m_start = cell.start + classified.start
                    m_end = cell.start + classified.end
                else:
                    # Empty cell: a marker goes after the first padding character, if any.
                    m_start = m_end = cell.raw_start + (1 if cell.raw_end > cell.raw_start else 0)
                    if vocab.blank is not None:
                        status = vocab.blank
                m_line = row.line
            else:
                status, marker, m_line, m_start, m_end = Status.UNKNOWN, "", -1, -1, -1
            entry = Entry(
                title=title,
                url=_first_url(links),
                links=links,
                status=status,
                marker=marker,
                notes=notes,
                category=category,
                section=section_path,
                line=row.line + 1,
                column=title_cell.column if title_cell is not None else row.start + 1,
                kind="row",
                table=table,
                row=row,
                marker_line=m_line,
                marker_start=m_start,
                marker_end=m_end,
                raw_title=title_cell.text if title_cell is not None else "",
                duration=duration,
            )
            table.entries.append(entry)
            self.state.entries.append(entry)

    def _links(self, raw: list[_inline.RawLink], line: int, base: int) -> Iterator[Link]:
        line_offset = self.doc.line_offset
        for link in raw:
            if link.url_start >= 0:
                col = base + link.url_start
                offset = line_offset(line) + col
                yield Link(
                    link.text,
                    link.url,
                    line + 1,
                    col + 1,
                    base + link.url_end + 1,
                    link.image,
                    link.kind,
                    offset,
                    offset + (link.url_end - link.url_start),
                )
            else:
                yield Link(
                    link.text,
                    link.url,
                    line + 1,
                    base + link.start + 1,
                    base + link.end + 1,
                    link.image,
                    link.kind,
                )


_LEAF_KINDS: dict[str, BlockKind] = {
    "paragraph_open": "paragraph",
    "fence": "fence",
    "code_block": "code",
    "html_block": "html",
    "hr": "hr",
    "front_matter": "front_matter",
}


def _first_line_text(line: str) -> str:
    stripped = line.lstrip(" \t>")
    match = re.match(r"(?:[-+*]|\d{1,9}[.)])[ \t]+", stripped)
    return stripped[match.end() :] if match else stripped


def _first_url(links: tuple[Link, ...]) -> str | None:
    """The first link's target; images (badges, icons) are not the resource."""
    for link in links:
        if not link.image:
            return link.url
    return None


def _entry_line(entry: Entry) -> int:
    return entry.line


# Kept for callers of the old private name (edit/status.py's safety check).
_is_status_header = is_status_header


_PLACEHOLDER_START = frozenset("-—–‐nN/.…` ")


def _settle_placeholders(doc: Document, vocab: Vocabulary) -> None:
    """Blank and dash status cells: not started, unless the file writes its to-dos.

    A file that never writes a to-do marker uses an empty cell (or "—") for "not started"
    (amitness/learning in 2023-2024). In a file that does write ⬜ or "[ ]", an empty cell
    is a status nobody set: the entry is listed as unknown, with the reason, not guessed.
    A legend that says what a blank means (``| | Planned |``) decides for blanks.
    """
    rows = [e for e in doc.entries if e.kind == "row"]
    explicit = any(
        e.status is Status.TODO and e.marker and not is_placeholder(e.marker) for e in rows
    )
    for entry in rows:
        marker = entry.marker
        if marker and (marker[0] not in _PLACEHOLDER_START or not is_placeholder(marker)):
            continue  # the first test alone settles nearly every cell of a big log
        if entry.marker_line < 0:
            continue
        if not marker and vocab.blank is not None:
            entry.status_reason = "an empty status cell; the file's legend says what it means"
            continue
        if explicit:
            entry.status = Status.UNKNOWN
            entry.status_reason = (
                f"{'an empty' if not marker else 'a placeholder (' + marker + ')'} status cell "
                "in a file that marks to-do entries explicitly"
            )
        else:
            entry.status = Status.TODO
            entry.status_reason = (
                f"{'an empty' if not marker else 'a placeholder (' + marker + ')'} status cell: "
                "this file writes no to-do marker, so it means not started"
            )


def collect_links(doc: Document) -> list[Link]:
    """Every link in paragraphs, headings, tables and HTML blocks (not in code)."""
    links: list[Link] = []
    refs = doc.references
    lines = doc.lines
    builder_links = _Builder.__new__(_Builder)
    builder_links.doc = doc
    for block in doc.blocks:
        if block.kind not in ("paragraph", "heading", "table", "html"):
            continue
        for index in range(block.start, min(block.end, len(lines))):
            line = lines[index]
            if (
                "(" not in line
                and "<" not in line
                and "[" not in line
                and "://" not in line
                and "www." not in line
            ):
                continue
            scanned = _inline.scan(line, refs)
            links.extend(builder_links._links(scanned.links, index, 0))
    return links
