//! Assembling indicators: how a sentence becomes indicators (see DESIGN.md, "Indicators").
//!
//! Per sentence: the matchers (change, completion, rank, period) claim the numbers that are
//! parts of other figures; the remaining numbers that measure something become level
//! indicators named by `name`; joins tie figures together; changes, completions and ranks
//! are attached to the figure they follow.

pub mod change;
pub mod completion;
pub mod joins;
pub mod kind;
pub mod name;
pub mod period;
pub mod rank;
pub mod values;

use crate::lexicon::{is_han, starts_at};
use crate::sentence::{self, Sentence};
use crate::structure::{self, Heading};
use crate::{Approx, Change, ChangeUnit, IndicatorKind, Quantity, Rank, SectionKind};

/// A quantity of the sentence being read, in clean-text code points.
pub struct SentenceQ<'a> {
    pub start: usize,
    pub end: usize,
    pub q: &'a Quantity,
}

/// An indicator before its spans are mapped back to the caller's text.
#[derive(Debug, Clone)]
pub struct Draft {
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    pub value_text: String,
    pub approx: Approx,
    pub span: (usize, usize),
    pub change: Option<Change>,
    pub rank: Option<Rank>,
    pub completion: Option<(f64, Approx)>,
    pub months: Option<(u8, u8)>,
    /// A year the text names for this figure (由2010年的95亿元 → 2010), over the report year.
    pub year: Option<i32>,
    pub kind: IndicatorKind,
    pub rule: &'static str,
    pub sentence: Sentence,
    /// Index of the level figure in the sentence's quantities (none for list copies).
    q: Option<usize>,
    clause: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Level,
    Change(usize),
    Completion(usize),
    Rank,
    Skip,
}

pub struct Env<'a> {
    pub text: &'a [char],
    pub quantities: &'a [Quantity],
    pub headings: &'a [Heading],
    /// The whole report plans (工作计划, 工作要点): figures outside a review section are targets.
    pub plan_report: bool,
    /// The issuer, dropped from the head of names (稠江街道共实现… → 规上工业总产值).
    pub issuer: &'a str,
}

/// Reads all sentences; `quantities` must be sorted by span start.
pub fn assemble(env: &Env, sentences: &[Sentence]) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut qi = 0;
    for &sent in sentences {
        while qi < env.quantities.len() && env.quantities[qi].span.start < sent.start {
            qi += 1;
        }
        let mut qj = qi;
        while qj < env.quantities.len() && env.quantities[qj].span.end <= sent.end {
            qj += 1;
        }
        // A sentence without numbers may still rank something (覆盖率全区排名第一).
        if qj == qi && !env.text[sent.start..sent.end].contains(&'第') {
            continue;
        }
        let sq: Vec<SentenceQ> = env.quantities[qi..qj]
            .iter()
            .filter(|q| q.span.start >= sent.start)
            .map(|q| SentenceQ { start: q.span.start, end: q.span.end, q })
            .collect();
        read_sentence(env, sent, &sq, &mut out);
        qi = qj;
    }
    out
}

fn in_plan(env: &Env, pos: usize) -> bool {
    let path = structure::path_at(env.headings, pos);
    let kind_in = |k: SectionKind| path.iter().any(|&h| env.headings[h].kind == k);
    kind_in(SectionKind::Plan) || (env.plan_report && !kind_in(SectionKind::Review))
}

/// Is this number a measure, not a date, a duration, an ordinal, a code or a category threshold?
fn measures_something(text: &[char], q: &SentenceQ, sentence_end: usize) -> bool {
    // 高于全市平均水平0.8个百分点: points compare, they measure nothing of their own.
    // …是2010年的2.4倍: a multiple compares, it measures nothing of its own (增长1.2倍 is a change).
    if !values::has_digit(q.q) || values::is_time_unit(&q.q.unit) || q.q.unit.ends_with("百分点") || q.q.unit == "倍"
    {
        return false;
    }
    let prev = if q.start > 0 { Some(text[q.start - 1]) } else { None };
    let next = text.get(q.end).copied();
    // 第3针, G322, 每10万人 (a denominator): not measures.
    if matches!(prev, Some('第' | '〔' | '[' | '【' | '+' | '＋' | 'G' | 'S' | 'X' | 'Y' | '№' | '每')) {
        return false;
    }
    if matches!(next, Some('+' | '＋' | '号' | '届')) {
        return false;
    }
    // “1586”专项行动, “1+4”制度体系
    if prev == Some('“') && next == Some('”') {
        return false;
    }
    // 超200亿元县2个, 收入超50万元的村12个: a threshold after 超 that names what the next count counts.
    let over_before = prev == Some('超') || (q.start >= 2 && text[q.start - 2..q.start] == ['超', '过']);
    if over_before {
        let j = if starts_at(text, q.end, "的") { q.end + 1 } else { q.end };
        let noun_end = (j..sentence_end.min(j + 8)).find(|&i| !is_han(text[i]));
        if let Some(e) = noun_end {
            let noun = &text[j..e];
            let compares = noun.iter().any(|c| matches!(c, '增' | '降' | '比' | '较' | '占' | '率' | '长' | '为' | '是'));
            if e > j && text[e].is_ascii_digit() && !compares {
                return false;
            }
        }
    }
    // 10人以上重点出租房, 收入100万元以上的村: a threshold that defines a category.
    let mut j = q.end;
    let text_has = |w: &str| q.q.text.ends_with(w);
    let bound = if text_has("以上") || text_has("以下") {
        true
    } else if ["以上", "以下", "及以上", "及以下"].iter().any(|w| starts_at(text, j, w)) {
        j += if text[j] == '及' { 3 } else { 2 };
        true
    } else {
        false
    };
    if bound && j < sentence_end {
        if starts_at(text, j, "的") {
            j += 1;
        }
        // 100万元以上21个, 100万元以上达21个村: the count of what passes the threshold follows.
        let k = if matches!(text[j], '达' | '为' | '有') { j + 1 } else { j };
        if text.get(k).is_some_and(|c| c.is_ascii_digit()) {
            return false;
        }
        let c = text[j];
        let change_noun = ["增速", "增幅", "增长", "涨幅"].iter().any(|w| starts_at(text, j, w));
        if is_han(c) && !change_noun && !matches!(c, '达' | '为' | '，' | '。' | '占' | '完' | '实' | '的' | '是')
        {
            return false;
        }
    }
    true
}

