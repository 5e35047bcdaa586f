//! Naming rules, in the spirit of Duckling's `Rules.hs`: named entries in ordered lists.
//!
//! `FIRST_NAME` gives a level figure its first name (the first entry that applies wins); every entry of
//! `REFINE` then runs in order and may rename it, and the figure records the `Rule` of the last entry that
//! did. A refinement sees the sentence read so far (`Ctx`), the figure's words (`Frame`) and its name.

use super::context::Ctx;
use super::level::{is_to_verb, year_after, Frame};
use super::{funded, joins, name, object, subject, values, Draft, Rule};
use crate::lexicon::{find, is_han, starts_at, word_at, word_before, LEXICON};
use crate::token::{self, Tag};

/// A name and the rule that gave it.
pub struct Named {
    pub name: String,
    pub rule: Rule,
}

/// A first-name rule: gives the figure its name when it applies.
pub struct FirstName {
    pub rule: Rule,
    pub apply: fn(&Ctx, &Frame) -> Option<String>,
}

/// A refinement: may rename the figure; the figure then records `rule`.
pub struct Refinement {
    pub rule: Rule,
    pub apply: fn(&mut Ctx, &Frame, &Named) -> Option<String>,
}

pub const FIRST_NAME: &[FirstName] = &[
    FirstName { rule: Rule::LevelOfNoun, apply: spending_of_counted },
    FirstName { rule: Rule::Level, apply: words_before },
    FirstName { rule: Rule::LevelOfNoun, apply: funded_action },
    FirstName { rule: Rule::ShareWithProperty, apply: share_with_property },
    FirstName { rule: Rule::LevelOfNoun, apply: size_of_noun },
    FirstName { rule: Rule::LevelOfNoun, apply: measured_noun },
    FirstName { rule: Rule::PlacesOfWork, apply: places_of_work },
    FirstName { rule: Rule::ObjectOfAction, apply: object_of_action },
    FirstName { rule: Rule::SubjectCount, apply: subject_count },
    FirstName { rule: Rule::LevelCountedNoun, apply: counted_noun },
];

pub const REFINE: &[Refinement] = &[
    Refinement { rule: Rule::PersonTimes, apply: person_times },
    Refinement { rule: Rule::SharedNoun, apply: shared_noun },
    Refinement { rule: Rule::OutcomeReached, apply: outcome_reached },
    Refinement { rule: Rule::ElidedNoun, apply: object_of_clause_before },
    Refinement { rule: Rule::ElidedNoun, apply: project_of_clause_before },
    Refinement { rule: Rule::ListHeadNoun, apply: list_head_noun },
    Refinement { rule: Rule::ListSharedVerb, apply: list_shared_verb },
    Refinement { rule: Rule::ElidedNoun, apply: put_back_noun },
    Refinement { rule: Rule::ElidedNoun, apply: change_of_figure_before },
    Refinement { rule: Rule::ObjectOfAction, apply: sum_for_objects },
    Refinement { rule: Rule::AttributeOf, apply: attribute_of_thing },
    Refinement { rule: Rule::ShareOf, apply: share_of },
    Refinement { rule: Rule::AdjacentFigures, apply: paired_figures },
    Refinement { rule: Rule::HouseholdsAndPeople, apply: households_alone },
    Refinement { rule: Rule::AdjacentFigures, apply: adjacent_figures },
    Refinement { rule: Rule::HouseholdsAndPeople, apply: people_of_households },
    Refinement { rule: Rule::AttributeOf, apply: attribute_of_changed },
    Refinement { rule: Rule::AttributeOf, apply: attribute_of_topic },
    Refinement { rule: Rule::PartOf, apply: part_of },
    Refinement { rule: Rule::Coverage, apply: coverage },
    Refinement { rule: Rule::FromToOld, apply: from_to_old },
    Refinement { rule: Rule::FromTo, apply: from_to },
    Refinement { rule: Rule::FromTo, apply: to_year_same_measure },
    Refinement { rule: Rule::ProjectSpending, apply: project_spending },
];

/// Names a level figure: its first name, then every refinement in order.
pub fn name(ctx: &mut Ctx, f: &Frame) -> Named {
    let first = FIRST_NAME.iter().find_map(|r| (r.apply)(ctx, f).map(|n| Named { name: n, rule: r.rule }));
    let mut named = first.unwrap_or(Named { name: String::new(), rule: Rule::LevelCountedNoun });
    for r in REFINE {
        if let Some(n) = (r.apply)(ctx, f, &named) {
            named.name = n;
            named.rule = r.rule;
        }
    }
    named
}

fn unit<'a>(ctx: &'a Ctx, f: &Frame) -> &'a str {
    &ctx.sq[f.qi].q.unit
}

fn word_after(ctx: &Ctx, f: &Frame, word: &str) -> bool {
    starts_at(ctx.text, f.after_skip, word)
}

// ---- first names ----

fn words_before(_: &Ctx, f: &Frame) -> Option<String> {
    f.after.is_empty().then(|| name::without_examples(&f.before))
}

