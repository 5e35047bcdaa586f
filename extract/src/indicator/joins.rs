//! Joins: how the text ties several figures together.
//! 分别 (A、B分别为x、y), lists that share a change (A、B、C等指标保持20%以上的增速),
//! lists that share a verb (新引育大学生1131人、硕博士17人), and nouns left out (已整改3502条).

use super::name::{before_words, has_verb, is_only_verb, leading_verb};
use super::SentenceQ;
use crate::lexicon::{find, starts_at, word_at, word_before, LEXICON};
use crate::Approx;

/// One 分别 group: the names before 分别 and the figures after it, in order.
pub struct Respectively {
    pub names: Vec<String>,
    pub qs: Vec<usize>,
    /// The unit written once, on the last figure (29亿、100亿件 → 件).
    pub unit: String,
    pub approx: Approx,
    /// 分别增长/下降: the figures are changes, with this sign.
    pub change_sign: Option<i8>,
}

/// Splits a list of names: A、B和C → [A, B, C].
/// A joiner inside a word (普及率, 及时, 参与) splits nothing.
pub fn split_list(list: &str) -> Vec<String> {
    let chars: Vec<char> = list.chars().collect();
    let joins = &LEXICON.joins;
    let words = &LEXICON.name.joiner_words;
    let inside_word = |i: usize| {
        (i.saturating_sub(3)..=i).any(|a| word_at(&chars, a, words).is_some_and(|w| a + w.chars().count() > i))
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..=chars.len() {
        let cut = i == chars.len() || (joins.name_joiners.has(chars[i]) && !inside_word(i));
        if cut {
            // A以及B: the whole joiner goes, not only its last character.
            let end = match word_before(&chars, i + 1, &joins.long_joiners) {
                Some(w) if i + 1 - w.chars().count() >= start => i + 1 - w.chars().count(),
                _ => i,
            };
            let item: String = chars[start..end].iter().collect();
            let item = item.trim().to_string();
            if !item.is_empty() {
                out.push(item);
            }
            start = i + 1;
        }
    }
    out
}

pub fn respectively(text: &[char], clause: (usize, usize), sq: &[SentenceQ]) -> Option<Respectively> {
    let (cs, ce) = clause;
    let (f, after) = LEXICON
        .joins
        .respectively
        .iter()
        .filter_map(|w| find(text, cs, ce, w).map(|f| (f, f + w.chars().count())))
        .min()?;
    let qs: Vec<usize> = sq.iter().enumerate().filter(|(_, q)| q.start > f && q.end <= ce).map(|(i, _)| i).collect();
    let head_from = sq.iter().filter(|q| q.end <= f && q.start >= cs).map(|q| q.end).max().unwrap_or(cs);
    // …、PM2.5平均浓度同比分别下降8.7%和5.7%: the year-on-year word is the changes', not the last name's.
    let names_end = word_before(text, f, &LEXICON.change.yoy).map_or(f, |w| f - w.chars().count());
    let mut names = split_list(&before_words(text, head_from, names_end.max(head_from)));
    // 城镇、农村居民人均可支配收入分别增长6%、7.7%; 交通、水利投资: short items share the last item's head.
    if names.len() >= 2 {
        let last: Vec<char> = names[names.len() - 1].chars().collect();
        let k = names.len() - 1;
        for n in names.iter_mut().take(k) {
            let len = n.chars().count();
            // Two characters, like the word that opens the last item (城镇/农村, 刑事/治安); 制造业 vs
            // 工业技改投资 does not line up, so it is left alone.
            if len == 2 && last.len() > len + 1 && !last.starts_with(&n.chars().collect::<Vec<_>>()) {
                let head: String = last[len..].iter().collect();
                n.push_str(&head);
            }
        }
    }
    // 农村自来水、卫生户厕普及率分别达98%、85%: a rate named once at the end is every item's rate, and the
    // first item's 城镇/农村 head is every item's (农村自来水普及率, 农村卫生户厕普及率).
    if names.len() >= 2 {
        let last: Vec<char> = names[names.len() - 1].chars().collect();
        let k = names.len() - 1;
        let rate = &LEXICON.name.rate;
        if last.len() > 4 && rate.has(last[last.len() - 1]) {
            let tail: String = last[last.len() - 3..].iter().collect();
            for n in names.iter_mut().take(k).filter(|n| !n.ends_with(|c| rate.has(c)) && n.chars().count() >= 2) {
                n.push_str(&tail);
            }
            let heads: Vec<&str> =
                LEXICON.name.paired_heads.iter().flat_map(|(a, b, c)| [a.as_str(), b.as_str(), c.as_str()]).collect();
            let head = heads.iter().find(|h| names[0].starts_with(**h) && names[0].len() > h.len() + 3).copied();
            if let Some(h) = head {
                for n in names.iter_mut().skip(1).filter(|n| !heads.iter().any(|x| n.starts_with(x))) {
                    *n = format!("{h}{n}");
                }
            }
        }
    }
    // 城乡居民人均可支配收入分别增长9.5%和11%: one head for two groups.
    if names.len() == 1 && qs.len() == 2 {
        if let Some((a, b)) = super::name::split_pair(&names[0]) {
            names = vec![a, b];
        }
    }
    let lex = &LEXICON.change;
    let change_sign = lex.verbs.iter().find(|(w, _)| starts_at(text, after, w)).map(|(_, s)| *s);
    let changes_only =
        change_sign.is_some() && qs.iter().all(|&i| sq[i].q.unit == "%" || sq[i].q.unit == lex.point_unit);
    let change_sign = change_sign.filter(|_| changes_only);
    let fits = names.len() == qs.len() || names.len() == 1 || (change_sign.is_some() && names.is_empty());
    if qs.len() < 2 || !fits {
        return None;
    }
    let unit = qs.iter().rev().map(|&i| sq[i].q.unit.clone()).find(|u| !u.is_empty()).unwrap_or_default();
    // 分别突破/超过: every figure is over, as the number layer reads the qualifier.
    let over = crate::quantity::lexicon().approx_before.at(text, after).is_some_and(|(_, a)| *a == Approx::Over);
    let approx = if over { Approx::Over } else { Approx::Exact };
    Some(Respectively { names, qs, unit, approx, change_sign })
}

/// The names of a list that ends in 等 (A、B、C等指标 → [A, B, C]); one name when there is no list.
pub fn list_names(subject: &str) -> Vec<String> {
    let joins = &LEXICON.joins;
    match subject.find(|c| joins.list_end.has(c)) {
        Some(p) if subject[..p].contains(|c| joins.list_mark.has(c)) => split_list(&subject[..p]),
        _ => vec![subject.to_string()],
    }
}

/// A list item that left out the verb of the item before it takes it (硕博士 → 新引育硕博士).
/// An item that is itself a verb (在建项目346项、投产257项) has a verb of its own.
pub fn share_verb(prev_name: &str, name: &str) -> Option<String> {
    let v = leading_verb(prev_name)?;
    if leading_verb(name).is_some() || has_verb(name) || name.starts_with(&v) || is_verb_word(name) {
        return None;
    }
    Some(format!("{v}{name}"))
}

/// Is `name` one verb word (投产, 签约)?
fn is_verb_word(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    let tokens = crate::token::tokens(&chars, 0, chars.len());
    matches!(tokens.as_slice(), [t] if matches!(t.tag, crate::token::Tag::Verb | crate::token::Tag::VerbNoun))
}

/// A name that is only a verb takes the object of the figure before it (整改 after 发现隐患 → 整改隐患).
pub fn put_back_noun(prev_name: &str, name: &str) -> Option<String> {
    if !is_only_verb(name) {
        return None;
    }
    let object = match leading_verb(prev_name) {
        Some(v) => prev_name[v.len()..].to_string(),
        None => prev_name.to_string(),
    };
    (!object.is_empty()).then(|| format!("{name}{object}"))
}

/// `S实现N个A、M个B全覆盖`: each figure counts what S covers (S覆盖A).
pub fn coverage(text: &[char], clause: (usize, usize), figure: usize, after: &str) -> Option<String> {
    let (cs, ce) = clause;
    let mut end = ce;
    while end > cs && text[end - 1].is_whitespace() {
        end -= 1;
    }
    let joins = &LEXICON.joins;
    let covered = word_before(text, end, &joins.covered)?;
    let verb = LEXICON.name.achieved.iter().filter_map(|w| find(text, cs, figure, w)).min()?;
    let subject = before_words(text, cs, verb);
    let item = after.trim_end_matches(covered);
    (!subject.is_empty() && !item.is_empty()).then(|| format!("{subject}{}{item}", joins.covers))
}

/// `唯一住房农户`, then `非唯一住房`: the item ends where the one before goes on to its head noun (农户).
pub fn share_head_noun(prev_name: &str, name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let prev: Vec<char> = prev_name.chars().collect();
    // The longest tail of this item (at least two characters) found inside the item before.
    for k in (2..chars.len()).rev() {
        let tail = &chars[chars.len() - k..];
        let Some(at) = prev.windows(k).position(|w| w == tail) else { continue };
        let head = &prev[at + k..];
        if head.is_empty() || head.len() > 3 || !head.iter().all(|&c| crate::lexicon::is_han(c)) {
            return None;
        }
        return Some(format!("{name}{}", head.iter().collect::<String>()));
    }
    None
}
