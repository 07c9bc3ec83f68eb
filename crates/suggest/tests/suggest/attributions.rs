use claimdesk_suggest::{find_attributions, AttributionKind, Rules};

use crate::found;

fn one(text: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let all = found(text);
    assert_eq!(
        all.len(),
        1,
        "expected one attribution in {text:?}, found {all:?}"
    );
    all.into_iter().next().unwrap()
}

fn check(text: &str, content: &[&str], source: &str) {
    let (parts, src, _) = one(text);
    assert_eq!(parts, content, "content of {text:?}");
    assert_eq!(src.as_deref(), Some(source), "source of {text:?}");
}

#[test]
fn curly_quote_before_inverted_cue() {
    check(
        "“We will not back down,” said Maria Lopez.",
        &["“We will not back down,”"],
        "Maria Lopez",
    );
}

#[test]
fn straight_quote_before_noun_phrase_source() {
    check(
        "\"The deal is done for this year,\" the minister said.",
        &["\"The deal is done for this year,\""],
        "the minister",
    );
}

#[test]
fn guillemets_after_colon() {
    check(
        "The mayor said: «We will rebuild the bridge this year.»",
        &["«We will rebuild the bridge this year.»"],
        "The mayor",
    );
}

#[test]
fn low_high_quotes() {
    check(
        "The chancellor said „we will find a solution together“.",
        &["„we will find a solution together“"],
        "The chancellor",
    );
}

#[test]
fn single_quotes_with_an_apostrophe_inside() {
    check(
        "‘We aren’t finished with this yet,’ Jones said.",
        &["‘We aren’t finished with this yet,’"],
        "Jones",
    );
}

#[test]
fn direct_quote_is_direct_and_reported_speech_is_indirect() {
    let text = "“Prices will fall next year,” Ana Ruiz said. Ruiz said prices would fall.";
    let kinds: Vec<AttributionKind> = find_attributions(text, Rules::english())
        .iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(kinds, [AttributionKind::Direct, AttributionKind::Indirect]);
}

#[test]
fn quotation_runs_over_paragraphs_without_closing_mark() {
    let text = "Ana Ruiz said:\n\n“The first thing we did was count the boats.\n\n“Then we counted them again, because nobody believed us.”\n\nThe harbour closed at noon.";
    let (parts, source, _) = one(text);
    assert_eq!(
        parts,
        ["“The first thing we did was count the boats.\n\n“Then we counted them again, because nobody believed us.”"]
    );
    assert_eq!(source.as_deref(), Some("Ana Ruiz"));
}

#[test]
fn quotation_split_by_its_cue_is_one_attribution_in_two_parts() {
    let text = "“One call is not enough to end a war,” Bruce added. “We must take action, and today we did.”";
    let all = find_attributions(text, Rules::english());
    assert_eq!(all.len(), 1);
    let a = &all[0];
    let parts: Vec<&str> = a.parts.iter().map(|p| p.slice(text)).collect();
    assert_eq!(
        parts,
        [
            "“One call is not enough to end a war,”",
            "“We must take action, and today we did.”"
        ]
    );
    // The content span covers both parts and the cue between them.
    assert_eq!(a.content.slice(text), text);
    assert_eq!(a.source.unwrap().slice(text), "Bruce");
    assert_eq!(a.cue.unwrap().slice(text), "added");
}

#[test]
fn quotation_interrupted_mid_sentence() {
    check(
        "“The bridge,” she said, “will open in May.”",
        &["“The bridge,”", "“will open in May.”"],
        "she",
    );
}

#[test]
fn source_said_that_content() {
    check(
        "The senator said that the bill would pass before the summer.",
        &["that the bill would pass before the summer"],
        "The senator",
    );
}

#[test]
fn told_reporters_skips_the_hearers() {
    check(
        "Officials told reporters the plant would close in March.",
        &["the plant would close in March"],
        "Officials",
    );
    check(
        "Lopez told the Daily Courier that taxes would rise.",
        &["that taxes would rise"],
        "Lopez",
    );
}

#[test]
fn content_before_source_and_cue() {
    check(
        "The plant will close in March, a company spokesperson said.",
        &["The plant will close in March"],
        "a company spokesperson",
    );
}