/// 投资1070万元的3个农村水厂建设: money spent on things counted right after 的 is named by what they are
/// (农村水厂建设投资), read as the count's own words are (15个项目具备开工条件 → 具备开工条件项目).
fn spending_of_counted(ctx: &Ctx, f: &Frame) -> Option<String> {
    let words = &LEXICON.figure;
    // 投资, 总投资: the spending, with at most an attribute before it (and the examples of a list ending in 等
    // before that: 宇雕起重设备、通达医药等总投资34亿元的15个项目).
    let spending = f.before.rsplit(|c| words.list_ends.has(c)).next().unwrap_or_default();
    let spent = words.spending_words.ending(spending).is_some() && spending.chars().count() <= 3;
    let spent = spent && words.money_unit == unit(ctx, f);
    let count = f.qi + 1;
    let counted_next = ctx.sq.get(count).is_some_and(|c| c.start == f.after_skip + words.possessive.chars().count());
    if !spent || !word_after(ctx, f, &words.possessive) || !counted_next || !counts_things(&ctx.sq[count].q.unit) {
        return None;
    }
    let end = ctx.next_cut_start(count, f.ce);
    let after = name::after_words(ctx.text, ctx.sq[count].end, end);
    let noun = subject::name(&after).unwrap_or(after);
    (noun.chars().count() >= 2).then(|| format!("{noun}{spending}"))
}

/// 投资1100万元新建污水管线2847米: money spent on an action is named by that action (新建污水管线投资).
fn funded_action(ctx: &Ctx, f: &Frame) -> Option<String> {
    let words = &LEXICON.figure;
    let spent = words.spending_words.has(&f.before) && words.money_unit == unit(ctx, f);
    if !spent || word_after(ctx, f, &words.possessive) {
        return None;
    }
    funded::action(ctx.text, ctx.sq, f.after_skip, f.ce).map(|action| format!("{action}{}", f.before))
}

/// 60%的乡镇有养老服务中心: the share of a group that has a property (有养老服务中心的乡镇比例).
fn share_with_property(ctx: &Ctx, f: &Frame) -> Option<String> {
    let words = &LEXICON.figure;
    if unit(ctx, f) != "%" || !word_after(ctx, f, &words.possessive) || !f.before.is_empty() {
        return None;
    }
    let start = f.after_skip + words.possessive.chars().count();
    let (group, property) = subject::group_and_property(ctx.text, start, f.ce.min(start + 20))?;
    Some(format!("{property}{}{group}{}", words.possessive, words.share_noun))
}

/// 3000余户的南滨江九大团块: the size of what follows (南滨江九大团块户数).
fn size_of_noun(ctx: &Ctx, f: &Frame) -> Option<String> {
    let sized = word_after(ctx, f, &LEXICON.figure.possessive) && f.before.is_empty();
    sized.then(|| format!("{}{}", f.after, name::measure_of(unit(ctx, f), true)))
}

/// 投资近1亿元的桃源幸福颐养院项目: the thing after 的, measured by the verb before.
/// …的污水处理厂二期建成投用: what was done to it is no part of its name.
fn measured_noun(ctx: &Ctx, f: &Frame) -> Option<String> {
    if !word_after(ctx, f, &LEXICON.figure.possessive) || f.before.is_empty() || f.before.chars().count() > 4 {
        return None;
    }
    // The noun may run past what `after` holds: 县城东部道路翻修和雨污分流工程, 海—宝农村公路.
    let start = f.after_skip + LEXICON.figure.possessive.chars().count();
    let run = subject::noun_run_end(ctx.text, start, f.ce.min(start + 30)).map(|e| ctx.text[start..e].iter().collect::<String>());
    let after = run.filter(|r| r.chars().count() > f.after.chars().count()).unwrap_or_else(|| f.after.clone());
    let project = LEXICON.figure.project_words.iter().find_map(|w| after.find(w.as_str()).map(|p| p + w.len()));
    let noun = match project {
        Some(end) => after[..end].to_string(),
        None => name::before_first_verb(&after),
    };
    Some(format!("{noun}{}", f.before))
}

/// 完成了6个乡镇、81个村的垃圾一体化处理: places counted (alone or in a list of counts) by the work done in
/// them, said after 的, are named by that work (垃圾一体化处理乡镇, 垃圾一体化处理村); the verb before goes.
fn places_of_work(ctx: &Ctx, f: &Frame) -> Option<String> {
    let (text, lex) = (ctx.text, &LEXICON.name);
    // 57个村近10万人的…: the word leading into the next figure is not the counted noun's.
    let counted_only = |rest: &str| rest.is_empty() || LEXICON.figure.figure_leads.has(rest);
    let place = lex.places.iter().find(|p| f.after.strip_prefix(p.as_str()).is_some_and(counted_only))?;
    let mut at = f.after_skip + place.chars().count();
    // Past the other counts of the list: 、81个村, 41个村, 27346户.
    let mut next = f.qi + 1;
    while at < f.ce {
        if let Some(q) = ctx.sq.get(next).filter(|q| q.start == at) {
            at = q.end;
            next += 1;
        } else if let Some(w) = word_at(text, at, &lex.places) {
            at += w.chars().count();
        } else if LEXICON.figure.item_separators.has(text[at]) {
            at += 1;
        } else if let Some(w) = leads_into_figure(ctx, at, next) {
            at += w;
        } else {
            break;
        }
    }
    let possessive = &LEXICON.figure.possessive;
    if !counts_things(unit(ctx, f)) || !starts_at(text, at, possessive) {
        return None;
    }
    let start = at + possessive.chars().count();
    let work = name::after_words(text, start, ctx.next_cut_start(next.saturating_sub(1), f.ce).max(start));
    (work.chars().count() >= 2).then(|| format!("{work}{place}"))
}

