from courses.charts import bar_chart


def test_gridlines_are_distinct_whole_numbers_above_the_largest_bar():
    for largest in (0, 1, 2, 3, 7, 13, 48, 120, 999):
        chart = bar_chart([("Jan", largest), ("Feb", 0)], title="Completions")
        values = [value for _, value in chart.ticks]
        assert values == sorted(set(values)), largest
        assert values[-1] >= largest


def test_bars_scale_to_the_values_and_say_so_in_words():
    chart = bar_chart([("Jan 2026", 2), ("Feb 2026", 4)], title="Completions")
    jan, feb = chart.bars
    assert feb.height == 2 * jan.height
    assert chart.summary == (
        "Completions: 6 in all across 2 periods; highest 4 in Feb 2026."
    )
    assert "no data" in bar_chart([], title="Completions").summary


def test_a_percentage_chart_tops_out_at_100():
    chart = bar_chart([("Foundation", 100), ("Refresher", 40)], title="t", top=100)
    assert [label for _, label in chart.ticks] == [0, 25, 50, 75, 100]
    assert chart.bars[0].height == chart.baseline - chart.bars[0].y
    assert round(chart.bars[1].height / chart.bars[0].height, 2) == 0.4
