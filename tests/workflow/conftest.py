import pytest
from django.utils import translation

# Modules whose tests assert the English wording of the model check, DMN/FEEL and timer
# messages (the msgids). The messages come out in the active language, German by default;
# tests/workflow/test_check_language.py asserts the German ones.
ENGLISH_MESSAGE_MODULES = frozenset(
    {"test_bpmn_check", "test_dmn", "test_timers", "test_task_forms"}
)


@pytest.fixture(autouse=True)
def _check_messages_in_english(request):
    if request.module.__name__.rpartition(".")[2] not in ENGLISH_MESSAGE_MODULES:
        yield
        return
    with translation.override("en"):
        yield