/// The length of a word at `at` that leads into figure `qi` right after it (近10万人), if one does.
fn leads_into_figure(ctx: &Ctx, at: usize, qi: usize) -> Option<usize> {
    let w = word_at(ctx.text, at, &LEXICON.figure.figure_leads)?.chars().count();
    ctx.sq.get(qi).is_some_and(|q| q.start == at + w).then_some(w)
}

/// 对95名困难群众实施了有效救助: the things a frame fronts, named by the action done to them (救助困难群众).
/// A list of them shares the action after its last figure (对992家企业和390个项目实行常态化精准帮扶).
fn object_of_action(ctx: &Ctx, f: &Frame) -> Option<String> {
    let start = ctx.sq[f.qi].start;
    if f.after.is_empty() || !counts_things_or_people(unit(ctx, f)) || !object::is_fronted(ctx.text, f.cs, start) {
        return None;
    }
    let last = (f.qi..ctx.sq.len()).take_while(|&i| ctx.sq[i].start < f.ce).filter(|&i| ctx.cuts[i]).last()?;
    let (action, at) = object::action(ctx.text, ctx.sq[last].end, f.ce)?;
    // The last figure's nouns run up to the action (对评选的30名县级名师、名校长进行了表彰奖励).
    let noun = if last == f.qi {
        let run: String = ctx.text[f.after_skip..at].iter().collect();
        let plain = !run.chars().any(|c| c.is_ascii_digit()) && !run.contains(LEXICON.figure.possessive.as_str());
        plain.then_some(run)?
    } else {
        f.after.clone()
    };
    Some(format!("{action}{noun}"))
}

/// 为1.2万名困难群众发放救助金3000万元: a sum after the objects a frame fronts is named by the action
/// between them (发放救助金), not by the objects, which the count before names.
fn sum_for_objects(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let p = f.qi.checked_sub(1)?;
    let (prev, here) = (&ctx.sq[p], &ctx.sq[f.qi]);
    let same_clause = ctx.clause_of(prev.start) == ctx.clause_of(here.start);
    let counted_unit = ctx.prev_draft(f.qi).filter(|d| d.q == Some(p)).map(|d| d.unit.clone());
    let counts_before = counted_unit.is_some_and(|u| counts_things_or_people(&u)) && ctx.cuts[p];
    if n.name.is_empty() || !same_clause || !counts_before || counts_things_or_people(unit(ctx, f)) {
        return None;
    }
    if !object::is_fronted(ctx.text, f.cs, prev.start) {
        return None;
    }
    object::action(ctx.text, prev.end, here.start).map(|(action, _)| action)
}

/// 12个棚改配套基础设施项目开工建设: a count heading its clause is named by its noun, not by what the
/// clause says of it (棚改配套基础设施项目).
fn subject_count(ctx: &Ctx, f: &Frame) -> Option<String> {
    let (name, subject) = clause_head(ctx, f).map(|_| counted(ctx, f))?;
    subject.then_some(name)
}

/// Where the words that may hold a verb before a count of things start: the clause head, or the count itself
/// when it follows a figure and words ending in 的 (总投资34亿元的15个项目具备开工条件, 吸引20个国家和地区的
/// 419家企业参展: they only describe it).
fn clause_head(ctx: &Ctx, f: &Frame) -> Option<usize> {
    let start = ctx.sq[f.qi].start;
    let described = f.prev_end.is_some() && (follows_possessive(ctx, f) || follows_examples(f));
    let head = match f.prev_end {
        None => f.cs,
        Some(_) if described => start,
        Some(_) => return None,
    };
    counts_things(unit(ctx, f)).then_some(head)
}

/// 建成12个美丽乡村示范村: the noun the figure counts, with the verb before it.
fn counted_noun(ctx: &Ctx, f: &Frame) -> Option<String> {
    Some(counted(ctx, f).0)
}

