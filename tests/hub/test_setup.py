"""``openspaces hub setup --event event.toml``: the event from one file, on real SQLite files.

Idempotence, a changed file, dry run, removals (--prune), blocks next to cards and imports,
and bad files: each error names the file, the line and the key, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub import repo
from hub.audit import list_entries
from hub.setup.file import BlockSection, DaySection, EventSection, RoomSection
from hub.storage.db import open_database
from shared.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "event.example.toml"

EVENT = """\
[event]
name = "Test Open Spaces"
timezone = "America/New_York"

[[days]]
date = 2027-05-15
first_hour = 9
last_hour = 12

[[rooms]]
id = "room-a"
name = "Room A"
capacity = 40

[[rooms]]
id = "room-b"
name = "Room B"

[[blocks]]
room = "room-b"
date = 2027-05-15
hour = 10
label = "Sponsor workshop"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(f'database_url = "sqlite:///{tmp_path / "hub.db"}"\n')
    return path


@dataclass
class Setup:
    """Runs ``openspaces hub setup`` on a text, as a person would, and captures what it says."""

    config: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, text: str, *extra: str) -> tuple[int, list[str], str]:
        """Exit code, output lines and error output of one run on ``text``."""
        event = self.config.parent / "event.toml"
        event.write_text(text, encoding="utf-8")
        self.capsys.readouterr()
        code = main(["hub", "setup", "--config", str(self.config), "--event", str(event), *extra])
        captured = self.capsys.readouterr()
        return code, captured.out.splitlines(), captured.err


@pytest.fixture
def run(config: Path, capsys: pytest.CaptureFixture[str]) -> Setup:
    return Setup(config, capsys)


@dataclass(frozen=True)
class Board:
    """The board as plain data: local times as ``MM-DD HH:MM``."""

    event: tuple[str, str, str | None, str | None]
    rooms: list[tuple[str, str, int | None, str | None, int]]
    slots: list[str]
    blocks: list[tuple[str, str, str, str | None]]
    audit: int


def board(config: Path) -> Board:
    database = open_database(config.read_text().split('"')[1])
    try:
        with database.transaction() as db:
            event = repo.get_event(db)
            zone = repo.zone_of(event.timezone)
            local = {s.id: f"{s.start.astimezone(zone):%m-%d %H:%M}" for s in repo.list_slots(db)}
            return Board(
                event=(event.name, event.timezone, event.hashtag, event.url),
                rooms=[(r.id, r.name, r.capacity, r.location, r.position)
                       for r in repo.list_rooms(db)],
                slots=sorted(local.values()),
                blocks=sorted((b.room_id, local[b.slot_id], b.label, b.source)
                              for b in repo.list_blocks(db)),
                audit=len(list_entries(db)),
            )  # fmt: skip
    finally:
        database.dispose()


def add_card(config: Path, room_id: str, local: str, title: str) -> None:
    database = open_database(config.read_text().split('"')[1])
    try:
        with database.transaction() as db:
            zone = repo.zone_of(repo.get_event(db).timezone)
            slot = next(s for s in repo.list_slots(db)
                        if f"{s.start.astimezone(zone):%m-%d %H:%M}" == local)  # fmt: skip
            repo.add_session(db, room_id, slot.id, title)
    finally:
        database.dispose()


def test_a_new_event_from_the_file_then_nothing_to_change(run: Setup, config: Path) -> None:
    code, out, _ = run(EVENT)
    assert code == 0
    assert out == [
        'created the event "Test Open Spaces" (America/New_York)',
        'added room room-a "Room A" (capacity 40)',
        'added room room-b "Room B"',
        "added day 2027-05-15, 09:00–12:00 (3 slots)",
        'added block room-b 2027-05-15 10:00 "Sponsor workshop"',
        "made 5 changes",
    ]
    first = board(config)
    assert first.slots == ["05-15 09:00", "05-15 10:00", "05-15 11:00"]
    assert first.blocks == [("room-b", "05-15 10:00", "Sponsor workshop", "setup")]
    assert run(EVENT)[1] == ["nothing to change: the hub already matches the file"]
    assert board(config) == first