#[test]
fn according_to_before_and_after() {
    check(
        "According to the ministry, prices rose by four percent.",
        &["prices rose by four percent"],
        "the ministry",
    );
    check(
        "Prices rose by four percent, according to the national statistics office.",
        &["Prices rose by four percent"],
        "the national statistics office",
    );
}

#[test]
fn cue_forms_and_tenses() {
    for (text, content, source) in [
        (
            "Greene says the vote was rigged.",
            "the vote was rigged",
            "Greene",
        ),
        (
            "The union has said it will strike.",
            "it will strike",
            "The union",
        ),
        (
            "Residents warned that the river was rising.",
            "that the river was rising",
            "Residents",
        ),
        (
            "The minister insisted the talks were on track.",
            "the talks were on track",
            "The minister",
        ),
        (
            "Mr. Hale denied that he had seen the letter.",
            "that he had seen the letter",
            "Mr. Hale",
        ),
        (
            "Critics argued the plan was too costly.",
            "the plan was too costly",
            "Critics",
        ),
        (
            "The company claimed its product was safe.",
            "its product was safe",
            "The company",
        ),
        (
            "The council said in a statement that the road would reopen.",
            "that the road would reopen",
            "The council",
        ),
    ] {
        check(text, &[content], source);
    }
}

#[test]
fn participle_takes_the_subject_of_the_sentence() {
    check(
        "Russia’s foreign ministry went further on Tuesday, saying Moscow was opposed to the plan.",
        &["Moscow was opposed to the plan"],
        "Russia’s foreign ministry",
    );
}

#[test]
fn apposition_belongs_to_the_source() {
    check(
        "Tammy Bruce, a state department spokesperson, said the channel would stay open.",
        &["the channel would stay open"],
        "Tammy Bruce, a state department spokesperson",
    );
}

#[test]
fn pronouns_and_speaker_nouns_resolve_to_the_earlier_name() {
    let text = "Maria Lopez said the bridge would reopen in May. She added that the budget was balanced. The spokesperson said no tolls were planned.";
    let all = found(text);
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all[1].1.as_deref(), Some("She"));
    assert_eq!(all[1].2.as_deref(), Some("Maria Lopez"));
    assert_eq!(all[2].1.as_deref(), Some("The spokesperson"));
    assert_eq!(all[2].2.as_deref(), Some("Maria Lopez"));
}

#[test]
fn relative_pronoun_resolves_to_the_phrase_before_it() {
    let text = "The report was read by Tom Hale, who said it ignored the data.";
    let all = found(text);
    let hale = all
        .iter()
        .find(|a| a.1.as_deref() == Some("who"))
        .expect("an attribution with source 'who'");
    assert_eq!(hale.0, ["it ignored the data"]);
    assert_eq!(hale.2.as_deref(), Some("Tom Hale"));
}

#[test]
fn abbreviations_do_not_end_sentences() {
    check(
        "Sen. Warren said on Jan. 5 that the U.S. economy was strong.",
        &["that the U.S. economy was strong"],
        "Sen. Warren",
    );
}

#[test]
fn dotted_abbreviation_can_end_a_sentence() {
    check(
        "He moved to the U.S. The move surprised everyone, she said.",
        &["The move surprised everyone"],
        "she",
    );
}

#[test]
fn short_scare_quotes_are_not_attributions_on_their_own() {
    assert!(found("The so-called “reform” was passed on Monday.").is_empty());
}

#[test]
fn text_without_cues_has_no_attributions() {
    assert!(found("The river rose overnight. Boats were moved to higher ground.").is_empty());
    assert!(found("").is_empty());
}

#[test]
fn another_language_is_another_rules_file() {
    let german = "\
[params]
min_quote_words = 2
[quotes]
„ “
[verbs]
sagte, sagt
[participles]
[object_verbs]
[according]
laut
[adjuncts]
[auxiliaries]
hat
[pronouns]
er, sie
[relative_pronouns]
[determiners]
der, die, das
[stop]
und, dass
[heads]
sprecher
[prepositions]
[titles]
[abbreviations]
[sentence_starters]
";
    let rules = Rules::parse(german).unwrap();
    let text = "„Wir bleiben hier“, sagte Müller.";
    let all = find_attributions(text, &rules);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].content.slice(text), "„Wir bleiben hier“");
    assert_eq!(all[0].source.unwrap().slice(text), "Müller");
}