/// The name of a counted noun, and whether it was read as the subject of its clause.
fn counted(ctx: &Ctx, f: &Frame) -> (String, bool) {
    let words = &LEXICON.figure;
    let mut subject = false;
    let before = &f.before;
    let listy = before.chars().last().is_some_and(|c| words.list_ends.has(c)) || before.chars().any(|c| words.list_marks.has(c));
    let mut lead = if listy { name::leading_verb(before).unwrap_or_default() } else { before.clone() };
    let mut after = f.after.clone();
    // 3049对夫妻举办“银婚”仪式: people named by what was done for them (举办“银婚”仪式夫妻).
    let people = words.people_units.has(unit(ctx, f));
    if people {
        // 700余名驻村干部日夜坚守: people heading their clause, then how or when they acted, are counted as themselves.
        let heads = subject::heads_clause(ctx.text, f.cs, ctx.sq[f.qi].start);
        let themselves = heads.then(|| subject::noun_before_manner(&after)).flatten();
        after = themselves.or_else(|| name::people_by_action(&after)).unwrap_or(after);
    }
    // 118台工业燃煤锅炉全部拆除: counted by what was done to them; the words before only place them.
    if let Some(n) = name::counted_action(ctx.text, f.after_skip, f.next_start, f.ce) {
        after = n;
        lead.clear();
    } else {
        // 4个小区获评省级垃圾分类示范小区: what they became names them.
        let awarded = name::award_of(&after);
        let reworded = awarded.is_some();
        after = awarded.unwrap_or(after);
        // 5个村集中签约 → 集中签约村; 8个村实施旧村改造 → 实施旧村改造村.
        if let Some(n) = name::places_by_action(&after) {
            after = n;
            if name::starts_with_light_verb(&lead) {
                lead.clear();
            }
        } else if !reworded && clause_head(ctx, f).is_some_and(|h| subject::heads_clause(ctx.text, h, ctx.sq[f.qi].start)) {
            if let Some(noun) = subject::name(&after) {
                after = noun;
                subject = true;
                // 国家和地区的419家企业参展: what describes the subject is no part of its name.
                if f.prev_end.is_some() {
                    lead.clear();
                }
            }
        }
        after = without_village_head(after);
    }
    // 依托8470亩天然富硒地: a frame word alone before the figure sets the scene; 启动80余场次…演出: a light verb
    // alone adds nothing to what is counted.
    let light = !after.is_empty() && (LEXICON.name.light_verbs.has(&lead) || name::only_place_having(&lead) || is_preposition(&lead));
    if light || words.scene_frames.has(&lead) || (!after.is_empty() && is_relative_clause(ctx, f, &lead)) {
        lead.clear();
    }
    // 37个县域特色产业集群营收超450亿元: the word that leads into the next figure is that figure's, and so is
    // the measure of the things named just before it (营收; 49个国省考断面水质达标率100%: 水质达标率).
    let mut into_next = f.next_start == f.after_skip + after.chars().count();
    if let Some(w) = LEXICON.figure.figure_leads.ending(&after) {
        let n = w.chars().count();
        if leads_into_figure(ctx, f.next_start.saturating_sub(n), f.qi + 1) == Some(n) {
            after.truncate(after.len() - w.len());
            into_next = true;
        }
    }
    if into_next {
        after = name::without_measure_of_next(&after);
    }
    // 21个村 after a name: the counted noun adds nothing.
    if after.chars().count() == 1 && !lead.is_empty() {
        after.clear();
    }
    if unit(ctx, f) == "%" && !after.ends_with(words.rate_suffix.as_str()) {
        after.push_str(&words.rate_suffix);
    }
    // 耕地面积4208公顷耕地面积 (a table read as text): said once.
    if lead.ends_with(after.as_str()) {
        after.clear();
    }
    (format!("{lead}{after}"), subject)
}

/// 以1个总规成果为核心: a preposition alone before a count frames what is counted.
fn is_preposition(lead: &str) -> bool {
    let chars: Vec<char> = lead.chars().collect();
    matches!(token::tokens(&chars, 0, chars.len()).as_slice(), [t] if t.tag == Tag::Preposition)
}

/// Is the unit a counter of things or people, not a size or an amount?
fn counts_things_or_people(unit: &str) -> bool {
    counts_things(unit) || LEXICON.figure.people_units.has(unit)
}

/// Is the unit a counter of things (个, 家, 项…), not a size, an amount or people?
fn counts_things(unit: &str) -> bool {
    let mut chars = unit.chars();
    chars.next().is_some_and(|c| LEXICON.name.counters.has(c)) && chars.next().is_none()
}

/// 去年确定的47项惠民实事: a clause ending in a verb and 的 right before the figure sets the scene, unless
/// its verb changes what is counted (新增的12家企业); 8个重点村社的1456间出租房 is no clause but an owner.
fn follows_possessive(ctx: &Ctx, f: &Frame) -> bool {
    let start = ctx.sq[f.qi].start;
    let possessive = &LEXICON.figure.possessive;
    start.checked_sub(possessive.chars().count()).is_some_and(|p| starts_at(ctx.text, p, possessive))
}

/// 城乡规划管理技术规定等6项规划制度批复实施: examples ending in 等 after a figure, with no verb leading them
/// (改造东关街等5条背街小巷), only say which ones are counted.
fn follows_examples(f: &Frame) -> bool {
    let examples = f.before.chars().last().is_some_and(|c| LEXICON.figure.list_ends.has(c));
    examples && name::leading_verb(&f.before).is_none()
}

fn is_relative_clause(ctx: &Ctx, f: &Frame, lead: &str) -> bool {
    if !follows_possessive(ctx, f) {
        return false;
    }
    let de = ctx.sq[f.qi].start - LEXICON.figure.possessive.chars().count();
    let last = token::tokens(ctx.text, f.from, de).pop();
    last.is_some_and(|t| t.tag == Tag::Verb) && !LEXICON.name.meaning_verbs.has(lead)
}

/// 12个村党组织书记…: 村 counts villages, but 村级服务站 is a kind of station, not villages.
fn without_village_head(after: String) -> String {
    let words = &LEXICON.figure;
    let village = words.village.as_str();
    let kind_of = words.village_kinds.iter().any(|w| after.starts_with(w.as_str()));
    // 村庄单元规划, 村民: 村 heading a word of its own is no counted village.
    let chars: Vec<char> = after.chars().collect();
    let own_word = token::tokens(&chars, 0, chars.len()).first().is_some_and(|t| t.end - t.start == village.chars().count());
    if after.starts_with(village) && own_word && !kind_of && chars.len() > 3 {
        after[village.len()..].to_string()
    } else {
        after
    }
}

// ---- refinements ----

/// 服务群众2.3万人次: a count of visits keeps its measure.
fn person_times(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let visits = LEXICON.figure.visit_units.has(unit(ctx, f));
    (!n.name.is_empty() && f.before.is_empty() && f.after.chars().count() <= 2 && visits)
        .then(|| format!("{}{}", n.name, unit(ctx, f)))
}

