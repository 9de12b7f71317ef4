"""newscrawl.site.seen: bounded memory of what was seen and read."""
from newscrawl.site.seen import Memo


def test_memo_keeps_what_is_used_within_its_bound():
    calls = []
    memo = Memo(lambda k: calls.append(k) or k * 2, size=2)
    assert [memo(1), memo(2), memo(1)] == [2, 4, 2] and calls == [1, 2]
    memo(3)  # young was full: {1, 2} become old
    memo(1)  # found old: young again, not recomputed
    memo(4)  # young {3, 1} full: becomes old, 2 is forgotten
    memo(2)
    assert calls == [1, 2, 3, 4, 2]
    assert len(memo.young) + len(memo.old) <= 4
