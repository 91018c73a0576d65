"""``studylog-md history``: when each entry changed status, from the file's git history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from ..document.printable import printable
from ._common import EXIT_OK, config_option, err, out
from ._output import color_option, print_json, style, want_color

if TYPE_CHECKING:  # pragma: no cover
    from ..progress.history import StatusEvent

# How each kind of event is introduced in the text output, in the order they are shown.
_HEADINGS = {
    "finished": "Finished",
    "started": "Started",
    "reopened": "Reopened",
    "changed": "Changed",
}


@click.command("history")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--since",
    metavar="DATE",
    help="Only changes on or after DATE (2026-03-01, or a full ISO 8601 time).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@config_option
@color_option
def history_cmd(file: str, since: str | None, fmt: str) -> int:
    """When each entry of FILE was added, started and finished, from its git history.

    Entries are followed by URL and title, so reordered rows and edited notes are not changes.
    Only committed versions count.
    """
    from ..progress.history import read_history
    from ._common import vocabulary_for

    keep = _since_filter(since)
    history = read_history(file, vocabulary=vocabulary_for(file))
    for version, reason in history.skipped:
        err(f"studylog-md: warning: skipped {version.commit[:12]} ({reason})")
    events = [e for e in history.events if keep(e.date)]
    if fmt == "json":
        print_json([e.to_dict() for e in events])
        return EXIT_OK
    _print_text(events, color=want_color())
    return EXIT_OK


def _since_filter(since: str | None) -> _Keep:
    if since is None:
        return _Keep(None, None)
    text = since.strip()
    try:
        if len(text) == 10:
            return _Keep(date.fromisoformat(text), None)
        # Python 3.10's fromisoformat does not read a trailing "Z".
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise click.BadParameter(
            f"{since!r} is not a date; use YYYY-MM-DD or an ISO 8601 time", param_hint="--since"
        ) from None
    # A time without an offset is the user's local time.
    return _Keep(None, moment if moment.tzinfo else moment.astimezone())


class _Keep:
    """Whether an event's date is on or after ``--since``."""

    __slots__ = ("day", "moment")

    def __init__(self, day: date | None, moment: datetime | None) -> None:
        self.day = day
        self.moment = moment

    def __call__(self, when: datetime) -> bool:
        if self.day is not None:
            # The day as the committer saw it (the commit's own offset).
            return when.date() >= self.day
        if self.moment is not None:
            return when >= self.moment
        return True


def _print_text(events: Sequence[StatusEvent], *, color: bool) -> None:
    if not events:
        out("no status changes")
        return
    months: dict[tuple[int, int], list[StatusEvent]] = {}
    for event in events:
        months.setdefault((event.date.year, event.date.month), []).append(event)
    for number, ((year, month), items) in enumerate(months.items()):
        if number:
            out()  # a blank line between months
        name = f"{datetime(year, month, 1):%B} {year}"
        for kind, heading in _HEADINGS.items():
            group = [e for e in items if e.kind == kind]
            if not group:
                continue
            title = f"{heading} in {name} ({len(group)}):"
            out(style(title, color, bold=True))
            for event in group:
                out("  " + _event_line(event))
        added = [e for e in items if e.kind == "added"]
        if added:
            # New to-do entries are plans, not progress: a count keeps the first commit of a
            # long log from burying everything else (--format json lists each one).
            noun = "entry" if len(added) == 1 else "entries"
            out(f"Added in {name}: {len(added)} new {noun} to do")


def _event_line(event: StatusEvent) -> str:
    change = ""
    if event.kind in ("reopened", "changed") and event.previous is not None:
        change = f"  [{event.previous.value} → {event.status.value}]"
    return f"{event.date:%Y-%m-%d}  {printable(event.title)}  ({event.commit[:7]}){change}"