fn read_sentence(env: &Env, sent: Sentence, sq: &[SentenceQ], out: &mut Vec<Draft>) {
    let text = env.text;
    let clauses = sentence::clauses(text, sent.start, sent.end);
    // Clauses are sorted and disjoint: a binary search keeps long sentences linear.
    let clause_of = |pos: usize| {
        let k = clauses.partition_point(|&(s, _)| s <= pos).saturating_sub(1);
        if pos >= clauses[k].0 && pos <= clauses[k].1 {
            k
        } else {
            0
        }
    };
    let clause_start_of = |pos: usize| clauses[clause_of(pos)].0;

    let changes = change::find(text, sq, clause_start_of);
    let comps = completion::find_all(text, sq, clause_start_of);
    let ranks = rank::find(text, sent.start, sent.end, sq);
    let mut role = vec![Role::Level; sq.len()];
    for (ci, c) in changes.iter().enumerate() {
        role[c.q] = Role::Change(ci);
    }
    for (ci, c) in comps.iter().enumerate() {
        role[c.q] = Role::Completion(ci);
    }
    for r in &ranks {
        for &q in &r.consumed {
            role[q] = Role::Rank;
        }
    }

    // Months: a time phrase at the sentence head covers its list; a later clause head may restate it.
    let head_months =
        period::months_at(text, skip_marker(text, sent.start, sent.end), sent.end).map(|(f, t, _)| (f, t));
    let mut clause_months: Vec<Option<(u8, u8)>> = Vec::with_capacity(clauses.len());
    let mut running = head_months;
    for (k, &(cs, ce)) in clauses.iter().enumerate() {
        let cs = skip_marker(text, cs, ce);
        if k > 0 {
            if let Some((f, t, _)) = period::months_at(text, cs, ce) {
                running = Some((f, t));
            }
        }
        let event = period::event_month_at(text, cs, ce).map(|m| (m, m));
        clause_months.push(if k == 0 && head_months.is_some() { head_months } else { event.or(running) });
    }

    let mut drafts: Vec<Draft> = Vec::new();
    // "- 24个": a list bullet, not a minus sign.
    let bullet = |q: &SentenceQ| {
        q.q.value < 0.0 && q.q.text.starts_with('-') && (q.start == 0 || text[q.start - 1].is_whitespace())
    };
    let base = |name: String, q: &SentenceQ, qi: usize, rule: &'static str, clause: usize| Draft {
        name,
        value: Some(if bullet(q) { -q.q.value } else { q.q.value }),
        unit: values::base_unit(&q.q.unit),
        value_text: q.q.text.clone(),
        approx: approx_of(text, q),
        span: (q.start, q.end),
        change: None,
        rank: None,
        completion: None,
        months: clause_months[clause],
        year: None,
        kind: IndicatorKind::Actual,
        rule,
        sentence: sent,
        q: Some(qi),
        clause,
    };

    // 分别: names before it, figures (or changes) after it, in order.
    let mut respective_changes: Vec<(usize, Vec<usize>)> = Vec::new(); // clause, change indices
    for (k, &clause) in clauses.iter().enumerate() {
        if let Some(r) = joins::respectively(text, clause, sq) {
            if let Some(sign) = r.change_sign {
                // 规上工业增加值、固定资产投资分别增长8.1%、12.3%: one change per name.
                if r.names.len() == r.qs.len() {
                    for (n, &qi) in r.names.iter().zip(&r.qs) {
                        let q = &sq[qi];
                        let mut d = base(n.clone(), q, qi, "respectively", k);
                        d.value = None;
                        d.unit = String::new();
                        d.approx = Approx::Exact;
                        let unit =
                            if q.q.unit.ends_with("百分点") { ChangeUnit::Points } else { ChangeUnit::Percent };
                        d.change = Some(Change { pct: sign as f64 * q.q.value, approx: approx_of(text, q), unit });
                        d.q = None;
                        drafts.push(d);
                        role[qi] = Role::Skip;
                    }
                } else if r.names.is_empty() {
                    respective_changes.push((k, r.qs.clone()));
                    for &qi in &r.qs {
                        role[qi] = Role::Skip;
                    }
                }
                continue;
            }
            let names: Vec<String> =
                if r.names.len() == 1 { vec![r.names[0].clone(); r.qs.len()] } else { r.names.clone() };
            for (n, &qi) in names.iter().zip(&r.qs) {
                if role[qi] != Role::Level || !values::has_digit(sq[qi].q) {
                    continue;
                }
                let mut d = base(n.clone(), &sq[qi], qi, "respectively", k);
                if d.unit.is_empty() {
                    d.unit = r.unit.clone();
                }
                if d.approx == Approx::Exact {
                    d.approx = r.approx;
                }
                drafts.push(d);
                role[qi] = Role::Skip;
            }
        }
    }

    // Numbers that end a name: figures and parts of figures; dates and thresholds stay inside names.
    let cuts: Vec<bool> = sq
        .iter()
        .enumerate()
        .map(|(i, q)| match role[i] {
            Role::Level => measures_something(text, q, sent.end),
            Role::Skip => true,
            _ => true,
        })
        .collect();

    // Level figures.
    let mut from_to_subject: Option<(usize, String)> = None;
    for (qi, q) in sq.iter().enumerate() {
        if role[qi] != Role::Level || !cuts[qi] {
            continue;
        }
        let k = clause_of(q.start);
        let (cs, ce) = clauses[k];
        let prev_end = last_end_in_clause(sq, qi, cs, q.start, |p| cuts[p]);
        // A time inside the clause (“7天34户全部签约”) also ends the words before a figure.
        let prev_end = last_end_in_clause(sq, qi, cs, q.start, |p| {
            !cuts[p] && ["天", "小时", "年", "月", "日", "个月"].contains(&sq[p].q.unit.as_str())
        })
        .max(prev_end);
        let mut from = prev_end.unwrap_or(cs);
        if prev_end.is_some() {
            // 14座铁塔、384个电杆移建: what stands before 、 belongs to the figure before.
            if let Some(p) = (from..q.start).rev().find(|&i| matches!(text[i], '、' | '及' | '和')) {
                from = p + 1;
            }
            // 28天里完成: 里/内 after a duration.
            if from < q.start && matches!(text[from], '里' | '内') {
                from += 1;
            }
        }
        // 依托主题党日、干部会议等开展交通法规培训: the examples before 等 go.
        if let Some(p) = (from..q.start).rev().find(|&i| text[i] == '等') {
            let verb_follows =
                crate::lexicon::word_at(text, p + 1, &crate::lexicon::LEXICON.name.meaning_verbs).is_some();
            if text[from..p].contains(&'、') && p + 1 < q.start && verb_follows {
                from = p + 1;
            }
        }
        let after_skip = {
            let mut j = q.end;
            for w in ["以上", "以下", "以内", "左右", "多"] {
                if starts_at(text, j, w) {
                    j += w.chars().count();
                }
            }
            j
        };
        let next_start =
            ((qi + 1)..sq.len()).filter(|&n| cuts[n]).map(|n| sq[n].start).next().filter(|&st| st < ce).unwrap_or(ce);
        // 投资7.2亿元由江苏中圣集团建设的集中供热项目: who built it is no part of the name; the noun after 的 is.
        let after_skip = if text.get(after_skip) == Some(&'由') {
            (after_skip + 2..next_start.min(after_skip + 16)).find(|&i| text[i] == '的').unwrap_or(after_skip)
        } else {
            after_skip
        };
        let mut before = name::before_words(text, from, q.start);
        if !env.issuer.is_empty() {
            if let Some(rest) = before.strip_prefix(env.issuer) {
                before = name::before_words(&rest.chars().collect::<Vec<_>>(), 0, rest.chars().count());
            }
        }
        let after =
            if after_skip < next_start { name::after_words(text, after_skip, next_start) } else { String::new() };
        // 投资1100万元新建污水管线2847米, 投资1.2亿元完成16个老旧小区环境综合整治: money spent on an action is
        // named by that action (新建污水管线投资, 老旧小区环境综合整治投资), the counts inside it left out.
        let funded = (matches!(before.as_str(), "投资" | "投入")
            && q.q.unit == "元"
            && !after.is_empty()
            && text.get(after_skip) != Some(&'的'))
            .then(|| funded_action(text, sq, after_skip, ce))
            .flatten();
        // 城镇登记失业率控制在3.5%的较低水平: a rate named before its figure is not named by what follows.
        let after = if q.q.unit == "%" && before.chars().count() >= 3 && before.ends_with('率') {
            String::new()
        } else {
            after
        };
        let (mut nm, mut rule) = if after.is_empty() {
            (before.clone(), "level")
        } else if let Some(action) = &funded {
            (format!("{action}{before}"), "level_of_noun")
        } else if text.get(after_skip) == Some(&'的') && before.is_empty() {
            // 3000余户的南滨江九大团块: the size of what follows (南滨江九大团块户数).
            (format!("{after}{}", name::measure_of(&q.q.unit, true)), "level_of_noun")
        } else if text.get(after_skip) == Some(&'的') && !before.is_empty() && before.chars().count() <= 4 {
            // 投资近1亿元的桃源幸福颐养院项目: the thing after 的, measured by the verb before.
            // …的污水处理厂二期建成投用: what was done to it is no part of its name.
            let noun = match after.find("项目") {
                Some(p) => after[..p + "项目".len()].to_string(),
                None => name::before_first_verb(&after),
            };
            (format!("{noun}{before}"), "level_of_noun")
        } else {
            let listy = before.ends_with('等') || before.contains('、');
            let mut lead = if listy { name::leading_verb(&before).unwrap_or_default() } else { before.clone() };
            let mut after = after.clone();
            // 3049对夫妻举办“银婚”仪式: people named by what was done for them (举办“银婚”仪式夫妻).
            if matches!(q.q.unit.as_str(), "人" | "对") {
                if let Some(n) = name::people_by_action(&after) {
                    after = n;
                }
            }
            // 118台工业燃煤锅炉全部拆除: counted by what was done to them; the words before only place them.
            if let Some(n) = name::counted_action(text, after_skip, next_start, ce) {
                after = n;
                lead.clear();
            } else {
                // 4个小区获评省级垃圾分类示范小区: what they became names them.
                if let Some(n) = name::award_of(&after) {
                    after = n;
                }
                // 5个村集中签约 → 集中签约村; 8个村实施旧村改造 → 实施旧村改造村.
                if let Some(n) = name::places_by_action(&after) {
                    after = n;
                    if name::starts_with_light_verb(&lead) {
                        lead.clear();
                    }
                }
                // …but 村级服务站 is a kind of station, not villages.
                if after.starts_with('村') && !after.starts_with("村级") && after.chars().count() > 3 {
                    after = after['村'.len_utf8()..].to_string();
                }
            }
            // 21个村 after a name: the counted noun adds nothing.
            if after.chars().count() == 1 && !lead.is_empty() {
                after.clear();
            }
            if q.q.unit == "%" && !after.ends_with('率') {
                after.push('率');
            }
            // 耕地面积4208公顷耕地面积 (a table read as text): said once.
            if lead.ends_with(after.as_str()) {
                after.clear();
            }
            (format!("{lead}{after}"), "level_counted_noun")
        };
        if !nm.is_empty() && before.is_empty() && after.chars().count() <= 2 && q.q.unit == "人次" {
            nm = format!("{nm}人次");
        }
        // 14项872.36亩土地政策处理, 1100余亩、3000余户的…: a figure with no words of its own shares the next one's noun.
        // 推出7批170个“微改革”项目: a verb before two figures written together names both (推出“微改革”项目).
        // (not 投资6.4亿元7.4公里的“大北环”: the second figure describes the noun after 的)
        let next_touches = ((qi + 1)..sq.len())
            .find(|&n| cuts[n])
            .is_some_and(|n| sq[n].start == q.end && text.get(sq[n].end) != Some(&'的'));
        let verb_only = !before.is_empty() && before.chars().count() <= 3 && next_touches;
        if after.is_empty() && (before.is_empty() || before.ends_with('等') || verb_only) {
            let next =
                ((qi + 1)..sq.len()).find(|&n| cuts[n]).filter(|&n| sq[n].start <= q.end + 1 && sq[n].start < ce);
            if let Some(n) = next {
                let nend =
                    ((n + 1)..sq.len()).filter(|&m| cuts[m]).map(|m| sq[m].start).next().filter(|&st| st < ce).unwrap_or(ce);
                let noun = name::after_words(text, sq[n].end, nend);
                if !noun.is_empty() {
                    let lead = if verb_only { before.as_str() } else { "" };
                    nm = format!("{lead}{noun}{}", name::measure_of(&q.q.unit, text.get(sq[n].end) == Some(&'的')));
                    rule = "shared_noun";
                }
            }
        }
        // 173户349人稳定脱贫, 611人全部脱贫: counted by the outcome they reached (稳定脱贫户, 稳定脱贫人口, 脱贫人口).
        if before.is_empty() && matches!(q.q.unit.as_str(), "户" | "人") {
            let outcome = nm.strip_prefix("全部").unwrap_or(&nm).to_string();
            let oc: Vec<char> = outcome.chars().collect();
            let reached = crate::lexicon::word_before(&oc, oc.len(), &crate::lexicon::LEXICON.name.outcome_verbs);
            if reached.is_some() && oc.len() <= 4 {
                nm = format!("{outcome}{}", if q.q.unit == "户" { "户" } else { "人口" });
            }
        }
        // 强力整治…等“散乱污”企业，依法取缔351家: a bare verb after a clause without figures takes the object the
        // clause before ends with, after its 等.
        if k > 0 && name::is_only_verb(&nm) {
            let (ps, pe) = clauses[k - 1];
            let figure_free = !sq.iter().any(|x| x.start >= ps && x.end <= pe);
            if let Some(d) = (ps..pe).rev().find(|&i| text[i] == '等').filter(|_| figure_free) {
                let object: String = text[d + 1..pe].iter().collect();
                let n = object.chars().count();
                if (2..=10).contains(&n) && object.chars().all(|c| is_han(c) || matches!(c, '“' | '”' | '"')) {
                    nm = format!("{nm}{object}");
                    rule = "elided_noun";
                }
            }
        }
        // 实施城乡供水一体化工程，全年共完成投资3.5亿元: a bare sum after a clause without figures that names a
        // project is that project's (城乡供水一体化工程投资); other clauses before it leave it bare.
        if k > 0 && matches!(nm.as_str(), "投资" | "投入") {
            let (ps, pe) = clauses[k - 1];
            let figure_free = !sq.iter().any(|x| x.start >= ps && x.end <= pe);
            if let Some(project) = figure_free.then(|| funded_project(text, ps, pe)).flatten() {
                nm = format!("{project}{nm}");
                rule = "elided_noun";
            }
        }
        let prev_draft = drafts.iter().rev().find(|d| d.q.is_some_and(|p| p < qi)).cloned();
        // A list item after 、 shares the verb of the item before it.
        let after_list_mark = prev_end.is_some() && from > cs && text[from - 1] == '、';
        if let Some(prev) = &prev_draft {
            if after_list_mark {
                // 唯一住房农户517户、非唯一住房80户: the head noun said once is shared (非唯一住房农户).
                if let Some(n) = joins::share_head_noun(&prev.name, &nm) {
                    nm = n;
                }
                if let Some(n) = joins::share_verb(&prev.name, &nm) {
                    nm = n;
                    rule = "list_shared_verb";
                }
            }
            if let Some(n) = joins::put_back_noun(&prev.name, &nm) {
                nm = n;
                rule = "elided_noun";
            }
            // 总建筑面积 after 8449套回迁安置房: the attribute of the thing before (of the whole, not of a 其中 part).
            let owner_draft =
                drafts.iter().rev().find(|d| d.q.is_some_and(|p| p < qi) && d.rule != "part_of").unwrap_or(prev);
            if crate::lexicon::LEXICON.name.attributes.contains(&nm) && !owner_draft.name.is_empty() {
                let prev = owner_draft;
                // 新增市场主体850户,总数9600户: a total is of the thing, not of what was added.
                let owner = match name::leading_verb(&prev.name) {
                    Some(v) if (nm == "总数" || nm == "总量") && v.starts_with('新') => {
                        prev.name[v.len()..].to_string()
                    }
                    _ => prev.name.clone(),
                };
                // 蔬菜播种面积96公顷,产量3106吨: a sibling attribute of the same thing (蔬菜产量).
                let owner = name::without_attribute(&owner);
                nm = format!("{owner}{nm}");
                rule = "attribute_of";
            }
            // 固定资产投资12亿元,占全区的35%: the share of the figure before.
            if nm.starts_with('占') && q.q.unit == "%" && !prev.name.is_empty() {
                let whole = nm.trim_end_matches('的');
                let tail = if whole.ends_with("比重") || whole.ends_with("比例") { "" } else { "比重" };
                nm = format!("{}{whole}{tail}", prev.name);
                rule = "share_of";
            }
            // 联合审查132户265人, 立案处罚33起30万元: a second figure of the same thing.
            let alone = || after.is_empty() && name::before_words(text, cs, q.start).is_empty();
            // 2.57万元和1.68万元: only a joiner between two figures.
            let joined = prev.span.1 < q.start
                && q.start - prev.span.1 <= 2
                && crate::lexicon::word_at(text, prev.span.1, &crate::lexicon::LEXICON.name.figure_joiners)
                    .is_some_and(|w| prev.span.1 + w.chars().count() == q.start);
            if nm.is_empty() && joined && after.is_empty() {
                if let Some((first, second)) = name::split_pair(&prev.name) {
                    if let Some(d) = drafts.iter_mut().rev().find(|d| d.q.is_some_and(|p| p < qi)) {
                        d.name = first;
                    }
                    nm = second;
                    rule = "adjacent_figures";
                }
            }
            if nm.is_empty() && (prev.span.1 == q.start || joined || alone()) {
                let money = values::base_unit(&q.q.unit) == "元" && prev.unit != "元";
                nm = if money { format!("{}金额", prev.name) } else { prev.name.clone() };
                // 新增规上企业15家,累计达到128家: the running total is of the thing, not of what was added.
                let total = text[cs..q.start].starts_with(&['累', '计']) || text[cs..q.start].starts_with(&['总']);
                if let Some(v) = name::leading_verb(&nm).filter(|v| total && v.starts_with('新')) {
                    nm = nm[v.len()..].to_string();
                }
                rule = "adjacent_figures";
            }
        }
        // 地区生产总值增长6.0%,总量达到4773.3亿元: the total of what the change before was said of.
        if rule != "attribute_of" && crate::lexicon::LEXICON.name.attributes.contains(&nm) {
            let subject = changes
                .iter()
                .rfind(|c| sq[c.q].start < q.start && c.absolute.is_none())
                .map(|c| name::before_words(text, clause_start_of(c.cue_start), c.cue_start))
                .filter(|s| !s.is_empty() && !is_bridge_subject(s));
            if let Some(owner) = subject {
                nm = if nm == "总量" { owner } else { format!("{owner}{nm}") };
                rule = "attribute_of";
            }
        }
        if crate::lexicon::find(text, cs, q.start, "其中").is_some() {
            rule = "part_of";
        }
        // 投放点实现45个村级、160个小区、198家企业全覆盖: what the subject covers, item by item.
        if let Some(n) = joins::coverage(text, (cs, ce), q.start, &after) {
            nm = n;
            rule = "coverage";
        }
        // 由162个整合为123个, 从3.2万户增加到4.1万户: the later figure is the level, the earlier the old one,
        // both of the subject before 由/从.
        if let Some(nq) = sq.get(qi + 1) {
            let from_mark = q.start > cs && matches!(text[q.start - 1], '由' | '从');
            if from_mark && is_to_verb(text, q.end, nq.start) {
                let subject = name::before_words(text, from, q.start - 1);
                if !subject.is_empty() {
                    from_to_subject = Some((qi + 1, subject.clone()));
                    nm = subject;
                    rule = "from_to_old";
                }
            }
        }
        if let Some((_, subject)) = from_to_subject.as_ref().filter(|(n, _)| *n == qi) {
            nm = subject.clone();
            rule = "from_to";
        }
        // 由2010年的95亿元增加到2015年的162亿元: the first is the base year's, the second the same measure's.
        let raw: Vec<char> = text[from..q.start].to_vec();
        let from_year = year_after(&raw, '由').or_else(|| year_after(&raw, '到'));
        if nm.is_empty() && year_after(&raw, '到').is_some() {
            if let Some(prev) = &prev_draft {
                nm = prev.name.clone();
                rule = "from_to";
            }
        }
        let mut d = base(nm, q, qi, rule, k);
        d.year = from_year;
        if d.unit.is_empty() {
            // 水利民生实事项目投资300余万: money said without 元.
            let t = &q.q.text;
            let magnitude = t.contains('万') || t.contains('亿');
            if magnitude && name::speaks_of_money(&(d.name.clone() + &before)) {
                d.unit = "元".to_string();
            } else {
                continue;
            }
        }
        if d.name.is_empty() {
            continue;
        }
        // 办理人大代表建议95件、政协委员提案136件，办结率均达100%: a bare rate said 均 of the list in the clause
        // before is each item's rate (人大代表建议办结率, 政协委员提案办结率), all on the one figure.
        if q.q.unit == "%" && k > 0 && d.name.ends_with('率') && d.name.chars().count() <= 4 && text[cs..q.start].contains(&'均')
        {
            let (ps, pe) = clauses[k - 1];
            let items: Vec<String> = drafts
                .iter()
                .filter(|x| x.span.0 >= ps && x.span.1 <= pe && x.value.is_some() && x.rule != "part_of")
                .map(|x| x.name.clone())
                .collect();
            if items.len() >= 2 {
                for item in items {
                    let chars: Vec<char> = item.chars().collect();
                    let handled = crate::lexicon::word_at(&chars, 0, &crate::lexicon::LEXICON.name.handling_verbs);
                    let verb = handled.map(str::to_string).or_else(|| name::leading_verb(&item));
                    let owner = verb.map_or(item.clone(), |v| item[v.len()..].to_string());
                    let mut e = d.clone();
                    e.name = format!("{owner}{}", d.name);
                    e.rule = "shared_rate";
                    drafts.push(e);
                }
                continue;
            }
        }
        drafts.push(d);
    }
    drafts.sort_by_key(|d| d.span.0);

    // 分别增长5.1%和7.2% after two figures: the changes go to them in order.
    for (k, qs) in &respective_changes {
        let start = clauses[*k].0;
        let sign = joins::respectively(text, clauses[*k], sq).and_then(|r| r.change_sign).unwrap_or(1);
        let before: Vec<usize> =
            (0..drafts.len()).filter(|&i| drafts[i].span.0 < start && drafts[i].q.is_some()).collect();
        if before.len() >= qs.len() {
            for (&di, &qi) in before[before.len() - qs.len()..].iter().zip(qs) {
                let q = &sq[qi];
                let unit = if q.q.unit.ends_with("百分点") { ChangeUnit::Points } else { ChangeUnit::Percent };
                drafts[di].change = Some(Change { pct: sign as f64 * q.q.value, approx: approx_of(text, q), unit });
            }
        }
    }

    // Changes: attached to the figure they follow, or figures of their own.
    for c in &changes {
        if role[c.q] == Role::Skip {
            continue;
        }
        let q = &sq[c.q];
        let k = clause_of(q.start);
        let (cs, _) = clauses[k];
        let from = last_end_in_clause(sq, c.q, cs, c.cue_start, |p| cuts[p]).unwrap_or(cs);
        let subject = name::before_words(text, from, c.cue_start);
        let subject = subject.trim_end_matches("保持").to_string();
        let same_clause_level = drafts.iter().rposition(|d| d.clause == k && d.span.0 < q.start && d.q.is_some());
        if let Some(word) = &c.absolute {
            let who = if !subject.is_empty() {
                subject.clone()
            } else {
                drafts
                    .iter()
                    .rev()
                    .find(|d| d.span.0 < q.start && d.q.is_some() && d.rule != "absolute_change")
                    .map(|d| d.name.clone())
                    .unwrap_or_default()
            };
            if who.is_empty() {
                continue;
            }
            let mut d = base(format!("{who}{word}"), q, c.q, "absolute_change", k);
            if c.pct == 0.0 && word_sign(word) < 0 {
                d.rule = "absolute_change";
            }
            drafts.push(d);
            continue;
        }
        let change = Change { pct: c.pct, approx: c.approx, unit: c.unit };
        // The figure right before the change (the last measuring number) takes it.
        let nearest = (0..c.q).rev().find(|&p| cuts[p] && role[p] == Role::Level);
        let target = if let Some(i) = same_clause_level {
            Some(i)
        } else if subject.is_empty() || is_bridge_subject(&subject) {
            nearest.and_then(|p| drafts.iter().rposition(|d| d.q == Some(p)))
        } else {
            None
        };
        match target {
            Some(i) if drafts[i].change.is_none() => drafts[i].change = Some(change),
            Some(_) => {}
            None if !subject.is_empty() => {
                let names = joins::list_names(&subject);
                let rule = if names.len() > 1 { "list_shared_change" } else { "change_only" };
                for n in names {
                    let mut d = base(n, q, c.q, rule, k);
                    d.value = None;
                    d.unit = String::new();
                    d.approx = Approx::Exact;
                    d.change = Some(change);
                    d.q = None;
                    drafts.push(d);
                }
            }
            None => {}
        }
    }

    // Completion: the figure before it.
    for c in &comps {
        let pos = sq[c.q].start;
        if let Some(d) = drafts.iter_mut().rev().find(|d| d.span.0 < pos && d.value.is_some()) {
            if d.completion.is_none() {
                d.completion = Some((c.pct, c.approx));
            }
        }
    }

    // Ranks: the figure before it, or all of them with 均/都 or a total.
    for r in &ranks {
        let k = clause_of(r.start);
        let head = name::before_words(text, clauses[k].0.max(r.head_from), r.start);
        let rank = Rank { position: r.position, scope: r.scope.clone() };
        let own_subject = !head.is_empty() && !is_bridge_subject(&head);
        if own_subject {
            // 覆盖率全区排名第一, 获评全市第一名: a rank with a subject of its own and no figure.
            let has_figure = drafts.iter().any(|d| d.clause == k && d.span.0 < r.start);
            if !has_figure {
                let first = (r.start..r.end).find(|&i| text[i] == '第' || text[i] == '倒').unwrap_or(r.start);
                let name = head.trim_end_matches(['获', '得']).to_string();
                let name = name.strip_suffix("获得").or(name.strip_suffix("获评")).unwrap_or(&name).to_string();
                // 新开工面积连续三年(居全省第一): how long it has held the rank is not part of the name.
                let name = match name.find("连续") {
                    Some(p) if p > 0 => name[..p].to_string(),
                    _ => name,
                };
                if !name.is_empty() {
                    drafts.push(Draft {
                        name,
                        value: None,
                        unit: String::new(),
                        value_text: text[first..r.end].iter().collect(),
                        approx: Approx::Exact,
                        span: (first, r.end),
                        change: None,
                        rank: Some(rank),
                        completion: None,
                        months: clause_months[k],
                        year: None,
                        kind: IndicatorKind::Actual,
                        rule: "rank_only",
                        sentence: sent,
                        q: None,
                        clause: k,
                    });
                }
            }
            continue;
        }
        if r.shared || r.total {
            // 均 covers the list it closes: back to the last semicolon.
            let seg = (sent.start..r.start).rev().find(|&i| matches!(text[i], '；' | ';')).unwrap_or(sent.start);
            for d in drafts.iter_mut().filter(|d| d.span.0 < r.start && d.span.0 >= seg && d.rank.is_none()) {
                d.rank = Some(rank.clone());
            }
        } else if let Some(d) = drafts.iter_mut().filter(|d| d.span.0 < r.start).max_by_key(|d| d.span.0) {
            if d.rank.is_none() {
                d.rank = Some(rank);
            }
        }
    }

    // Kind and year follow the section and the sentence.
    let cue = kind::first_cue(text, sent.start, sent.end);
    drafts.sort_by_key(|d| d.span.0);
    for mut d in drafts {
        let (cs, ce) = clauses[clause_of(d.span.0)];
        let present = cue.is_none_or(|c| c > d.span.0) && kind::states_present(text, sent.start, cs, ce);
        let plan = in_plan(env, d.span.0) && !present;
        d.kind = kind::kind_at(cue, d.span.0, plan);
        out.push(d);
    }
}