/// 14项872.36亩土地政策处理: a figure with no words of its own shares the next one's noun.
/// 推出7批170个“微改革”项目: a verb before two figures written together names both (推出“微改革”项目).
/// (not 投资6.4亿元7.4公里的“大北环”: the second figure describes the noun after 的)
fn shared_noun(ctx: &mut Ctx, f: &Frame, _: &Named) -> Option<String> {
    let (text, sq, q) = (ctx.text, ctx.sq, &ctx.sq[f.qi]);
    let possessive = LEXICON.figure.possessive.as_str();
    let next_cut = ((f.qi + 1)..sq.len()).find(|&n| ctx.cuts[n]);
    let next_touches = next_cut.is_some_and(|n| sq[n].start == q.end && !starts_at(text, sq[n].end, possessive));
    let verb_only = !f.before.is_empty() && f.before.chars().count() <= 3 && next_touches;
    let bare = f.before.is_empty() || f.before.chars().last().is_some_and(|c| LEXICON.figure.list_ends.has(c)) || verb_only;
    if !f.after.is_empty() || !bare {
        return None;
    }
    let n = next_cut.filter(|&n| sq[n].start <= q.end + 1 && sq[n].start < f.ce)?;
    let noun = name::after_words(text, sq[n].end, ctx.next_cut_start(n, f.ce));
    if noun.is_empty() {
        return None;
    }
    let lead = if verb_only { f.before.as_str() } else { "" };
    Some(format!("{lead}{noun}{}", name::measure_of(&q.q.unit, starts_at(text, sq[n].end, possessive))))
}

/// 173户349人稳定脱贫, 611人全部脱贫: counted by the outcome they reached (稳定脱贫户, 稳定脱贫人口).
fn outcome_reached(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let words = &LEXICON.figure;
    let noun = words.outcome_nouns.iter().find(|(u, _)| u == unit(ctx, f)).map(|(_, noun)| noun)?;
    if !f.before.is_empty() {
        return None;
    }
    let outcome = words.all_words.iter().find_map(|w| n.name.strip_prefix(w.as_str())).unwrap_or(&n.name);
    let oc: Vec<char> = outcome.chars().collect();
    let reached = word_before(&oc, oc.len(), &LEXICON.name.outcome_verbs).is_some();
    (reached && oc.len() <= 4).then(|| format!("{outcome}{noun}"))
}

/// 强力整治…等“散乱污”企业，依法取缔351家: a bare verb after a clause without figures takes the object the
/// clause before ends with, after its 等.
fn object_of_clause_before(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    if f.k == 0 || !name::is_only_verb(&n.name) || !ctx.figure_free(f.k - 1) {
        return None;
    }
    let (text, words) = (ctx.text, &LEXICON.figure);
    let (ps, pe) = ctx.clauses[f.k - 1];
    let d = (ps..pe).rev().find(|&i| words.list_ends.has(text[i]))?;
    let object = &text[d + 1..pe];
    let plain = object.iter().all(|&c| is_han(c) || c == '"' || words.curly_quotes.has(c));
    ((2..=10).contains(&object.len()) && plain).then(|| format!("{}{}", n.name, object.iter().collect::<String>()))
}

/// 实施城乡供水一体化工程，全年共完成投资3.5亿元: a bare sum after a clause without figures that names a
/// project is that project's (城乡供水一体化工程投资); other clauses before it leave it bare.
fn project_of_clause_before(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    if f.k == 0 || !LEXICON.figure.spending_words.has(&n.name) || !ctx.figure_free(f.k - 1) {
        return None;
    }
    let (ps, pe) = ctx.clauses[f.k - 1];
    funded::project(ctx.text, ps, pe).map(|project| format!("{project}{}", n.name))
}

/// A list item after 、 (唯一住房农户517户、非唯一住房80户): the head noun said once is shared (非唯一住房农户).
fn list_head_noun(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let prev = ctx.prev_draft(f.qi).filter(|_| after_list_mark(ctx, f))?;
    joins::share_head_noun(&prev.name, &n.name)
}

/// A list item after 、 shares the verb of the item before it.
fn list_shared_verb(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let prev = ctx.prev_draft(f.qi).filter(|_| after_list_mark(ctx, f))?;
    joins::share_verb(&prev.name, &n.name)
}

fn after_list_mark(ctx: &Ctx, f: &Frame) -> bool {
    f.prev_end.is_some() && f.from > f.cs && LEXICON.figure.list_marks.has(ctx.text[f.from - 1])
}

fn put_back_noun(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    joins::put_back_noun(&ctx.prev_draft(f.qi)?.name, &n.name)
}

/// 市场主体达到1.58万户、增长2997户: a change verb alone after a figure of the same unit is that figure's
/// absolute change (市场主体增长).
fn change_of_figure_before(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let change_verb = LEXICON.change.verbs.iter().any(|(v, _)| *v == n.name);
    if n.name.chars().count() < 2 || !change_verb {
        return None;
    }
    let unit = values::base_unit(&ctx.sq[f.qi].q.unit);
    let prev = ctx.prev_draft(f.qi)?;
    (prev.unit == unit && !prev.name.is_empty() && prev.change.is_none()).then(|| format!("{}{}", prev.name, n.name))
}

