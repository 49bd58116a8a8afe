"""Sentence segmentation: the Golden Rules plus news patterns."""

from __future__ import annotations

import json

import pysbd
import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.article import read_article
from pipeline.segment import WORD_CHAR, segment_article, split_sentences

from .paths import BBC, GOLDEN_RULES, SEED

GOLDEN = json.loads(GOLDEN_RULES.read_text()) if GOLDEN_RULES.exists() else []


@pytest.mark.shared
@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: f"{c['id']}-{c['rule'][:30]}")
def test_golden_rules(case):
    assert split_sentences(case["text"]) == case["expected"]


@pytest.mark.shared
def test_no_regression_against_plain_pysbd():
    seg = pysbd.Segmenter(language="en", clean=False)
    pysbd_right = [c for c in GOLDEN if [s.strip() for s in seg.segment(c["text"])] == c["expected"]]
    assert len(pysbd_right) >= 47
    assert all(split_sentences(c["text"]) == c["expected"] for c in pysbd_right)


NEWS = [
    ("Joint Operations Command spokesman Maj. Gen. Tahseen al-Khafaji told Diyaruna.",
     ["Joint Operations Command spokesman Maj. Gen. Tahseen al-Khafaji told Diyaruna."]),
    ("Lt. Col. John Smith said the U.S. and the U.N. agreed. George W. Bush spoke at 10 a.m. on Monday.",
     ["Lt. Col. John Smith said the U.S. and the U.N. agreed.",
      "George W. Bush spoke at 10 a.m. on Monday."]),
    ("These sorties can cost $250,000 per day. The deal was worth $1.5 billion, up 4.5% on the year.",
     ["These sorties can cost $250,000 per day.",
      "The deal was worth $1.5 billion, up 4.5% on the year."]),
    ('"We will win," he said. "It is over." The crowd cheered.',
     ['"We will win," he said.', '"It is over."', "The crowd cheered."]),
    ("Dr. Ali met Gov. Smith and Sen. Jones. They spoke for an hour... Then they left.",
     ["Dr. Ali met Gov. Smith and Sen. Jones.", "They spoke for an hour...", "Then they left."]),
    ("The meeting ends at 5 p.m. The next one starts Tuesday.",
     ["The meeting ends at 5 p.m.", "The next one starts Tuesday."]),
    ("At 6 a.m. Iraqi troops entered the town. Fighting followed.",
     ["At 6 a.m. Iraqi troops entered the town.", "Fighting followed."]),
    ("Rep. Nancy Pelosi and Brig. Gen. Mark Kimmitt met Sgt. Maj. Lee at St. Paul's. It rained.",
     ["Rep. Nancy Pelosi and Brig. Gen. Mark Kimmitt met Sgt. Maj. Lee at St. Paul's.", "It rained."]),
    ("The firm, Barclays plc., said profits rose. Others fell.",
     ["The firm, Barclays plc., said profits rose.", "Others fell."]),
    ("Talks began at No. 10 Downing Street. They ended.",
     ["Talks began at No. 10 Downing Street.", "They ended."]),
    ("He said: \"We are ready.\" She disagreed.", ['He said: "We are ready."', "She disagreed."]),
    ("It cost 1.5bn euros ($1.9bn; £1bn). Analysts said so.",
     ["It cost 1.5bn euros ($1.9bn; £1bn).", "Analysts said so."]),
    ("BAGHDAD (AFP) - Iraqi forces said on Monday they had retaken the town. More follows.",
     ["BAGHDAD (AFP) - Iraqi forces said on Monday they had retaken the town.", "More follows."]),
    ("The Sept. 11 attacks changed everything. Nothing was the same.",
     ["The Sept. 11 attacks changed everything.", "Nothing was the same."]),
    # Quotations running over several sentences, wire style (BBC corpus): each
    # sentence reopens the quotation, only the last closes it.
    ('"Listing would be one option, but no decisions have been made on that issue yet. '
     '"We want to be in the best financial health, Manchester United have been a success."',
     ['"Listing would be one option, but no decisions have been made on that issue yet.',
      '"We want to be in the best financial health, Manchester United have been a success."']),
    ('Senior business manager Jon Walton said: "It has been phenomenal - absolutely mobbed. '
     '"Every week footfall has been showing strong growth." Regent Street was busy too.',
     ['Senior business manager Jon Walton said: "It has been phenomenal - absolutely mobbed.',
      '"Every week footfall has been showing strong growth."', "Regent Street was busy too."]),
    ('Glen Wood asks; "Who is going to fund the pension fund for the next generation? '
     '"Who is going to build the economy?"',
     ['Glen Wood asks; "Who is going to fund the pension fund for the next generation?',
      '"Who is going to build the economy?"']),
    ('The statement read: "The board has received a detailed proposal. '
     '"A further announcement will be made in due course. "We thank shareholders."',
     ['The statement read: "The board has received a detailed proposal.',
      '"A further announcement will be made in due course.', '"We thank shareholders."']),
    # A stray closing quote (a typo in the corpus) stays with its sentence.
    ('It also brought out new models. "In 2004, our company gained momentum," said Bill Ford."',
     ["It also brought out new models.", '"In 2004, our company gained momentum," said Bill Ford."']),
]


