use claimdesk_suggest::{find_mentions, Fold};

fn names(list: &[&[&str]]) -> Vec<Vec<String>> {
    list.iter()
        .map(|n| n.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn texts(text: &str, entities: &[&[&str]], fold: Fold) -> Vec<(String, usize)> {
    find_mentions(text, &names(entities), fold)
        .iter()
        .map(|m| (m.span.slice(text).to_string(), m.entity))
        .collect()
}

#[test]
fn longest_match_wins_over_a_shorter_alias() {
    let text = "Tammy Bruce spoke. Later Bruce added a line.";
    let found = texts(text, &[&["Bruce"], &["Tammy Bruce"]], Fold::Case);
    assert_eq!(
        found,
        [("Tammy Bruce".to_string(), 1), ("Bruce".to_string(), 0)]
    );
}

#[test]
fn only_whole_words_match() {
    let text = "Bruceton is not Bruce, nor is Bruce's dog; Bruce-Smith is.";
    let found = texts(text, &[&["Bruce"]], Fold::Case);
    let spans: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
    // "Bruce's" and "Bruce-Smith" contain the whole word; "Bruceton" does not.
    assert_eq!(spans, ["Bruce", "Bruce", "Bruce"]);
}

#[test]
fn aliases_point_to_their_entity() {
    let text = "The United Nations met. The UN said little.";
    let found = texts(text, &[&["Kyiv"], &["United Nations", "UN"]], Fold::None);
    assert_eq!(
        found,
        [("United Nations".to_string(), 1), ("UN".to_string(), 1)]
    );
}

#[test]
fn case_folding_is_optional() {
    let text = "ERDOĞAN met Erdoğan's aides.";
    assert_eq!(texts(text, &[&["Erdoğan"]], Fold::None).len(), 1);
    assert_eq!(texts(text, &[&["Erdoğan"]], Fold::Case).len(), 2);
}

#[test]
fn diacritics_fold_in_precomposed_and_decomposed_text() {
    let text = "Erdoğan and Erdog\u{306}an and ERDOGAN and Łódź";
    let found = texts(text, &[&["erdogan"], &["Lodz"]], Fold::CaseAndDiacritics);
    let spans: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(spans, ["Erdoğan", "Erdog\u{306}an", "ERDOGAN", "Łódź"]);
    assert!(texts(text, &[&["erdogan"]], Fold::Case).len() == 1);
}

#[test]
fn a_name_does_not_match_before_a_combining_mark() {
    // "Jose" followed by a combining acute is "José": a different word.
    assert!(texts("Jose\u{301} spoke.", &[&["Jose"]], Fold::Case).is_empty());
}

#[test]
fn whitespace_runs_and_line_breaks_match_a_space() {
    let text = "Tammy\r\n  Bruce spoke.";
    let found = texts(text, &[&["Tammy Bruce"]], Fold::Case);
    assert_eq!(found, [("Tammy\r\n  Bruce".to_string(), 0)]);
}

#[test]
fn mentions_never_overlap_and_empty_names_are_ignored() {
    let text = "New York New York";
    let found = find_mentions(
        text,
        &names(&[
            &["", " "],
            &["New York New"],
            &["York New York"],
            &["New York"],
        ]),
        Fold::Case,
    );
    for pair in found.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start);
    }
    let spans: Vec<&str> = found.iter().map(|m| m.span.slice(text)).collect();
    assert_eq!(spans, ["York New York"]);
}
