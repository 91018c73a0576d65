"""Deterministic study logs of any size, in the style of a real one, for the benchmarks.

The style is that of the seed log (``../shared/seed/STUDY_LOG.md``), written here in code so
that the benchmark needs no file: nested headings (``#`` plan, ``##`` area, ``###`` topic),
``|[Title](https://…)|✅|notes|`` rows, rows without notes (two cells in a three-column table,
or an empty notes cell), padding around a cell now and then, a few duplicated resources, a few
malformed rows (a missing or an extra cell), an occasional task list, headings glued to their
table and a ``---`` glued under a table.

``python benchmarks/generate.py 10000 > log.md`` writes a 10,000-entry log to stdout.
"""

from __future__ import annotations

import random
import sys

DEFAULT_SEED = 20240601
"""The fixed seed: the same size always gives the same bytes."""

TARGET_TITLE = "Benchmark Target: Attention Is All You Need, Annotated"
"""A unique title near the end of every generated log (the toggle benchmark's query)."""

_SUBJECTS = (
    "Linear Algebra",
    "Multivariate Calculus",
    "Probability",
    "Statistics",
    "Convolutional Networks",
    "Sequence Models",
    "Transformers",
    "Reinforcement Learning",
    "Distributed Systems",
    "Databases",
    "Compilers",
    "Operating Systems",
    "Computer Networks",
    "Cryptography",
    "Graph Algorithms",
    "Dynamic Programming",
    "Type Systems",
    "Information Theory",
    "Optimisation",
    "Computer Vision",
)
_KINDS = (
    "MOOC",
    "Lecture",
    "Textbook",
    "Paper",
    "Tutorial",
    "Video",
    "Course",
    "Workshop",
    "Blog post",
    "Problem set",
)
_AUTHORS = (
    "Andrew Ng",
    "MIT OpenCourseWare",
    "Stanford CS",
    "3Blue1Brown",
    "Imperial College London",
    "Andrej Karpathy",
    "Kaggle",
    "fast.ai",
    "Berkeley",
    "DeepMind",
)
_HOSTS = (
    "https://www.coursera.org/learn/{slug}",
    "https://ocw.mit.edu/courses/{slug}/",
    "https://arxiv.org/abs/{num}",
    "https://arxiv.org/pdf/{num}",
    "https://www.youtube.com/watch?v={vid}",
    "https://pytorch.org/tutorials/beginner/{slug}.html",
    "https://huggingface.co/docs/transformers/{slug}",
    "https://www.kaggle.com/learn/{slug}",
    "https://github.com/{slug}/{slug}",
    "https://www.coursera.org/learn/{slug}?specialization=deep-learning",
)
_NOTE_WORDS = (
    "useful",
    "followup",
    "for",
    "the",
    "final",
    "module",
    "of",
    "course",
    "review",
    "backprop",
    "exercises",
    "were",
    "illuminating",
    "supplemental",
    "recommended",
    "reading",
    "(2015)",
    "**key**",
    "`code`",
    "authors:",
    "et al.",
    "context",
    "loss",
    "functions",
)
_HEADERS = (
    ("|Resource|Progress|Notes|", "|---|---|---|", 3),
    ("|Resources|Progress|Notes|", "|---|---|----|", 3),
    ("| Resource | Progress | Notes |", "| --- | :---: | --- |", 3),
    ("|Resource|Progress|", "|---|---|", 2),
)
_DONE, _TODO = "✅", "⬜"


