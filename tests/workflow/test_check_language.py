"""The model check, the timers, FEEL and DMN speak the active language: German by default (the
installation's LANGUAGE_CODE, as in /intern/), English when asked; element ids, tags, file
names and the FEEL text stay as written."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from rathaus.workflow.bpmn import ModelFile, model_check
from rathaus.workflow.dmn import DmnError, FeelError, decision_evaluate, dmn_load, feel_check
from rathaus.workflow.timers import TimerError, duration_parse
from tests.workflow.dmn_tables import table
from tests.workflow.engine_models import CHECK_AND_NOTIFY, DEADLINE, flow, with_diagram

SCRIPT = with_diagram(
    f"""<bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="S"/>
    {flow("f1", "S", "Run")}<bpmn:scriptTask id="Run"/>{flow("f2", "Run", "E")}
    <bpmn:endEvent id="E"/></bpmn:process>"""
)
TWO_MATCHES = table(
    inputs=[("amount", "number")], outputs=[("fee", "number")], rows=[["< 10", "1"], ["< 20", "2"]]
)


def lines(body: bytes) -> list[str]:
    return model_check(bpmn=[ModelFile("skript.bpmn", body)], dmn=[]).lines()


def test_a_refused_element_is_named_in_german_and_in_english_when_asked():
    (german,) = lines(SCRIPT)
    assert german.startswith("skript.bpmn: scriptTask 'Run' (Zeile ")
    assert "Skriptaufgaben werden nicht ausgeführt: Ein hochgeladenes Modell darf keinen" in german
    with translation.override("en"):
        (english,) = lines(SCRIPT)
    assert english.startswith("skript.bpmn: scriptTask 'Run' (line ")
    assert "script tasks are not executed: an uploaded model may not run code" in english
    # The same finding: only the words differ.
    assert german.split(" (Zeile ")[1].split(")")[0] == english.split(" (line ")[1].split(")")[0]


def test_a_refusal_with_placeholders_keeps_the_identifiers():
    body = CHECK_AND_NOTIFY.replace('candidateGroups="team_lead"', 'candidateGroups="Hausmeister"')
    report = model_check(bpmn=[ModelFile("m.bpmn", with_diagram(body))], dmn=[])
    assert any(
        "userTask 'Sign' (Zeile " in line
        and "die Kandidatengruppe 'Hausmeister' nennt keine Rolle der Beschäftigten" in line
        for line in report.lines()
    )


def test_a_timer_error_is_german():
    report = model_check(
        bpmn=[ModelFile("frist.bpmn", with_diagram(DEADLINE.replace("R3/P7D", "0 0 9 * * ?")))],
        dmn=[],
    )
    text = "\n".join(report.lines())
    assert "boundaryEvent 'Reminder' (Zeile " in text
    assert "das Zeitereignis '0 0 9 * * ?' ist nicht in ISO 8601 angegeben" in text
    assert "„0 0 9 * * ?“ ist ein Cron-Ausdruck; Cron-Ausdrücke werden nicht unterstützt" in text
    with pytest.raises(TimerError, match="Bruchteil in der Angabe Stunden"):
        duration_parse("PT1.5H30M")
    with translation.override("en"), pytest.raises(TimerError, match="fraction in its hours"):
        duration_parse("PT1.5H30M")


def test_a_feel_error_is_german_and_quotes_the_expression_as_written():
    with pytest.raises(FeelError) as error:
        feel_check("amount >")
    assert str(error.value) == "„amount >“: unerwartetes „Ende“."
    with pytest.raises(FeelError, match="Die Funktion „launch“ wird nicht unterstützt"):
        feel_check("launch(1)")
    with translation.override("en"), pytest.raises(FeelError, match="unexpected “end”"):
        feel_check("amount >")


def test_a_dmn_error_is_german():
    with pytest.raises(DmnError) as error:
        decision_evaluate(model=dmn_load(TWO_MATCHES), decision="Decision_1", inputs={"amount": 5})
    assert str(error.value) == (
        "Entscheidung 'Decision_1': Trefferrichtlinie UNIQUE, aber mehrere Regeln treffen zu "
        "(Rule_0, Rule_1)."
    )
    broken = table(inputs=[("amount", "number")], outputs=[("fee", "number")], rows=[["<", "1"]])
    with pytest.raises(FeelError, match=r"^Entscheidung 'Decision_1' \(Zeile \d+\), Regel "):
        dmn_load(broken)


def test_bpmn_check_prints_german_unless_asked_for_english(tmp_path):
    path = tmp_path / "skript.bpmn"
    path.write_bytes(SCRIPT)
    out = StringIO()
    with pytest.raises(CommandError, match="abgelehnt: 1 Problem; die Prozess-Engine kann"):
        call_command("bpmn_check", str(path), stdout=out)
    assert "skript.bpmn: scriptTask 'Run' (Zeile " in out.getvalue()
    assert "Skriptaufgaben werden nicht ausgeführt" in out.getvalue()
    out = StringIO()
    with pytest.raises(CommandError, match="refused: 1 problem; the engine cannot"):
        call_command("bpmn_check", str(path), "--language", "en", stdout=out)
    assert "skript.bpmn: scriptTask 'Run' (line " in out.getvalue()
    assert "script tasks are not executed" in out.getvalue()
    good = tmp_path / "antrag.bpmn"
    good.write_bytes(with_diagram(CHECK_AND_NOTIFY))
    out = StringIO()
    call_command("bpmn_check", str(good), stdout=out)
    assert "ausführbar: Prozess 'P'" in out.getvalue()


def test_the_language_of_the_command_does_not_follow_an_active_override(tmp_path):
    """The command's default is the installation's language, whatever is active around it."""
    path = tmp_path / "skript.bpmn"
    path.write_bytes(SCRIPT)
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="abgelehnt"):
        call_command("bpmn_check", str(path), stdout=out)
    assert "(Zeile " in out.getvalue()


def test_dmn_evaluate_reports_in_german_unless_asked_for_english(tmp_path):
    path = tmp_path / "gebuehr.dmn"
    path.write_bytes(TWO_MATCHES)
    with pytest.raises(CommandError, match="Trefferrichtlinie UNIQUE, aber mehrere Regeln"):
        call_command(
            "dmn_evaluate", str(path), "--decision", "Decision_1", "--input", '{"amount": 5}'
        )
    with pytest.raises(CommandError, match="hit policy UNIQUE, but several rules match"):
        call_command(
            "dmn_evaluate",
            str(path),
            "--decision",
            "Decision_1",
            "--input",
            '{"amount": 5}',
            "--language",
            "en",
        )
    out = StringIO()
    call_command(
        "dmn_evaluate",
        str(path),
        "--decision",
        "Decision_1",
        "--input",
        '{"amount": 15}',
        stdout=out,
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == 2
