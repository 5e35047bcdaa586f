//! What a sum of money was spent on: the action written after it, or the project the clause before names.

use super::context::skip_marker;
use super::{name, scene, SentenceQ};
use crate::lexicon::{is_han, word_at, word_before, LEXICON};

/// The action a sum was spent on, written right after it: up to the clause or list end, figures inside
/// (`15个`, `2847米`) left out, a leading 完成 dropped; None when it is not plain words.
pub fn action(text: &[char], sq: &[SentenceQ], a: usize, clause_end: usize) -> Option<String> {
    let words = &LEXICON.figure;
    let mut chars: Vec<char> = Vec::new();
    // 投资1330万元为全部学校配置…, 投资1.2亿元用于经济开发区…: for whom and what for set the scene.
    let a = word_at(text, a, &words.purpose_leads).map_or(a, |w| a + w.chars().count());
    let mut i = scene::skip_frames(text, a, clause_end);
    while i < clause_end && !words.action_ends.has(text[i]) {
        if let Some(f) = sq.iter().find(|f| f.start == i && f.end > i) {
            i = f.end;
            continue;
        }
        if !(is_han(text[i]) || words.curly_quotes.has(text[i])) {
            return None;
        }
        chars.push(text[i]);
        i += 1;
    }
    let mut start = word_at(&chars, 0, &words.done_verbs).map_or(0, |w| w.chars().count());
    // 完成了30栋老旧楼房维修改造, 实施了供水: the particle goes.
    let done = &words.done_particles;
    if chars.get(start).is_some_and(|&c| done.has(c)) {
        start += 1;
    } else if chars.get(start + 2).is_some_and(|&c| done.has(c)) {
        chars.remove(start + 2);
    }
    let action: String = chars[start..].iter().collect();
    (2..=20).contains(&action.chars().count()).then_some(action)
}

/// The project a clause names (…基地建设初具规模 → …基地建设; 实施城乡供水一体化工程 → 城乡供水一体化工程).
pub fn project(text: &[char], a: usize, b: usize) -> Option<String> {
    let lex = &LEXICON.name;
    let end = (a..b).rev().find_map(|i| word_before(text, i + 1, &lex.funded_heads).map(|_| i + 1))?;
    let words = name::before_words(text, skip_marker(text, a, end), end);
    let chars: Vec<char> = words.chars().collect();
    let start = word_at(&chars, 0, &lex.pursuit_verbs).map_or(0, |v| v.chars().count());
    let project: String = chars[start..].iter().collect();
    let n = project.chars().count();
    let plain = project.chars().all(|c| is_han(c) || LEXICON.figure.curly_quotes.has(c) || LEXICON.figure.list_marks.has(c));
    ((3..=20).contains(&n) && plain).then_some(project)
}
