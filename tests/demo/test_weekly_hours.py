import datetime as dt

import pytest

from rathaus.demo.data.weekly_hours import weekly_hours


def test_reads_the_notation_of_a_town_hall_notice():
    assert weekly_hours("Mo 07:30–12:30 14:00-16:00; Sa 09:00–12:00") == [
        (0, dt.time(7, 30), dt.time(12, 30)),
        (0, dt.time(14, 0), dt.time(16, 0)),
        (5, dt.time(9, 0), dt.time(12, 0)),
    ]


@pytest.mark.parametrize("spec", ["Xy 08:00–12:00", "Mo", "Mo 08:00"])
def test_refuses_what_it_cannot_read(spec):
    with pytest.raises(ValueError):
        weekly_hours(spec)