/// 总建筑面积 after 8449套回迁安置房: the attribute of the thing before (of the whole, not of a 其中 part).
/// 新增市场主体850户,总数9600户: a total is of the thing, not of what was added.
/// 蔬菜播种面积96公顷,产量3106吨: a sibling attribute of the same thing (蔬菜产量).
fn attribute_of_thing(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let prev = ctx.prev_draft(f.qi)?;
    let owner_draft = ctx.drafts.iter().rev().find(|d| d.q.is_some_and(|p| p < f.qi) && d.rule != Rule::PartOf);
    let owner_draft = owner_draft.unwrap_or(prev);
    if !LEXICON.name.attributes.has(&n.name) || owner_draft.name.is_empty() {
        return None;
    }
    let words = &LEXICON.figure;
    let owner = match name::leading_verb(&owner_draft.name) {
        Some(v) if words.total_attributes.has(&n.name) && v.starts_with(words.new_prefix.as_str()) => {
            owner_draft.name[v.len()..].to_string()
        }
        _ => owner_draft.name.clone(),
    };
    Some(format!("{}{}", name::without_attribute(&owner), n.name))
}

/// 粮食生产实现“十连增”，总产达到49.9万吨: an attribute alone, first figure of its sentence, is of the
/// noun that opens the clause before it, a clause without figures.
fn attribute_of_topic(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let k = ctx.clause_of(ctx.sq[f.qi].start);
    let first_figure = f.qi == 0 || ctx.sq[f.qi - 1].start < ctx.sent.start;
    if n.rule == Rule::AttributeOf || !LEXICON.name.attributes.has(&n.name) || !first_figure || k == 0 || !ctx.figure_free(k - 1) {
        return None;
    }
    let (cs, ce) = ctx.clauses[k - 1];
    let owner = subject::topic_noun(ctx.text, cs, ce)?;
    Some(format!("{owner}{}", n.name))
}

/// 固定资产投资12亿元,占全区的35%: the share of the figure before.
fn share_of(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let words = &LEXICON.figure;
    if !n.name.starts_with(words.share_lead.as_str()) || unit(ctx, f) != "%" {
        return None;
    }
    let part = part_before(ctx, f.qi)?;
    let whole = n.name.trim_end_matches(words.possessive.as_str());
    let tail = if words.share_words.ending(whole).is_some() { "" } else { words.share_tail.as_str() };
    Some(format!("{part}{whole}{tail}"))
}

/// What a share is of: the figure named before it, or the subject of a change stated just before with no
/// level of its own (规模以上高新技术产业增加值增长17.4%、占规上工业增加值53%).
fn part_before(ctx: &Ctx, qi: usize) -> Option<String> {
    let draft = ctx.prev_draft(qi).map(|d| (d.q.unwrap_or(0), d.name.clone()));
    let change = ctx.changes.iter().filter(|c| c.q < qi && c.absolute.is_none()).max_by_key(|c| c.q).map(|c| {
        let (cs, _) = ctx.clauses[ctx.clause_of(c.cue_start)];
        let from = c.q.checked_sub(1).map_or(cs, |p| ctx.sq[p].end.clamp(cs, c.cue_start));
        (c.q, name::before_words(ctx.text, from, c.cue_start))
    });
    [draft, change].into_iter().flatten().filter(|(_, n)| !n.is_empty()).max_by_key(|(q, _)| *q).map(|(_, n)| n)
}

/// 城乡居民人均可支配收入2.57万元和1.68万元: only a joiner between two figures, and a head that names two
/// groups: the first figure is the first group's, this one the second's.
fn paired_figures(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let prev = ctx.prev_draft(f.qi)?;
    if !n.name.is_empty() || !joined(ctx, prev, f) || !f.after.is_empty() {
        return None;
    }
    let (first, second) = name::split_pair(&prev.name)?;
    let qi = f.qi;
    if let Some(d) = ctx.drafts.iter_mut().rev().find(|d| d.q.is_some_and(|p| p < qi)) {
        d.name = first;
    }
    Some(second)
}

/// 联合审查132户265人, 立案处罚33起30万元: a second figure of the same thing.
/// 新增规上企业15家,累计达到128家: the running total is of the thing, not of what was added.
fn adjacent_figures(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let prev = ctx.prev_draft(f.qi)?;
    let q = &ctx.sq[f.qi];
    let alone = || f.after.is_empty() && name::before_words(ctx.text, f.cs, q.start).is_empty();
    if !n.name.is_empty() || !(next_to_figure(ctx, prev, f) || alone()) {
        return None;
    }
    let words = &LEXICON.figure;
    let money = super::values::base_unit(&q.q.unit) == words.money_unit && prev.unit != words.money_unit;
    let mut nm = if money { format!("{}{}", prev.name, words.money_amount) } else { prev.name.clone() };
    let total = word_at(ctx.text, f.cs, &words.total_leads).is_some();
    if let Some(v) = name::leading_verb(&nm).filter(|v| total && v.starts_with(words.new_prefix.as_str())) {
        nm = nm[v.len()..].to_string();
    }
    Some(nm)
}

/// 20个自然屯，共有4645户: households with no words of their own, not right after a figure they count
/// with (132户265人), are the households (户数).
fn households_alone(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let q = &ctx.sq[f.qi];
    if !n.name.is_empty() || !f.after.is_empty() || q.q.unit != LEXICON.figure.household_unit {
        return None;
    }
    let with_figure = ctx.prev_draft(f.qi).is_some_and(|p| next_to_figure(ctx, p, f));
    (!with_figure).then(|| LEXICON.figure.households_alone.clone())
}

