"""Long-term integrity of the records (issue 11 §6, the idea of BSI TR-ESOR): every document
version's hash goes into a daily Merkle tree (RFC 6962, `merkle.py`); the tree's root is
chained to the previous tree and time-stamped (RFC 3161) by the configured TSA — the local
TSA of the embedded default, an external one in production (`rathaus.evidence.timestamps`).

- Leaf of a version: SHA-256(0x00 ‖ "rathaus-records-v1\\n<version id>\\n<content SHA-256>").
- Chain hash of a tree: SHA-256 of "rathaus-records-tree-v1\\n<day>\\n<size>\\n<root>\\n
  <previous chain hash>" (the first tree's previous: 64 zeros); the time-stamp's message
  imprint is the SHA-256 of that chain hash's hex.
- A day's tree takes every version filed until the end of that day (Europe/Berlin) that is
  in no tree yet, in the order they were filed (time, id); it is sealed once the day is over
  (`manage.py records_seal`, daily by Celery beat). A version filed while its day was being
  sealed goes into the next tree.

`tree_verify` recomputes a tree from the versions' hashes in the database and checks its
time-stamp and its link to the previous tree; `version_proof` proves one version: its leaf,
the inclusion proof up to the time-stamped root. A changed hash in the database, a version
taken out or added, or a broken chain are named. `timestamps_renew` adds a new time-stamp
over each tree's chain hash and its last time-stamp before the earlier one's algorithm or
certificate weakens (RFC 4998's idea of time-stamp renewal)."""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from rathaus.evidence.timestamps import timestamp_obtain
from rathaus.evidence.verification import timestamp_verify

from .merkle import inclusion_proof, inclusion_verify, leaf_hash, tree_root
from .models import DocumentVersion, IntegrityRenewal, IntegrityTree, RemovedLeaf

BERLIN = ZoneInfo("Europe/Berlin")
GENESIS = "0" * 64


def leaf_data(version_id: object, sha256: str) -> bytes:
    return f"rathaus-records-v1\n{version_id}\n{sha256}".encode()


def chain_hash(*, day: dt.date, size: int, root: str, previous: str) -> str:
    text = f"rathaus-records-tree-v1\n{day.isoformat()}\n{size}\n{root}\n{previous}"
    return hashlib.sha256(text.encode()).hexdigest()


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=BERLIN)


def _leaves(versions: Sequence[tuple[object, str]]) -> list[bytes]:
    return [leaf_hash(leaf_data(pk, sha256)) for pk, sha256 in versions]


def day_seal(*, day: dt.date) -> IntegrityTree | None:
    """Seal `day` (over in Berlin): the tree of the versions filed until its end and in no
    tree yet; None when there are none or the day is sealed already."""
    if _end_of(day) > timezone.now():
        raise ValueError(f"{day} is not over yet")
    with transaction.atomic():
        last = IntegrityTree.objects.select_for_update().order_by("-day").first()
        if last is not None and last.day >= day:
            return None
        versions = list(
            DocumentVersion.objects.select_for_update()
            .filter(tree__isnull=True, created_at__lt=_end_of(day))
            .order_by("created_at", "pk")
            .values_list("pk", "content__sha256")
        )
        if not versions:
            return None
        root = tree_root(_leaves(versions)).hex()
        previous = last.chain_hash if last is not None else GENESIS
        chained = chain_hash(day=day, size=len(versions), root=root, previous=previous)
        tree = IntegrityTree.objects.create(
            day=day,
            size=len(versions),
            root=root,
            previous=previous,
            chain_hash=chained,
            timestamp=timestamp_obtain(data=chained.encode()),
        )
        for index, (pk, _) in enumerate(versions):
            DocumentVersion.objects.filter(pk=pk).update(tree=tree, tree_index=index)
        return tree


def days_seal(*, until: dt.date | None = None) -> list[IntegrityTree]:
    """Seal every day up to `until` (default: yesterday, Berlin) with versions in no tree."""
    until = until or timezone.localdate(timezone.now(), BERLIN) - dt.timedelta(days=1)
    first = DocumentVersion.objects.filter(tree__isnull=True).order_by("created_at").first()
    if first is None:
        return []
    day = timezone.localtime(first.created_at, BERLIN).date()
    sealed = []
    while day <= until:
        tree = day_seal(day=day)
        if tree is not None:
            sealed.append(tree)
        day += dt.timedelta(days=1)
    return sealed