/// The largest end, within `[clause_start, limit]`, of the figures before `before` that pass `keep`.
/// Figures are sorted and do not overlap, so the scan stops at the clause start (bounded by the clause).
fn last_end_in_clause(
    sq: &[SentenceQ],
    before: usize,
    clause_start: usize,
    limit: usize,
    keep: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut best: Option<usize> = None;
    for p in (0..before).rev() {
        let e = sq[p].end;
        if e < clause_start && sq[p].start < clause_start {
            break;
        }
        if keep(p) && e <= limit && e >= clause_start {
            best = best.max(Some(e));
        }
    }
    best
}

/// The year written right after `mark` (由2010年, 到2015年), if any.
/// Is `text[a..b]` only a to-verb (整合为, 增加到, 压减至…)?
/// The action a sum was spent on, written right after it: up to the clause or list end, figures inside
/// (`15个`, `2847米`) left out, a leading 完成 dropped; None when it is not plain words.
fn funded_action(text: &[char], sq: &[SentenceQ], a: usize, clause_end: usize) -> Option<String> {
    let mut words: Vec<char> = Vec::new();
    let mut i = a;
    while i < clause_end && !matches!(text[i], '、' | '，' | ',' | '；' | '。') {
        if let Some(f) = sq.iter().find(|f| f.start == i && f.end > i) {
            i = f.end;
            continue;
        }
        if !(is_han(text[i]) || matches!(text[i], '“' | '”')) {
            return None;
        }
        words.push(text[i]);
        i += 1;
    }
    let mut start = 0;
    if words.starts_with(&['完', '成']) {
        start = 2;
    }
    // 完成了30栋老旧楼房维修改造, 实施了供水: the particle goes.
    if words.get(start) == Some(&'了') {
        start += 1;
    } else if words.get(start + 2) == Some(&'了') {
        words.remove(start + 2);
    }
    let action: String = words[start..].iter().collect();
    (2..=20).contains(&action.chars().count()).then_some(action)
}

