//! The product's reference article, coded by hand: the attributions an analyst marks in it.

use claimdesk_suggest::{find_attributions, Rules, Span};

const ARTICLE: &str = include_str!("../../../store/sample/riyadh-talks-2025-02-18.txt");

/// (source, content) as an analyst codes them; a split quotation lists its parts with " | ".
const GOLD: [(&str, &str); 14] = [
    ("Russia and the US", "to “lay the groundwork for future co-operation” on bolstering ties and ending the Ukraine war"),
    ("the US state department", "the two sides would appoint “high-level teams” to seek to end the war and establish a diplomatic channel to resolve bilateral issues"),
    ("Tammy Bruce, state department spokesperson", "the diplomatic channel would “lay the groundwork for future co-operation on matters of mutual geopolitical interest and historic economic and investment opportunities which will emerge from a successful end to the conflict in Ukraine”"),
    ("Bruce", "“One phone call followed by one meeting is not sufficient to establish enduring peace,” | “We must take action, and today we took an important step forward.”"),
    ("Yuri Ushakov, the Russian president’s foreign policy adviser", "the delegations held “a very serious conversation about all issues”"),
    ("the Tass news agency", "Yuri Ushakov, the Russian president’s foreign policy adviser, told reporters the delegations held “a very serious conversation about all issues”"),
    ("He", "that, as well as the channel to restore full bilateral relations, the two sides will appoint separate delegations to discuss Ukraine"),
    ("Kyiv", "it will reject any deal imposed on it without its involvement"),
    ("Ushakov", "Tuesday’s talks in Riyadh were “not bad” and Russia and the US had “agreed to take each others’ interests into account”, but it was “hard to say” they were “growing closer”"),
    ("He", "that the US and Russia would work to “create the conditions” for a Trump-Putin meeting"),
    ("he", "it would probably not take place next week, since “thorough work” was needed first"),
    ("The US", "Ukraine’s ambitions to join Nato and reclaim territory currently occupied by Russia was not “realistic.”"),
    ("Russia’s foreign ministry", "Moscow was “categorically opposed” to a European peacekeeping deployment, ruling out a role for Europe in Ukraine talks, and demanding Nato rescind its open-ended 2008 invitation to Kyiv"),
    ("the UK", "to put “boots on the ground”"),
];

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `predicted` covers at least half of the tokens of `gold`, counted with repetition.
fn covers(predicted: &str, gold: &str) -> bool {
    let mut pool = tokens(predicted);
    let want = tokens(gold);
    let mut hit = 0;
    for t in &want {
        if let Some(i) = pool.iter().position(|p| p == t) {
            pool.swap_remove(i);
            hit += 1;
        }
    }
    !want.is_empty() && hit * 2 >= want.len()
}

#[test]
fn seed_article_attributions_meet_the_floor() {
    let text = ARTICLE;
    let found = find_attributions(text, Rules::english());
    let slice = |s: Span| s.slice(text).to_string();
    let predicted: Vec<(String, String)> = found
        .iter()
        .map(|a| {
            let parts: Vec<String> = a.parts.iter().map(|p| slice(*p)).collect();
            (a.source.map(slice).unwrap_or_default(), parts.join(" | "))
        })
        .collect();
    // One-to-one: each gold attribution takes the first unused prediction whose source and
    // content both cover half of its tokens.
    let mut used = vec![false; predicted.len()];
    let mut matched = 0;
    for (source, content) in GOLD {
        let hit = predicted
            .iter()
            .enumerate()
            .position(|(i, (ps, pc))| !used[i] && covers(pc, content) && covers(ps, source));
        if let Some(i) = hit {
            used[i] = true;
            matched += 1;
        }
    }
    let precision = matched as f64 / predicted.len() as f64;
    let recall = matched as f64 / GOLD.len() as f64;
    println!(
        "seed article: {matched} of {} gold matched, {} predicted",
        GOLD.len(),
        predicted.len()
    );
    // Measured: 13 of 14 gold attributions found, 17 predicted (precision 0.76, recall 0.93).
    // The floor leaves room for rule changes elsewhere that trade a little here.
    assert!(
        precision >= 0.65 && recall >= 0.8,
        "precision {precision:.2}, recall {recall:.2}; predicted {predicted:#?}"
    );
}

#[test]
fn seed_article_split_quote_and_pronouns() {
    let text = ARTICLE;
    let found = find_attributions(text, Rules::english());
    let bruce = found
        .iter()
        .find(|a| a.parts.len() == 2)
        .expect("the split quotation");
    assert_eq!(bruce.source.unwrap().slice(text), "Bruce");
    let resolved: Vec<&str> = found
        .iter()
        .filter(|a| {
            a.source
                .is_some_and(|s| s.slice(text).eq_ignore_ascii_case("he"))
        })
        .filter_map(|a| a.resolved.map(|r| r.slice(text)))
        .collect();
    assert!(
        resolved.iter().all(|r| r.contains("Ushakov")),
        "{resolved:?}"
    );
    assert_eq!(resolved.len(), 3);
}