def test_a_changed_file_changes_only_what_changed(run: Setup, config: Path) -> None:
    run(EVENT)
    before = board(config)
    changed = (
        EVENT.replace('name = "Room B"', 'name = "Room B (west)"\nlocation = "Level 3"')
        .replace("last_hour = 12", "last_hour = 13")
        .replace('label = "Sponsor workshop"', 'label = "Sponsor workshop (full day)"')
    )
    code, out, _ = run(changed)
    assert code == 0
    assert out == [
        'changed room room-b: name "Room B" → "Room B (west)"; location none → "Level 3"',
        "added slots on 2027-05-15: 12:00",
        'relabelled block room-b 2027-05-15 10:00: "Sponsor workshop" → '
        '"Sponsor workshop (full day)"',
        "made 3 changes",
    ]
    after = board(config)
    assert after.event == before.event
    assert after.rooms == [
        ("room-a", "Room A", 40, None, 0),
        ("room-b", "Room B (west)", None, "Level 3", 1),
    ]
    assert after.audit == before.audit + 3
    assert run(changed)[1] == ["nothing to change: the hub already matches the file"]


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(run: Setup, config: Path) -> None:
    code, out, _ = run(EVENT, "--dry-run")
    assert code == 0
    assert out[0] == 'would create the event "Test Open Spaces" (America/New_York)'
    assert out[-1] == "would make 5 changes"
    database = open_database(config.read_text().split('"')[1])
    try:
        with database.transaction() as db:
            assert repo.find_event(db) is None
            assert list_entries(db) == []
    finally:
        database.dispose()
    run(EVENT)
    before = board(config)
    code, out, _ = run(EVENT.replace("America/New_York", "America/Chicago"), "--dry-run")
    assert out == [
        'would change the event: timezone "America/New_York" → "America/Chicago"; '
        "slots keep their local times",
        "would make 1 change",
    ]
    assert board(config) == before


def test_a_new_time_zone_keeps_local_hours(run: Setup, config: Path) -> None:
    run(EVENT)
    code, out, _ = run(EVENT.replace("America/New_York", "Europe/Berlin"))
    assert (code, len(out)) == (0, 2)
    assert board(config).slots == ["05-15 09:00", "05-15 10:00", "05-15 11:00"]
    assert run(EVENT.replace("America/New_York", "Europe/Berlin"))[1][-1].startswith("nothing")


DROPPED = (
    EVENT.replace('[[rooms]]\nid = "room-b"\nname = "Room B"\n\n', "")
    .replace("last_hour = 12", "last_hour = 11")
    .split("[[blocks]]")[0]
)


def test_removals_are_noted_and_only_pruned_when_asked(run: Setup, config: Path) -> None:
    run(EVENT)
    code, out, _ = run(DROPPED)
    assert out == [
        'removed block room-b 2027-05-15 10:00 "Sponsor workshop" (not in the file)',
        "note: room room-b is not in the file; kept (--prune removes it)",
        "note: 2027-05-15 11:00: not in the file; kept (--prune removes them)",
        "made 1 change",
    ]
    assert board(config).slots == ["05-15 09:00", "05-15 10:00", "05-15 11:00"]
    code, out, _ = run(DROPPED, "--prune")
    assert code == 0
    assert out == [
        "removed slots on 2027-05-15: 11:00 (not in the file)",
        "removed room room-b (not in the file)",
        "made 2 changes",
    ]
    after = board(config)
    assert [room[0] for room in after.rooms] == ["room-a"]
    assert after.slots == ["05-15 09:00", "05-15 10:00"]


def test_pruning_a_room_takes_its_file_blocks_first(run: Setup, config: Path) -> None:
    run(EVENT)
    code, out, err = run(DROPPED, "--prune")
    assert (code, err) == (0, "")
    assert out == [
        'removed block room-b 2027-05-15 10:00 "Sponsor workshop" (not in the file)',
        "removed slots on 2027-05-15: 11:00 (not in the file)",
        "removed room room-b (not in the file)",
        "made 3 changes",
    ]
    assert board(config).blocks == []


def test_rooms_and_hours_with_sessions_are_never_pruned(run: Setup, config: Path) -> None:
    run(EVENT)
    add_card(config, "room-b", "05-15 11:00", "Maker projects")
    code, out, _ = run(DROPPED, "--prune")
    assert code == 0
    assert "note: room room-b is not in the file; kept: it holds sessions" in out
    assert "note: 2027-05-15 11:00: not in the file; kept: they hold sessions" in out
    assert board(config).slots == ["05-15 09:00", "05-15 10:00", "05-15 11:00"]


