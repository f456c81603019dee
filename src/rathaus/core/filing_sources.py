"""The shape in which an app hands the documents of a case to the E-Akte (`rathaus.records`):
`applications` (the submission's data, proofs and receipt) and `mailbox` (the messages about
the case, their attachments and receipts) each offer a function returning `FilingSource`s;
the records file what they have not filed yet, recognised by `key`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FilingSource:
    # Stable and unique across the installation, e.g. "applications.attachment:<uuid>".
    key: str
    title: str
    kind: str  # "incoming", "outgoing" or "note" (records.Document.Kind)
    file_name: str
    content_type: str
    read: Callable[[], bytes]  # the content, read only when it is filed
    document_date: dt.date | None = None
    sender: str = ""
    recipient: str = ""
    keywords: tuple[str, ...] = ()
