"""Sentence precision and recall of trafilatura's main-text extraction on Claimdesk's news pages.

The pages and their gold texts are crates/formats/tests/fixtures/news-html/*.html and *.txt;
Claimdesk's own figures come from `cargo test -p claimdesk-formats --test news_html`, which
scores its extraction with the same rule as here:

- sentences: text split at newlines and after . ! ? followed by whitespace, whitespace collapsed,
  blanks dropped;
- precision: share of extracted sentences found in the gold text, recall: share of gold sentences
  found in the extraction, both counted as multisets and pooled over all pages.

Run (trafilatura is not in requirements.txt: with lxml 6 it also needs lxml_html_clean):

    python3 -m venv /tmp/traf && /tmp/traf/bin/pip install trafilatura lxml_html_clean
    /tmp/traf/bin/python tests/interop/compare_html_extraction.py
"""

import re
import sys
from collections import Counter
from pathlib import Path

import trafilatura

PAGES = Path(__file__).resolve().parents[2] / "crates/formats/tests/fixtures/news-html"


def sentences(text):
    out = []
    for line in text.split("\n"):
        for piece in re.split(r"(?<=[.!?])\s+", line):
            piece = " ".join(piece.split())
            if piece:
                out.append(piece)
    return Counter(out)


def score(pairs):
    hit = extracted = gold = 0
    for got, want in pairs:
        got, want = sentences(got), sentences(want)
        hit += sum((got & want).values())
        extracted += sum(got.values())
        gold += sum(want.values())
    return hit / max(extracted, 1), hit / max(gold, 1)


def main():
    plain, titled = [], []
    for page in sorted(PAGES.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        gold = page.with_suffix(".txt").read_text(encoding="utf-8")
        text = trafilatura.extract(html) or ""
        title = trafilatura.extract_metadata(html).title or ""
        plain.append((text, gold))
        titled.append((f"{title}\n\n{text}", gold))
        p, r = score([(text, gold)])
        tp, tr = score([(f"{title}\n\n{text}", gold)])
        print(f"{page.name:32} default P={p:.3f} R={r:.3f}   with title P={tp:.3f} R={tr:.3f}")
    p, r = score(plain)
    tp, tr = score(titled)
    print(f"{'all pages':32} default P={p:.3f} R={r:.3f}   with title P={tp:.3f} R={tr:.3f}")
    print(f"trafilatura {trafilatura.__version__}")


if __name__ == "__main__":
    sys.exit(main())
