"""The engine's state of a process instance, encrypted at rest (`rathaus.core.envelope`): it
holds the application's data and what clerks entered, so it is personal data. Each instance
has its own data key, wrapped with the key-encryption key of its case's municipality; the
state is compressed (zlib) and then encrypted with AES-256-GCM, bound to the instance's id.
A state written before encryption (the `state` column) is still read, and encrypted at the
instance's next step. `data_keys_rewrap` moves the data keys to a rotated KEK."""

import zlib
from typing import Any

from rathaus.core.envelope import DataKey, aad_for
from rathaus.municipalities.configuration import kek_for
from rathaus.municipalities.kek import rows_rewrap

from .models import ProcessInstance

# The fields `state_seal` changes (for `save(update_fields=…)`).
STATE_FIELDS = ["state", "state_encrypted", "data_key_wrapped"]


def _aad(instance: ProcessInstance) -> bytes:
    return aad_for("process_instance", instance.pk, "state")


def state_open(instance: ProcessInstance, *, municipality: Any) -> str:
    """The engine's JSON state of `instance` (its case's `municipality` holds the KEK)."""
    if not instance.data_key_wrapped:
        return instance.state
    key = DataKey.unwrapped(kek_for(municipality=municipality), instance.data_key_wrapped)
    return zlib.decompress(key.decrypt(bytes(instance.state_encrypted), aad=_aad(instance))).decode(
        "utf-8"
    )


def state_seal(instance: ProcessInstance, state: str, *, municipality: Any) -> None:
    """Put the engine's JSON `state` into `instance`, encrypted (not saved; STATE_FIELDS)."""
    kek = kek_for(municipality=municipality)
    key = (
        DataKey.unwrapped(kek, instance.data_key_wrapped)
        if instance.data_key_wrapped
        else DataKey.new(kek)
    )
    instance.data_key_wrapped = key.wrapped
    instance.state_encrypted = key.encrypt(zlib.compress(state.encode("utf-8")), aad=_aad(instance))
    instance.state = ""


def data_keys_rewrap(*, municipality: Any, batch: int = 500) -> int:
    """Wrap the data keys of the municipality's process instances with its current KEK (after
    `kek_rotate`); the encrypted states stay as they are. How many were re-wrapped."""
    rows = ProcessInstance.objects.filter(case__municipality=municipality).exclude(
        data_key_wrapped=""
    )
    return rows_rewrap(rows, kek_for(municipality=municipality), batch)
