"""What the catalogue search indexes for a service, per language and field."""

from collections.abc import Iterable

from rathaus.catalog.models import Service
from rathaus.catalog.search.analysis import ANALYZERS
from rathaus.catalog.search.base import IndexDocument


def _field_texts(service: Service, language: str) -> tuple[str, ...] | None:
    """Raw text per field (name, synonyms, summary, description), or None if the service
    has no text in `language`."""
    situations = list(service.life_situations.all())
    if language == "de":
        name, summary, description = service.name_de, service.summary_de, service.description_de
        situation_names = [s.name_de for s in situations]
    else:
        name = getattr(service, f"name_{language}", "")
        summary = getattr(service, f"summary_{language}", "")
        description = getattr(service, f"description_{language}", "")
        if not (name or summary or description):
            return None
        situation_names = [getattr(s, f"name_{language}", "") for s in situations]
    # Keywords and synonyms are not translated; they help in every language's document.
    synonyms = f"{service.synonyms}, {service.keywords}"
    summary = "\n".join([summary, *situation_names])
    return (name or service.name_de, synonyms, summary, description)


def service_documents(services: Iterable[Service]) -> list[IndexDocument]:
    """Index documents for `services` (prefetch `life_situations` to avoid a query each)."""
    documents = []
    for service in services:
        for language, analyzer in ANALYZERS.items():
            texts = _field_texts(service, language)
            if texts is None:
                continue
            documents.append(
                IndexDocument(
                    service_id=service.pk,
                    language=language,
                    sort_key=" ".join(analyzer.tokens(texts[0])),
                    texts=tuple(" ".join(analyzer.words(text)) for text in texts),
                )
            )
    return documents
