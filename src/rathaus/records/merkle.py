"""Merkle trees as RFC 6962 (Certificate Transparency) defines them, with inclusion proofs
(RFC 6962 §2.1.1, verification as RFC 9162 §2.1.3.2). Pure functions over bytes.

- A leaf's hash is SHA-256(0x00 ‖ data), an inner node's SHA-256(0x01 ‖ left ‖ right): a leaf
  can never pass for a node.
- The tree of n > 1 leaves splits at k, the largest power of two smaller than n; the empty
  tree's hash is SHA-256 of nothing.
"""

import hashlib
from collections.abc import Sequence


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (MTH) of the leaf hashes `leaves`."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    # Bottom-up pairing gives RFC 6962's tree: a last odd node is carried up unchanged.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path (RFC 6962 PATH) of leaf `index` among the leaf hashes `leaves`."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} not in a tree of {len(leaves)}")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), tree_root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), tree_root(leaves[:k])]


def inclusion_verify(
    *, leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows the leaf hash `leaf` at `index` in the tree of `size` leaves
    with hash `root` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            node = node_hash(sibling, node)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == root