def test_blocks_leave_cards_imports_and_hand_made_blocks_alone(run: Setup, config: Path) -> None:
    run(EVENT)
    add_card(config, "room-a", "05-15 09:00", "Maker projects")
    database = open_database(config.read_text().split('"')[1])
    try:
        with database.transaction() as db:
            slots = repo.list_slots(db)
            repo.block_slot(db, "room-a", slots[1].id, "Keynote", source="program")
            repo.block_slot(db, "room-a", slots[2].id, "Catering")
    finally:
        database.dispose()
    more = EVENT + "".join(
        f'\n[[blocks]]\nroom = "room-a"\nslot = "2027-05-15 {hour}:00"\nlabel = "Setup block"\n'
        for hour in ("09", "10", "11")
    )
    code, out, _ = run(more)
    assert code == 0
    assert out == [
        'relabelled block room-a 2027-05-15 11:00: "Catering" → "Setup block"',
        'note: block room-a 2027-05-15 09:00 not added: the slot holds the card "Maker projects"',
        'note: block room-a 2027-05-15 10:00 left as the programme import made it: "Keynote"',
        "made 1 change",
    ]
    assert run(more)[1][-1] == "nothing to change: the hub already matches the file"
    assert ("room-a", "05-15 10:00", "Keynote", "program") in board(config).blocks


def test_the_example_file_applies_and_documents_every_key(run: Setup, config: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    code, out, _ = run(text)
    assert code == 0
    assert out[-1] == "made 7 changes"
    assert run(text)[1] == ["nothing to change: the hub already matches the file"]
    for model in (EventSection, DaySection, RoomSection, BlockSection):
        for key in model.model_fields:
            assert re.search(rf"^{key} = ", text, re.MULTILINE), f"{key} is not in the example"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("capacity = 40", 'capacity = "forty"'),
            "event.toml, line 13: rooms[0].capacity: Input should be a valid integer",
        ),
        (
            ('name = "Room B"', 'name = "Room B"\ncolour = "blue"'),
            "event.toml, line 18: rooms[1].colour: not a key the event file knows",
        ),
        (
            ("America/New_York", "Mars/Olympus_Mons"),
            "event.toml, line 3: event.timezone: unknown time zone 'Mars/Olympus_Mons'",
        ),
        (
            ("last_hour = 12", "last_hour = 9"),
            "event.toml, line 5: days[0]: first_hour (9) must be before last_hour (9)",
        ),
        (
            ("first_hour = 9", "first_hour = 25"),
            "event.toml, line 7: days[0].first_hour: Input should be less than or equal to 23",
        ),
        (
            ("hour = 10", "hour = 14"),
            "event.toml, line 22: blocks[0].hour: 2027-05-15 14:00 is not a slot of a [[days]]",
        ),
        (
            ('room = "room-b"', 'room = "room-z"'),
            "event.toml, line 20: blocks[0].room: no room 'room-z' in [[rooms]]",
        ),
        (
            ('id = "room-a"', 'id = "room a/1"'),
            "event.toml, line 11: rooms[0].id: room id 'room a/1' must be 1-64 letters",
        ),
        (
            ('name = "Test Open Spaces"', 'name = "Test" "Open"'),
            "event.toml, line 2: name: Expected newline or end of document after a statement",
        ),
        (
            ("[event]", "[[days]]\ndate = 2027-05-15\nfirst_hour = 13\nlast_hour = 14\n\n[event]"),
            "event.toml, line 11: days[1].date: 2027-05-15 is listed twice",
        ),
        (
            ('[event]\nname = "Test Open Spaces"\n', "[event]\n"),
            "event.toml, line 1: event.name: Field required",
        ),
    ],
)
def test_a_bad_file_names_file_line_and_key(
    run: Setup, change: tuple[str, str], message: str
) -> None:
    code, out, err = run(EVENT.replace(*change))
    assert code == 2
    assert out == []
    assert message in err, err
    assert "Traceback" not in err


def test_a_missing_event_file_is_named(
    run: Setup, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = config.parent / "nope.toml"
    assert main(["hub", "setup", "--config", str(config), "--event", str(missing)]) == 2
    assert f"{missing}: -: cannot read: No such file or directory" in capsys.readouterr().err
