//! A count at the head of its clause is the clause's subject: what the clause then says of it
//! (开工建设, 按时完工, 以新供给激活新消费) is its predicate, no part of the noun it counts.

use crate::lexicon::{word_at, LEXICON};
use crate::token::{self, Tag, Token};

/// Tags that end a noun phrase (the words it is named by).
pub(super) fn is_noun(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Noun | Tag::Indicator | Tag::Organization | Tag::Place | Tag::Space | Tag::Person | Tag::Phrase | Tag::Latin
    )
}

/// Tags that may stand inside a noun phrase without ending it (三级, 配套, 供热).
fn is_modifier(tag: Tag) -> bool {
    matches!(tag, Tag::Adjective | Tag::Numeral | Tag::Quantifier | Tag::Unit | Tag::VerbNoun)
}

fn len(t: &Token) -> usize {
    t.end - t.start
}

/// A filler verb of two characters or more (完成, 实现): the one-character ones (超, 获, 为) are also
/// pieces of other words (超长期国债), so they are not taken alone.
pub(super) fn is_filler(word: &str) -> bool {
    word.chars().count() >= 2 && LEXICON.name.filler_verbs.has(word)
}

/// Where the noun phrase at the head of `tokens` ends, and the index of the token that starts the
/// predicate. Verbs before the first noun modify it (水毁修复任务, 造纸企业), and so does a verb right
/// before a noun (重点排污企业, 垃圾处理场); a one-character word right after a noun is the end of a word
/// the dictionary lacks (乡道, 淡水鱼种) or a piece of one (省定民心工程), not a predicate.
pub(super) fn noun_phrase(tokens: &[Token]) -> Option<(usize, usize)> {
    let mut noun_end = None;
    for (i, t) in tokens.iter().enumerate() {
        let next_is_noun = tokens.get(i + 1).is_some_and(|n| is_noun(n.tag) || n.tag == Tag::Quantifier && len(n) == 1);
        let extends = noun_end == Some(t.start) && len(t) == 1 && matches!(t.tag, Tag::Quantifier | Tag::Noun);
        match t.tag {
            tag if is_noun(tag) || extends => noun_end = Some(t.end),
            tag if is_modifier(tag) && (noun_end.is_none() || next_is_noun || tag != Tag::Adjective) => {}
            Tag::Verb if noun_end.is_none() || next_is_noun || len(t) == 1 => {}
            _ => return noun_end.map(|e| (e, i)),
        }
    }
    // 项目进展: a verb used as a noun after the last noun ends the words as a predicate would.
    // (not 省属企业划转属地管理: a verb inside the words already began the predicate)
    let (last, end) = (tokens.last()?, noun_end?);
    let first_noun = tokens.iter().position(|t| is_noun(t.tag))?;
    let verb_inside = tokens[first_noun..].iter().any(|t| t.tag == Tag::Verb);
    (last.tag == Tag::VerbNoun && end <= last.start && !verb_inside).then_some((end, tokens.len() - 1))
}

/// The words after a subject count, split into its noun phrase and its predicate
/// (棚改配套基础设施项目开工建设 → 棚改配套基础设施项目, 开工建设). A predicate that starts with a
/// preposition or adverb (以新供给…, 按时完工) is one for sure; one that starts with a verb is taken for
/// part of the noun when it ends in a noun itself (中央环保督察反馈问题), unless the noun before it is
/// short (项目具备开工条件). None when there is no noun or no predicate, or when the words start with
/// what the figure's own rules read (全部…, 完成…).
pub fn split(after: &str) -> Option<(String, String)> {
    let chars: Vec<char> = after.chars().collect();
    let lex = &LEXICON.name;
    let filler = word_at(&chars, 0, &lex.filler_verbs).is_some_and(is_filler);
    if filler || word_at(&chars, 0, &lex.all_of_them).is_some() {
        return None;
    }
    let tokens = token::tokens(&chars, 0, chars.len());
    let (end, p) = noun_phrase(&tokens)?;
    let first = tokens[p].tag;
    let ends_in_noun = tokens.last().is_some_and(|t| is_noun(t.tag));
    // 项目进展顺利: an adjective or a verb used as a noun closing the words says how it went.
    let closing_state = matches!(first, Tag::Adjective | Tag::VerbNoun) && p + 1 == tokens.len();
    // 驻村干部日夜坚守: a time word after the noun says when its predicate happens.
    let sure = matches!(first, Tag::Preposition | Tag::Adverb | Tag::Time) || closing_state;
    let cut = sure || (first == Tag::Verb && (!ends_in_noun || end <= 2));
    (cut && end >= 2).then(|| (chars[..end].iter().collect(), chars[end..].iter().collect()))
}

/// The noun phrase of the words after a count when what follows it says how or when (an adverb, a time
/// word or a preposition: 驻村干部日夜坚守 → 驻村干部, 管控队员全天候巡查 → 管控队员).
pub fn noun_before_manner(after: &str) -> Option<String> {
    let (noun, predicate) = split(after)?;
    let chars: Vec<char> = predicate.chars().collect();
    let first = token::tokens(&chars, 0, chars.len()).into_iter().next()?;
    matches!(first.tag, Tag::Adverb | Tag::Time | Tag::Preposition).then_some(noun)
}

/// The common nouns that open `text[from..to]` right before a verb (粮食生产实现“十连增” → 粮食), if
/// they make two characters or more; not a place or a body (柳河县天翊钙业有限公司位于…).
pub fn topic_noun(text: &[char], from: usize, to: usize) -> Option<String> {
    let tokens = token::tokens(text, from, to);
    let n = tokens.iter().take_while(|t| matches!(t.tag, Tag::Noun | Tag::Indicator)).count();
    let verb_next = tokens.get(n).is_some_and(|t| matches!(t.tag, Tag::Verb | Tag::VerbNoun));
    let end = tokens.get(n.checked_sub(1)?)?.end;
    (verb_next && end >= from + 2).then(|| text[from..end].iter().collect())
}