/// The project a clause names (…基地建设初具规模 → …基地建设; 实施城乡供水一体化工程 → 城乡供水一体化工程).
fn funded_project(text: &[char], a: usize, b: usize) -> Option<String> {
    let lex = &crate::lexicon::LEXICON.name;
    let end = (a..b).rev().find_map(|i| crate::lexicon::word_before(text, i + 1, &lex.funded_heads).map(|_| i + 1))?;
    let words = name::before_words(text, skip_marker(text, a, end), end);
    let chars: Vec<char> = words.chars().collect();
    let start = crate::lexicon::word_at(&chars, 0, &lex.pursuit_verbs).map_or(0, |v| v.chars().count());
    let project: String = chars[start..].iter().collect();
    let n = project.chars().count();
    ((3..=20).contains(&n) && project.chars().all(|c| is_han(c) || matches!(c, '“' | '”' | '、')))
        .then_some(project)
}

fn is_to_verb(text: &[char], a: usize, b: usize) -> bool {
    b > a && crate::lexicon::word_at(text, a, &crate::lexicon::LEXICON.name.to_verbs).is_some_and(|w| a + w.chars().count() == b)
}

fn year_after(raw: &[char], mark: char) -> Option<i32> {
    let p = raw.iter().position(|&c| c == mark)?;
    let digits = raw.get(p + 1..p + 5)?;
    if !digits.iter().all(|c| c.is_ascii_digit()) || raw.get(p + 5) != Some(&'年') {
        return None;
    }
    digits.iter().collect::<String>().parse().ok()
}