@dataclass(frozen=True)
class TreeCheck:
    tree: IntegrityTree
    problems: list[str]
    timestamped_at: dt.datetime | None


def _tree_versions(tree: IntegrityTree) -> list[tuple[object, str, int | None]]:
    """The tree's leaves: the versions in the records and those that left them with their
    file (`RemovedLeaf`), in leaf order."""
    kept = DocumentVersion.objects.filter(tree=tree).values_list(
        "pk", "content__sha256", "tree_index"
    )
    removed = RemovedLeaf.objects.filter(tree=tree).values_list(
        "version_id", "sha256", "tree_index"
    )
    return sorted([*kept, *removed], key=lambda leaf: leaf[2] if leaf[2] is not None else -1)


def tree_verify(tree: IntegrityTree, *, previous: IntegrityTree | None) -> TreeCheck:
    """Recompute `tree` from the database and check its time-stamp and chain link."""
    problems = []
    versions = _tree_versions(tree)
    if [index for _, _, index in versions] != list(range(tree.size)):
        problems.append(f"holds {len(versions)} versions, sealed with {tree.size}")
    root = tree_root(_leaves([(pk, sha) for pk, sha, _ in versions])).hex()
    if root != tree.root:
        problems.append("a version's hash differs from the one sealed (root does not match)")
    expected_previous = previous.chain_hash if previous is not None else GENESIS
    if tree.previous != expected_previous:
        problems.append("its link to the previous tree is broken")
    chained = chain_hash(day=tree.day, size=tree.size, root=tree.root, previous=tree.previous)
    if chained != tree.chain_hash:
        problems.append("its chain hash does not match its contents")
    check, at = timestamp_verify(data=tree.chain_hash.encode(), timestamp=bytes(tree.timestamp))
    if not check.passed:
        problems.append(check.message)
    return TreeCheck(tree, problems, at)


def trees_verify() -> list[TreeCheck]:
    """Every tree in order, each checked (see `tree_verify`)."""
    checks, previous = [], None
    for tree in IntegrityTree.objects.order_by("day").iterator():
        checks.append(tree_verify(tree, previous=previous))
        previous = tree
    return checks


@dataclass(frozen=True)
class VersionProof:
    version: DocumentVersion
    tree: IntegrityTree | None
    leaf: str
    path: list[str]
    proven: bool
    timestamped_at: dt.datetime | None
    problem: str


def version_proof(version: DocumentVersion) -> VersionProof:
    """Prove that `version`'s bytes (its SHA-256 in the database, checked against the storage
    by `integrity.records_verify`) existed when its tree was time-stamped."""
    leaf = leaf_hash(leaf_data(version.pk, version.content.sha256))
    tree = version.tree
    if tree is None or version.tree_index is None:
        return VersionProof(version, None, leaf.hex(), [], False, None, "not sealed yet")
    leaves = _leaves([(pk, sha) for pk, sha, _ in _tree_versions(tree)])
    path = inclusion_proof(version.tree_index, leaves) if version.tree_index < len(leaves) else []
    proven = inclusion_verify(
        leaf=leaf,
        index=version.tree_index,
        size=tree.size,
        proof=path,
        root=bytes.fromhex(tree.root),
    )
    check, at = timestamp_verify(data=tree.chain_hash.encode(), timestamp=bytes(tree.timestamp))
    problem = "" if proven else "not in its tree as sealed (its hash was changed)"
    if not check.passed:
        problem = problem or check.message
    return VersionProof(
        version, tree, leaf.hex(), [p.hex() for p in path], proven and check.passed, at, problem
    )


def timestamps_renew() -> int:
    """A new time-stamp for every tree over its chain hash and its newest time-stamp; the
    number renewed."""
    renewed = 0
    for tree in IntegrityTree.objects.order_by("day"):
        newest = tree.renewals.order_by("-created_at").first()
        covered = bytes(newest.timestamp if newest is not None else tree.timestamp)
        data = tree.chain_hash.encode() + hashlib.sha256(covered).hexdigest().encode()
        IntegrityRenewal.objects.create(tree=tree, timestamp=timestamp_obtain(data=data))
        renewed += 1
    return renewed
