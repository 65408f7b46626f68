from core.text import is_real_text, tidy


def test_a_reason_needs_a_few_visible_characters() -> None:
    assert not is_real_text("\u200b")
    assert not is_real_text(" \u200b\u200c\ufeff \t")
    assert not is_real_text("...!!")
    assert not is_real_text("ok")
    assert is_real_text("late")
    assert is_real_text("Клиент")
    assert is_real_text("تأخير")
    assert is_real_text("延期了")


def test_tidy_drops_invisible_characters_and_trims() -> None:
    assert tidy("\u200b  waiting on copy \ufeff") == "waiting on copy"
    assert tidy(None) == ""