class _Writer:
    """Accumulates lines and counts entries (table rows and task items)."""

    def __init__(self, rng: random.Random, total: int) -> None:
        self.rng = rng
        self.total = total
        self.count = 0
        self.lines: list[str] = []
        self.seen: list[tuple[str, str]] = []
        self.tables = 0
        # The target sits about 95% of the way through (at least 1 entry from the end).
        self.target_at = max(0, min(total - 1, total - max(1, total // 20)))

    @property
    def left(self) -> int:
        return self.total - self.count

    # -- pieces ---------------------------------------------------------------------------
    def title(self) -> str:
        rng = self.rng
        n = self.count
        form = rng.randrange(4)
        subject = rng.choice(_SUBJECTS)
        if form == 0:
            return f"{rng.choice(_AUTHORS)}: {subject} {rng.choice(_KINDS)} {n}"
        if form == 1:
            return f"{rng.choice(_KINDS)} {n}: {subject} from scratch"
        if form == 2:
            return f"{subject}, part {n} ({rng.choice(_AUTHORS)})"
        return f"*{subject}* — {rng.choice(_KINDS).lower()} no. {n}"

    def url(self) -> str:
        rng = self.rng
        slug = "-".join(rng.choice(_SUBJECTS).lower().split()) + f"-{self.count}"
        template = rng.choice(_HOSTS)
        return template.format(
            slug=slug,
            num=f"{rng.randrange(1000, 2400)}.{rng.randrange(10000, 99999)}",
            vid=f"{rng.getrandbits(40):010x}",
        )

    def notes(self) -> str:
        rng = self.rng
        return " ".join(rng.choice(_NOTE_WORDS) for _ in range(rng.randrange(1, 25)))

    def status(self) -> str:
        return _DONE if self.rng.random() < 0.45 else _TODO

    # -- rows -----------------------------------------------------------------------------
    def row(self, columns: int) -> str:
        rng = self.rng
        if self.count == self.target_at:
            # Always well formed, so that the toggle benchmark can edit it.
            self.count += 1
            link = f"[{TARGET_TITLE}](https://arxiv.org/abs/1706.03762)"
            return f"|{link}|{_TODO}|" + ("introduced the transformer|" if columns == 3 else "")
        if self.seen and rng.random() < 0.01:
            title, url = rng.choice(self.seen)  # a duplicate, as in real logs
            status = self.status()
        else:
            title, url = self.title(), self.url()
            status = self.status()
            if rng.random() < 0.05:
                self.seen.append((title, url))
        self.count += 1
        link = f"[{title}]({url})"
        roll = rng.random()
        if roll < 0.004:
            return f"|{link}|"  # malformed: the status cell is missing
        if roll < 0.008:
            return f"|{link}|{status}|{self.notes()}|extra cell|"  # malformed: one cell too many
        if roll < 0.05:
            # padding, a prefix before the link, a trailing space after the marker
            return f"|{rng.choice(_AUTHORS)}: {link} |{status} |{self.notes()}|"
        if columns == 2:
            return f"|{link}|{status}|"
        if roll < 0.20:
            return f"|{link}|{status}|"  # no notes cell at all (the seed does this)
        if roll < 0.30:
            return f"|{link}|{status}||"
        return f"|{link}|{status}|{self.notes()}|"

    def task(self) -> str:
        self.count += 1
        box = "[x]" if self.rng.random() < 0.4 else "[ ]"
        return f"- {box} [{self.title()}]({self.url()})"

    # -- blocks ---------------------------------------------------------------------------
    def table(self, glued: bool) -> None:
        rng = self.rng
        header, delimiter, columns = _HEADERS[rng.randrange(len(_HEADERS))]
        if not glued:
            self.lines.append("")
        self.lines += [header, delimiter]
        size = min(self.left, rng.randrange(20, 201))
        # Keep the target inside a table row (tasks never take it).
        self.lines += [self.row(columns) for _ in range(size)]
        self.tables += 1
        if self.tables % 5 == 2:
            self.lines.append("---")  # a thematic break glued to the table (seed line 80)
        self.lines.append("")

    def task_list(self) -> None:
        size = min(self.left, self.rng.randrange(3, 12))
        if self.count <= self.target_at < self.count + size:
            size = self.target_at - self.count  # the target must be a table row
        if size <= 0:
            return
        self.lines.append("Follow-ups:")
        self.lines.append("")
        self.lines += [self.task() for _ in range(size)]
        self.lines.append("")


def generate(entries: int, seed: int = DEFAULT_SEED) -> str:
    """A study log of exactly ``entries`` entries (table rows + task items), ``\\n`` endings."""
    if entries < 1:
        raise ValueError("a generated log needs at least one entry")
    rng = random.Random(seed)
    w = _Writer(rng, entries)
    w.lines += [
        "# Study Log",
        "Checklist to help me keep track of milestones in a study plan. Inspiration for this "
        "log: https://github.com/amitness/learning",
        "",
    ]
    plan = 0
    while w.left > 0:
        plan += 1
        w.lines += [f"# {rng.choice(_SUBJECTS)} Study Plan {plan}", ""]
        for area in range(rng.randrange(1, 4)):
            if w.left <= 0:
                break
            w.lines.append(f"## {rng.choice(_SUBJECTS)} area {plan}.{area + 1}")
            w.lines.append(f"**Purpose**: build a foundation in {rng.choice(_SUBJECTS)}.")
            w.lines.append("")
            for topic in range(rng.randrange(1, 5)):
                if w.left <= 0:
                    break
                w.lines.append(f"### {rng.choice(_KINDS)} resources {plan}.{area + 1}.{topic}")
                glued = rng.random() < 0.7  # most headings sit right on their table
                w.table(glued)
                if w.left > 0 and w.tables % 7 == 3:
                    w.task_list()
    return "\n".join(w.lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``generate.py ENTRIES [SEED]``: write a generated log to stdout."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.stderr.write("usage: generate.py ENTRIES [SEED]\n")
        return 2
    seed = int(args[1]) if len(args) > 1 else DEFAULT_SEED
    sys.stdout.write(generate(int(args[0]), seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