/// Does a count head its clause: no verb or preposition before it (the examples of a list ending
/// in 等 may stand there: 涞阳路、东大街等6条街道雨污分流)?
pub fn heads_clause(text: &[char], clause_start: usize, at: usize) -> bool {
    token::tokens(text, clause_start, at)
        .iter()
        .all(|t| !matches!(t.tag, Tag::Verb | Tag::Preposition | Tag::VerbNoun | Tag::Phrase))
}

/// The name of a subject count from the words after it: its noun phrase when that says what is counted
/// on its own, else a short predicate before a short, generic noun (项目具备开工条件 → 具备开工条件项目).
pub fn name(after: &str) -> Option<String> {
    let (noun, predicate) = split(after)?;
    let chars: Vec<char> = predicate.chars().collect();
    let tokens = token::tokens(&chars, 0, chars.len());
    // 17个纳污坑塘治理达标, 12个项目开工建设: a predicate of verbs alone says what they are counted by.
    let only_verbs = tokens.len() <= 2 && tokens.iter().all(|t| t.tag == Tag::Verb && !is_filler(&token::word(&chars, t)));
    let spending = LEXICON.figure.spending_words.iter().any(|w| predicate.ends_with(w.as_str()));
    // 6个老旧小区改造提升: after a work named by a verb (改造), the verb goes on with the work.
    let noun_chars: Vec<char> = noun.chars().collect();
    let work = token::tokens(&noun_chars, 0, noun_chars.len()).last().is_some_and(|t| t.tag != Tag::Noun && t.tag != Tag::Indicator);
    if only_verbs && !spending && !work && chars.len() <= 4 {
        return Some(format!("{predicate}{noun}"));
    }
    if noun.chars().count() >= 3 {
        return Some(noun);
    }
    let verb_first = tokens.first().is_some_and(|t| t.tag == Tag::Verb);
    let adverb = tokens.iter().any(|t| t.tag == Tag::Adverb);
    (verb_first && !adverb && chars.len() <= 8).then(|| format!("{predicate}{noun}"))
}

/// Where the noun phrase that starts at `from` ends, before `to`: nouns joined by 和/及 and marks inside a
/// name (县城东部道路翻修和雨污分流工程顺利竣工 → …工程; 海—宝农村公路通车 → 海—宝农村公路; 中国汽车零部件
/// （保定）产业基地). It ends at its last noun before the predicate or the clause's next part.
pub fn noun_run_end(text: &[char], from: usize, to: usize) -> Option<usize> {
    let tokens = token::tokens(text, from, to);
    let lex = &LEXICON.name;
    let one_of = |t: &Token, marks: &crate::lexicon::Chars| len(t) == 1 && marks.has(text[t.start]);
    let joiner = |t: &Token| one_of(t, &lex.item_joiners);
    let inner = |t: &Token| one_of(t, &LEXICON.figure.noun_inner_marks);
    // 粮食收储中转基地: verbs that lead on to a noun (or a joined one) modify it.
    let leads_to_noun = |i: usize| {
        let next = tokens[i + 1..].iter().find(|n| n.tag != Tag::Verb);
        next.is_some_and(|n| is_noun(n.tag) || joiner(n))
    };
    // What was done to it, and how much of it (全部, 基本), ends it.
    let ends = |t: &Token| {
        let w = token::word(text, t);
        let said_of_it = lex.state_verbs.has(&w) || lex.all_of_them.has(&w) || lex.done_adverbs.has(&w);
        said_of_it || is_filler(&w)
    };
    let mut noun_end = None;
    for (i, t) in tokens.iter().enumerate() {
        let figure = t.tag == Tag::Numeral && text[t.start..t.end].iter().any(char::is_ascii_digit);
        match t.tag {
            _ if figure || ends(t) => break,
            tag if is_noun(tag) => noun_end = Some(t.end),
            Tag::Adjective if noun_end.is_some() && !leads_to_noun(i) => break,
            tag if is_modifier(tag) || tag == Tag::Locality => {}
            Tag::Verb if (noun_end.is_none() || leads_to_noun(i) || len(t) == 1) => {}
            _ if noun_end.is_some() && (joiner(t) || inner(t)) => {}
            _ => break,
        }
    }
    noun_end
}

/// A group and what holds of it, from the words after a share (乡镇有养老服务中心 → 乡镇, 有养老服务中心;
/// 建制村通了油路 → 建制村, 通油路): the noun phrase up to the first verb, and the predicate from it to the
/// clause end without particles and carrier verbs (进行了改制 → 改制). None when no verb follows a noun (5.5%的年度目标).
pub fn group_and_property(text: &[char], from: usize, to: usize) -> Option<(String, String)> {
    let tokens = token::tokens(text, from, to);
    let first_noun = tokens.iter().position(|t| is_noun(t.tag))?;
    let verb = (first_noun + 1..tokens.len()).find(|&i| tokens[i].tag == Tag::Verb)?;
    let punct = tokens.iter().position(|t| t.tag == Tag::Punctuation).unwrap_or(tokens.len());
    if verb > punct {
        return None;
    }
    let group_end = tokens[..verb].iter().rev().find(|t| is_noun(t.tag)).map_or(from, |t| t.end);
    let group: String = text[from..group_end].iter().collect();
    let carries = |t: &&Token| LEXICON.figure.carrier_verbs.has(&token::word(text, t));
    let property = tokens[verb..punct].iter().skip_while(carries).filter(|t| t.tag != Tag::Particle);
    let property: String = property.map(|t| token::word(text, t)).collect();
    Some((group, property))
}
