"""Which stages the course has: exercises/NN-<id>-<slug>/ and solutions/NN-<id>-<slug>.patch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stages import StageError

EXERCISE = re.compile(r"^(?P<number>\d{2})-(?P<id>a\d{2})-(?P<rest>[a-z0-9-]+)$")


@dataclass(frozen=True)
class Stage:
    """One exercise, in teaching order."""

    number: int  # 1-based position in the course
    id: str  # "a01"
    slug: str  # "01-a01-broken-access-control"
    directory: Path  # exercises/<slug>
    solution: Path  # solutions/<slug>.patch (it may not exist yet)

    @property
    def name(self) -> str:
        """How the attendee sees it: "A01"."""
        return self.id.upper()

    @property
    def title(self) -> str:
        return self.slug.split("-", 2)[2].replace("-", " ")

    @property
    def has_solution(self) -> bool:
        return self.solution.is_file()


def discover(root: Path) -> list[Stage]:
    """The stages under root/exercises, in order; numbering must run 01, 02, … without gaps."""
    exercises = root / "exercises"
    found = sorted(p.name for p in exercises.iterdir()
                   if p.is_dir() and EXERCISE.match(p.name)) if exercises.is_dir() else []
    if not found:
        raise StageError(f"no exercises found in {exercises} (expected folders like "
                         "01-a01-broken-access-control)")
    stages = []
    for position, slug in enumerate(found, start=1):
        match = EXERCISE.match(slug)
        assert match is not None
        if int(match["number"]) != position:
            raise StageError(f"exercises/{slug}: expected number {position:02d} (the exercise "
                             "folders must be numbered 01, 02, … without gaps or duplicates)")
        stages.append(Stage(position, match["id"], slug, exercises / slug,
                            root / "solutions" / f"{slug}.patch"))
    if len({stage.id for stage in stages}) != len(stages):
        raise StageError("two exercise folders have the same stage id")
    return stages


def find(stages: list[Stage], name: str) -> Stage:
    """The stage called `name`: "a01", "A01", "1", "01" or its folder name."""
    wanted = name.strip().lower()
    for stage in stages:
        if wanted in (stage.id, stage.slug, f"{stage.number:02d}", str(stage.number)):
            return stage
    known = ", ".join(stage.id for stage in stages)
    raise StageError(f"unknown stage {name!r}: the stages are {known}")
