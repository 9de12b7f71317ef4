"""How labelled values are compared (newscrawl/extract/evaluate.py): what counts as the same."""
from newscrawl.extract.evaluate import same_text


def test_curly_quotes_of_any_language_compare_as_straight_ones():
    """German opens a quote low ("„...“"): the whole pair is curly, as English's is."""
    assert same_text("„Wir dekorieren auf der Titanic die Liegestühle um“", '"Wir dekorieren auf der Titanic die Liegestühle um"')
    assert same_text("‚Nein‘, sagte sie", "'Nein', sagte sie")
    assert same_text("“Quoted” – fine", '"quoted" - fine')
    assert not same_text("«Gute Löhne»", "Gute Löhne")  # guillemets are marks a reader sees, not curly quotes
