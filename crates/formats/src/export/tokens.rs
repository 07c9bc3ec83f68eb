//! Tokens for token-based formats (CoNLL, spaCy): words and punctuation, split at every
//! annotation boundary so spans always align to tokens.