@pytest.mark.parametrize("text, expected", NEWS, ids=[t[:25] for t, _ in NEWS])
def test_news_patterns(text, expected):
    assert split_sentences(text) == expected


def test_whitespace_is_normalised_and_empty_is_empty():
    assert split_sentences("  One.\n  Two.  ") == ["One.", "Two."]
    assert split_sentences("   ") == []


def test_long_paragraph_is_split_quickly():
    text = " ".join(f"Sentence number {i} says that prices rose by {i}.5% in Jan. and Feb. combined."
                    for i in range(400))
    out = split_sentences(text)
    assert len(out) == 400
    assert out[7] == "Sentence number 7 says that prices rose by 7.5% in Jan. and Feb. combined."


def test_seed_segments():
    segs = segment_article(read_article(SEED))
    sources = [s.source for s in segs]
    whole = {s.role: s.source for s in segs if s.role in ("headline", "byline", "credit")}
    assert whole == {"headline": "Coalition helps Iraq sustain anti-ISIS fight: officials",
                     "byline": "By Hassan al-Obaidi in Baghdad", "credit": "Ahmad al-Rubaye/AFP"}
    assert any("Maj. Gen. Tahseen al-Khafaji told Diyaruna." in s for s in sources)
    assert not any(s.endswith(("Maj.", "Gen.")) for s in sources)
    assert "These sorties can cost $250,000 per day, al-Khafaji noted, even without factoring in " \
           "the cost of ammunition and missiles." in sources
    assert len(segs) == 28


def test_number_closing_a_sentence_is_not_a_list_item():
    # pySBD reads "18." as a list number and splits "aged 16 to" / "18. These ...".
    text = ('Half the qualifications were achieved by learners aged 16 to 18. These are defined as '
            '"adults" by the government. Normally adults are defined as being aged over 19. The number rose.')
    assert split_sentences(text) == [
        "Half the qualifications were achieved by learners aged 16 to 18.",
        'These are defined as "adults" by the government.',
        "Normally adults are defined as being aged over 19.",
        "The number rose."]


# ---------------------------------------------------------------- no segment without a word

_WORDS = st.sampled_from(["The", "army", "said", "Mr", "Hit", "U.S.", "12", "3.5%", "we", "go",
                          "home", "\u0627\u0644\u062c\u064a\u0634", "Kurd\u00ee", "e.g.", "No."])
_MARKS = st.sampled_from(['"', "'", ".", "?", "!", ",", ":", ";", "-", "(", ")", "...", "\u201c",
                          "\u201d", "*", "--", '."', '"', '. "', "? \"", ' "'])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORDS, _MARKS), min_size=1, max_size=30),
       st.lists(st.sampled_from([" ", "", "  "]), min_size=30, max_size=30))
def test_no_segment_without_a_letter_or_digit(tokens, gaps):
    text = "".join(t + g for t, g in zip(tokens, gaps))
    sentences = split_sentences(text)
    assert all(WORD_CHAR.search(s) for s in sentences), sentences
    # Nothing is lost: every letter and digit is in some sentence, in order.
    assert "".join(WORD_CHAR.findall(" ".join(sentences))) == "".join(WORD_CHAR.findall(text))


def test_a_block_of_punctuation_alone_gives_no_segment(tmp_path):
    path = tmp_path / "sep.txt"
    path.write_text("A headline\n\nFirst part of the story.\n\n* * *\n\nSecond part.\n", encoding="utf-8")
    sources = [s.source for s in segment_article(read_article(path))]
    assert sources == ["A headline", "First part of the story.", "Second part."]


@pytest.mark.slow
@pytest.mark.shared
def test_no_bbc_segment_without_a_letter_or_digit():
    articles = sorted(BBC.rglob("*.txt"))
    assert len(articles) == 897
    wordless = [(path.name, s.source) for path in articles for s in segment_article(read_article(path))
                if not WORD_CHAR.search(s.source)]
    assert wordless == []


def test_editions_show_a_block_of_punctuation_as_it_is(tmp_path, runner):
    from pipeline.catalog import load_catalog, save_catalog
    from pipeline.cli import cli
    root = tmp_path / "desk"
    (root / "articles").mkdir(parents=True)
    (root / "articles" / "sep.txt").write_text("A headline\n\nFirst part.\n\n* * *\n\nSecond part.\n",
                                               encoding="utf-8")
    assert runner.invoke(cli, ["--root", str(root), "extract", "--lang", "ku"]).exit_code == 0
    path = root / "locales" / "ku" / "sep.po"
    po = load_catalog(path)
    assert [e.msgid for e in po] == ["A headline", "First part.", "Second part."]
    for e in po:
        e.msgstr = f"KU {e.msgid}"
    save_catalog(po, path)
    result = runner.invoke(cli, ["--root", str(root), "export", "--lang", "ku", "--format", "txt"])
    assert result.exit_code == 0, result.output
    text = (root / "editions" / "ku" / "sep.txt").read_text(encoding="utf-8")
    assert "KU First part.\n\n* * *\n\nKU Second part." in text
