"""A plan's milestones as the member's checklist: each step done, not yet or skipped, with a
note of their own; and that progress carried over to a later version of the plan.

A milestone is named by its key (`catalogue.step_key`), which the plan's content keeps
beside each step: the same step has the same key in every version and language of the
member's plans, whatever day the pace gives it. docs/plans.md, "Milestones as a
checklist", has the decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from advisor.advice.catalogue import step_key, unique_keys
from advisor.plans.models import MilestoneProgress, Plan

Status = MilestoneProgress.Status


@dataclass
class Item:
    """One milestone of the checklist, with the member's progress on it."""

    key: str
    day: int
    text: str
    status: str = Status.TODO
    note: str = ""
    # Why what the member sent could not be saved, shown at the milestone.
    errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status == Status.DONE


def steps(content: Mapping[str, Any] | None, section: str = "milestones") -> list[dict]:
    """A plan section's dated steps (`milestones`, or `plan_b`'s moments to switch), each
    with its key. A plan written before keys were kept gets them from each step's day and
    words: the same every time that plan is read, so its calendar and checklist hold."""
    if not content:
        return []
    found = next((s for s in content.get("sections", []) if s["key"] == section), None)
    if found is None:
        return []
    milestones = found.get("milestones", [])
    if all("key" in m for m in milestones):
        return milestones
    keys = unique_keys([step_key("t", f"{m['day']}|{m['text']}") for m in milestones])
    return [{**m, "key": key} for m, key in zip(milestones, keys, strict=True)]


def items(plan: Plan) -> list[Item]:
    """The plan's milestones in their order, each with the member's progress on it."""
    progress = {p.key: p for p in plan.progress.all()}
    found = []
    for m in steps(plan.content):
        item = Item(m["key"], m["day"], m["text"])
        if (row := progress.get(item.key)) is not None:
            item.status, item.note = row.status, row.note
        found.append(item)
    return found


def record(plan: Plan, key: str, *, status: str, note: str) -> MilestoneProgress:
    """Save the member's progress on one milestone of the plan (the caller checked that
    the plan is theirs and has this milestone). Saving twice is saving once."""
    row, _created = MilestoneProgress.objects.update_or_create(
        plan=plan, key=key, defaults={"status": status, "note": note}
    )
    return row


@dataclass(frozen=True)
class Tally:
    """How far a member has got with a plan's checklist."""

    done: int
    skipped: int
    total: int


def tally(plan_items: Iterable[Item]) -> Tally:
    plan_items = list(plan_items)
    return Tally(
        done=sum(i.status == Status.DONE for i in plan_items),
        skipped=sum(i.status == Status.SKIPPED for i in plan_items),
        total=len(plan_items),
    )


def tallies(plans: Iterable[Plan]) -> dict:
    """{plan id: Tally} for the ready plans among `plans`, in one query (two if some were
    written before plans counted their milestones). A plan read with `milestone_count`
    annotated (KT("content__milestone_count")) need not load its content."""
    ready = [p for p in plans if p.status == Plan.Status.READY]
    counts = {p.pk: getattr(p, "milestone_count", None) for p in ready}
    unknown = [pk for pk, count in counts.items() if count is None]
    if unknown:
        for plan in Plan.objects.filter(pk__in=unknown).only("content"):
            counts[plan.pk] = len(steps(plan.content))
    progress = MilestoneProgress.objects.filter(plan__in=list(counts)).tally()
    return {
        pk: Tally(total=int(total), **progress.get(pk, {"done": 0, "skipped": 0}))
        for pk, total in counts.items()
    }


@transaction.atomic
def carry_over(old_plan: Plan, new_plan: Plan) -> list[str]:
    """Copy the member's progress on `old_plan` to the milestones `new_plan` shares with
    it, and return their keys (in `new_plan`'s order). Both are versions of one member's
    plan; `new_plan` is ready (its content names its milestones).

    A milestone is shared when it has the same key in both (the same step, whatever its
    day or language), or, for a plan written before keys were kept, the same words.
    Progress the member already gave `new_plan` is theirs and stays; a step left at "not
    yet" with no note has nothing to carry. Running it twice carries nothing twice."""
    if old_plan.submission.owner_id != new_plan.submission.owner_id:
        raise ValueError("progress is carried over between one member's plans only")
    if new_plan.status != Plan.Status.READY:
        raise ValueError("the new plan is not written yet: it has no milestones to carry to")
    before = {p.key: p for p in old_plan.progress.all()}
    by_words = {m["text"]: m["key"] for m in steps(old_plan.content)}
    kept = set(new_plan.progress.values_list("key", flat=True))
    rows = []
    for m in steps(new_plan.content):
        found = before.get(m["key"]) or before.get(by_words.get(m["text"], ""))
        if found is None or m["key"] in kept or (found.status == Status.TODO and not found.note):
            continue
        rows.append(
            MilestoneProgress(plan=new_plan, key=m["key"], status=found.status, note=found.note)
        )
    # A concurrent carry (two check-ins at once) loses nothing: the pair is unique.
    MilestoneProgress.objects.bulk_create(rows, ignore_conflicts=True)
    return [row.key for row in rows]