/// 9717户、30384人; 村民1242户，人口4050人: the people right after a count of households live in them.
fn people_of_households(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let words = &LEXICON.figure;
    let prev = ctx.prev_draft(f.qi)?;
    let q = &ctx.sq[f.qi];
    let own = name::before_words(ctx.text, f.cs, q.start);
    // Only a mark, and perhaps the people word (人口), between the two.
    let gap_end = q.start.saturating_sub(own.chars().count()).max(prev.span.1);
    let gap = &ctx.text[prev.span.1..gap_end];
    let next_to = gap.len() <= 2 && !gap.iter().any(|&c| is_han(c));
    let copied = n.name.is_empty() || n.name == prev.name || n.name == words.people_word;
    let people = words.people_units.has(&super::values::base_unit(&q.q.unit));
    if prev.unit != words.household_unit || !people || !next_to || !copied || !f.after.is_empty() {
        return None;
    }
    let turned = words.household_people.iter().find_map(|(h, p)| prev.name.strip_suffix(h.as_str()).map(|o| format!("{o}{p}")));
    turned.or_else(|| (own == words.people_word).then(|| format!("{}{own}", prev.name)))
}

/// Does this figure follow the one before right away (132户265人) or after a joiner only (2.57万元和1.68万元)?
fn next_to_figure(ctx: &Ctx, prev: &Draft, f: &Frame) -> bool {
    prev.span.1 == ctx.sq[f.qi].start || joined(ctx, prev, f)
}

/// 2.57万元和1.68万元: only a joiner between the figure before and this one.
fn joined(ctx: &Ctx, prev: &Draft, f: &Frame) -> bool {
    let start = ctx.sq[f.qi].start;
    prev.span.1 < start
        && start - prev.span.1 <= 2
        && word_at(ctx.text, prev.span.1, &LEXICON.name.figure_joiners)
            .is_some_and(|w| prev.span.1 + w.chars().count() == start)
}

/// 地区生产总值增长6.0%,总量达到4773.3亿元: the total of what the change before was said of.
fn attribute_of_changed(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    if n.rule == Rule::AttributeOf || !LEXICON.name.attributes.has(&n.name) {
        return None;
    }
    let start = ctx.sq[f.qi].start;
    let change = ctx.changes.iter().rfind(|c| ctx.sq[c.q].start < start && c.absolute.is_none())?;
    let owner = name::before_words(ctx.text, ctx.clause_start_of(change.cue_start), change.cue_start);
    if owner.is_empty() || super::attach::is_bridge_subject(&owner) {
        return None;
    }
    let whole = LEXICON.figure.whole_attribute == n.name;
    Some(if whole { owner } else { format!("{owner}{}", n.name) })
}

/// 其中…: a part of the figure before.
fn part_of(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let start = ctx.sq[f.qi].start;
    let words = &LEXICON.figure;
    let cue_at = |w: &String| find(ctx.text, f.cs, start, w);
    // 完成日常治理10幢(其中困难群众2幢)、腾空26幢: a 其中 inside brackets closed before the figure is not its.
    let closed = |at: usize| ctx.text[at..start].iter().any(|&c| LEXICON.name.close_brackets.has(c));
    words.part_cues.iter().filter_map(cue_at).any(|at| !closed(at)).then(|| n.name.clone())
}

/// 投放点实现45个村级、160个小区、198家企业全覆盖: what the subject covers, item by item.
fn coverage(ctx: &mut Ctx, f: &Frame, _: &Named) -> Option<String> {
    joins::coverage(ctx.text, (f.cs, f.ce), ctx.sq[f.qi].start, &f.after)
}

/// 由162个整合为123个, 从3.2万户增加到4.1万户, 由2005年的21.5万辆发展到72万辆: the earlier figure is the
/// old one, of the subject before 由/从.
fn from_to_old(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let (text, q) = (ctx.text, &ctx.sq[f.qi]);
    let nq = ctx.sq.get(f.qi + 1)?;
    let words = &LEXICON.figure;
    let right_after_mark = q.start > f.cs && words.from_marks.has(text[q.start - 1]);
    let after_base_year = year_after(&text[f.from..q.start], &words.base_year_marks).is_some();
    if !(right_after_mark || after_base_year) || !is_to_verb(text, q.end, nq.start) {
        return None;
    }
    // 由2011年的70%: the words before already stop at 由 (and may have been refined: 占…比重); the to-verb
    // after the figure is no part of them.
    let subject = match right_after_mark {
        true => name::before_words(text, f.from, q.start - 1),
        false => n.name.strip_suffix(f.after.as_str()).unwrap_or(&n.name).to_string(),
    };
    if subject.is_empty() {
        return None;
    }
    ctx.from_to_subject = Some((f.qi + 1, subject.clone()));
    Some(subject)
}

/// …the later figure is the level, of the same subject.
fn from_to(ctx: &mut Ctx, f: &Frame, _: &Named) -> Option<String> {
    ctx.from_to_subject.as_ref().filter(|(n, _)| *n == f.qi).map(|(_, s)| s.clone())
}

/// 由2010年的95亿元增加到2015年的162亿元: the second is the same measure as the first.
fn to_year_same_measure(ctx: &mut Ctx, f: &Frame, n: &Named) -> Option<String> {
    let raw = &ctx.text[f.from..ctx.sq[f.qi].start];
    if !n.name.is_empty() || year_after(raw, &LEXICON.figure.to_marks).is_none() {
        return None;
    }
    ctx.prev_draft(f.qi).map(|p| p.name.clone())
}

