from rathaus.portal.alphabet import OTHER, collation_key, group_by_initial, initial, letter_index


def test_umlauts_and_sharp_s_sort_like_their_base_letters():
    words = ["Zulassung", "Änderung", "Abmeldung", "Straße", "Strasse B", "über", "Ummeldung"]
    assert sorted(words, key=collation_key) == [
        "Abmeldung",
        "Änderung",
        "Straße",
        "Strasse B",
        "über",
        "Ummeldung",
        "Zulassung",
    ]
    assert initial("Änderung") == "A"
    assert initial("öffentliche Straße") == "O"
    assert initial("§ 34 Bescheinigung") == OTHER
    assert initial("112 Notruf") == OTHER


def test_groups_are_ordered_with_other_characters_last():
    groups = group_by_initial(["Hund", "3D-Druck", "Ausweis", "Änderung", "hupen"], key=str)
    assert [(g.letter, g.items) for g in groups] == [
        ("A", ["Änderung", "Ausweis"]),
        ("H", ["Hund", "hupen"]),
        (OTHER, ["3D-Druck"]),
    ]
    assert groups[0].anchor == "buchstabe-a"
    assert groups[-1].anchor == "buchstabe-0"


def test_letter_index_marks_empty_letters():
    index = letter_index(group_by_initial(["Hund", "Ausweis"], key=str))
    assert len(index) == 26
    present = [entry.letter for entry in index if entry.present]
    assert present == ["A", "H"]
    assert index[1].anchor == ""
    assert letter_index(group_by_initial(["1", "A"], key=str))[-1].letter == OTHER
