"""The Japanese text pipeline: normalisation, tokenizing with compounds whole, negation-aware terms.

    from issuemine.text import normalize, Normalizer, JapaneseTokenizer, Token, term_table, kwic

Light to import (fugashi is loaded when a tokenizer is first used; pandas only by term_table / kwic).
See docs/text.md for the choices and why.
"""

from issuemine.text.concordance import kwic, term_table
from issuemine.text.normalize import Normalizer, normalize
from issuemine.text.tokenizer import JapaneseTokenizer, Token

__all__ = ["normalize", "Normalizer", "JapaneseTokenizer", "Token", "term_table", "kwic"]