/// 谋划实施省市重点项目，完成投资661.6亿元 → 省市重点项目投资: the spending of a project is the project's,
/// not the pursuit of it (`spending_pursuits`: 实施, 推进, 启动 … before it go).
fn project_spending(_: &mut Ctx, _: &Frame, n: &Named) -> Option<String> {
    let words = &LEXICON.figure;
    let spending = words.spending_words.ending(&n.name)?;
    let chars: Vec<char> = n.name.chars().collect();
    let mut at = 0;
    while let Some(v) = word_at(&chars, at, &words.spending_pursuits) {
        at += v.chars().count();
    }
    // 实施了…, 实施的…: the particle goes with the verb.
    if at > 0 && chars.get(at).is_some_and(|&c| words.done_particles.has(c) || words.possessive.starts_with(c)) {
        at += 1;
    }
    let rest = chars.len() - at;
    (at > 0 && rest > spending.chars().count() + 1).then(|| chars[at..].iter().collect())
}

/// 办理人大代表建议95件、政协委员提案136件，办结率均达100%: a bare rate said 均 of the list in the clause
/// before is the rate of them all, named by every item (人大代表建议和政协委员提案办结率).
/// Returns whether it made that draft in place of `d`.
pub fn shared_rate(ctx: &mut Ctx, f: &Frame, d: &Draft) -> bool {
    let words = &LEXICON.figure;
    let q = &ctx.sq[f.qi];
    let each = (f.cs..q.start).any(|i| said_of_each(ctx.text, i));
    let bare_rate = d.name.ends_with(words.rate_suffix.as_str()) && d.name.chars().count() <= 4;
    if q.q.unit != "%" || f.k == 0 || !bare_rate || !each {
        return false;
    }
    let (ps, pe) = ctx.clauses[f.k - 1];
    let items: Vec<String> = ctx
        .drafts
        .iter()
        .filter(|x| x.span.0 >= ps && x.span.1 <= pe && x.value.is_some() && x.rule != Rule::PartOf)
        .map(|x| x.name.clone())
        .collect();
    if items.len() < 2 {
        return false;
    }
    let owners: Vec<String> = items
        .iter()
        .map(|item| {
            let chars: Vec<char> = item.chars().collect();
            let handled = word_at(&chars, 0, &LEXICON.name.handling_verbs);
            let verb = handled.map(str::to_string).or_else(|| name::leading_verb(item));
            verb.map_or(item.clone(), |v| item[v.len()..].to_string())
        })
        .collect();
    let mut e = d.clone();
    e.name = format!("{}{}", owners.join(&words.items_joiner), d.name);
    e.rule = Rule::SharedRate;
    ctx.drafts.push(e);
    true
}

/// 森林覆盖率、城市污水处理率、生活垃圾无害化处理率均达到100%: a list said 均 of one figure, or a list of
/// rates before it, shares that figure: one indicator per item; an item without a verb takes the one before's.
/// Returns whether it made those drafts in place of `d`.
pub fn shared_figure(ctx: &mut Ctx, f: &Frame, d: &Draft) -> bool {
    let words = &LEXICON.figure;
    let q = &ctx.sq[f.qi];
    let each = (f.from..q.start).any(|i| said_of_each(ctx.text, i));
    if !each && q.q.unit != "%" {
        return false;
    }
    let items = joins::split_list(&d.name);
    let rate = |item: &String| item.ends_with(words.rate_suffix.as_str()) && item.chars().count() >= 3;
    let rates = q.q.unit == "%" && items.iter().all(rate);
    // 食品、钢铁等七大优势产业: examples of one thing, not a list of things.
    let examples = d.name.chars().any(|c| words.list_ends.has(c));
    if items.len() < 2 || examples || !(each || rates) {
        return false;
    }
    let mut prev: Option<String> = None;
    for item in items {
        let name = prev.as_deref().and_then(|p| joins::share_verb(p, &item)).unwrap_or(item);
        let mut e = d.clone();
        e.name = name.clone();
        e.rule = Rule::ListSharedFigure;
        ctx.drafts.push(e);
        prev = Some(name);
    }
    true
}

/// A name without the footnote markers the text writes inside it (新建农村公路[3] → 新建农村公路).
pub fn without_footnotes(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let brackets = &LEXICON.figure.footnote_brackets;
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        let note = brackets.iter().find_map(|(open, close)| {
            let (open, close) = (open.chars().next()?, close.chars().next()?);
            let digits = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            (chars[i] == open && digits > 0 && chars.get(i + 1 + digits) == Some(&close)).then_some(digits + 2)
        });
        let circled = ('\u{2460}'..='\u{2473}').contains(&chars[i]);
        match note {
            Some(n) => i += n,
            None if circled => i += 1,
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Is `text[i]` a 均/都 said of each item of a list, not part of a word (年均, 平均, 人均, 首都)?
pub fn said_of_each(text: &[char], i: usize) -> bool {
    let words = &LEXICON.figure;
    let in_word = || {
        (i.saturating_sub(2)..=i).any(|a| word_at(text, a, &words.not_each_words).is_some_and(|w| a + w.chars().count() > i))
    };
    words.each_cues.has(text[i]) && !in_word()
}
