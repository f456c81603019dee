"""xdomea: offer, evaluate, transfer and hand over records (a pure library, no models).

Supported versions: 2.3.0, 2.4.0, 3.0.0, 3.1.0 are read; 3.1.0 (default), 3.0.0 and 2.4.0
are written. See docs/xdomea.md.

    build      offer_0501, evaluation_0502, transfer_0503, offer_receipt_0504,
               evaluation_receipt_0505, transfer_import_0506, transfer_receipt_0507,
               handover_0401, handover_import_0402, handover_receipt_0403
    parse      parse, parse_container
    container  write_container, read_container, primary_file_name
    validation validate, schema_directory
"""

from .build import (
    evaluation_0502,
    evaluation_receipt_0505,
    handover_0401,
    handover_import_0402,
    handover_receipt_0403,
    offer_0501,
    offer_receipt_0504,
    transfer_0503,
    transfer_import_0506,
    transfer_receipt_0507,
)
from .container import (
    ContainerContents,
    ContainerLimits,
    WrittenContainer,
    primary_file_name,
    read_container,
    write_container,
)
from .errors import ContainerInvalid, Problem, SchemaUnavailable, Unrepresentable, XdomeaInvalid
from .parse import parse, parse_container
from .types import (
    Address,
    ArchiveRule,
    CaseRecord,
    Confidentiality,
    Confirmation,
    DocumentKind,
    DocumentRecord,
    DocumentVersionRecord,
    Evaluation,
    EvaluationList,
    FileRecord,
    Header,
    Message,
    ObjectResult,
    Offer,
    Party,
    PrimaryDocument,
    Transfer,
)
from .validation import Validated, schema_directory, validate
from .versions import DEFAULT_VERSION, PRODUCIBLE_VERSIONS, SUPPORTED_VERSIONS

__all__ = [
    "DEFAULT_VERSION",
    "PRODUCIBLE_VERSIONS",
    "SUPPORTED_VERSIONS",
    "Address",
    "ArchiveRule",
    "CaseRecord",
    "Confidentiality",
    "Confirmation",
    "ContainerContents",
    "ContainerInvalid",
    "ContainerLimits",
    "DocumentKind",
    "DocumentRecord",
    "DocumentVersionRecord",
    "Evaluation",
    "EvaluationList",
    "FileRecord",
    "Header",
    "Message",
    "ObjectResult",
    "Offer",
    "Party",
    "PrimaryDocument",
    "Problem",
    "SchemaUnavailable",
    "Transfer",
    "Unrepresentable",
    "Validated",
    "WrittenContainer",
    "XdomeaInvalid",
    "evaluation_0502",
    "evaluation_receipt_0505",
    "handover_0401",
    "handover_import_0402",
    "handover_receipt_0403",
    "offer_0501",
    "offer_receipt_0504",
    "parse",
    "parse_container",
    "primary_file_name",
    "read_container",
    "schema_directory",
    "transfer_0503",
    "transfer_import_0506",
    "transfer_receipt_0507",
    "validate",
    "write_container",
]