/// The figure's approximation; 约 that ends 签约/节约 is no approximation.
fn approx_of(text: &[char], q: &SentenceQ) -> Approx {
    let a = if q.q.approx != Approx::Exact { q.q.approx } else { values::approx_before(text, q.start) };
    let mut at = q.start;
    while at > 0 && text[at - 1].is_whitespace() {
        at -= 1;
    }
    let word_ending_in_yue =
        ["签约", "节约", "制约", "预约", "合约", "履约"].iter().any(|w| crate::lexicon::ends_at(text, at, w));
    if a == Approx::About && word_ending_in_yue {
        Approx::Exact
    } else {
        a
    }
}

fn word_sign(word: &str) -> i8 {
    crate::lexicon::LEXICON.change.verbs.iter().find(|(w, _)| w == word).map_or(1, |(_, s)| *s)
}

/// Words that lead to a part of the figure before (增幅达, 完成率, 规模总量), not a subject of their own.
fn is_bridge_subject(s: &str) -> bool {
    const BRIDGES: &[&str] = &[
        "率",
        "增幅",
        "增速",
        "完成率",
        "规模总量",
        "总量",
        "同比",
        "比上年",
        "较上年",
        "其中",
        "分别",
        "两项",
        "各项",
        "数额",
        "排名",
        "位次",
        "金额",
        "规模",
        "数量",
    ];
    let mut rest = s;
    loop {
        let before = rest;
        for b in BRIDGES {
            rest = rest.trim_start_matches(b);
        }
        for f in ["均", "都", "并", "且", "也", "保持", "首次", "创"] {
            rest = rest.trim_start_matches(f);
        }
        if rest == before {
            break;
        }
    }
    rest.is_empty()
}

/// Skips a list marker (一是, （一）, 1.) at the head of a sentence.
fn skip_marker(text: &[char], mut at: usize, end: usize) -> usize {
    while at < end && (text[at].is_whitespace() || matches!(text[at], '-' | '•' | '·' | '*')) {
        at += 1;
    }
    let mut j = at;
    while j < end && matches!(text[j], '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十') {
        j += 1;
    }
    if j > at && j < end && (text[j] == '是' || text[j] == '、') {
        return j + 1;
    }
    at
}
