//! Header fields: `索引号 | X |`, `发布机构：X 成文日期：Y`, one or several on a line.

use super::words::WORDS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Issuer,
    Published,
    Index,
    Title,
    Other,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub role: Role,
    pub value: String,
}

/// The known key that starts `rest` and is followed by a separator: its role and its length in bytes.
fn key_at(rest: &str) -> Option<(Role, usize)> {
    let f = &WORDS.fields;
    let roles = [
        (Role::Issuer, &f.issuer),
        (Role::Published, &f.published),
        (Role::Index, &f.index),
        (Role::Title, &f.title),
        (Role::Other, &f.other),
    ];
    let mut best: Option<(Role, usize)> = None;
    for (role, keys) in roles {
        for key in keys.iter().filter(|k| rest.starts_with(k.as_str())) {
            let after = rest[key.len()..].trim_start_matches([' ', '\t']);
            let separated = after.starts_with(|c| f.separators.contains(c));
            if separated && best.is_none_or(|(_, n)| key.len() > n) {
                best = Some((role, key.len()));
            }
        }
    }
    best
}

/// The fields of a header line, empty when the line does not start with a known key.
/// A value runs from its key's separator to where the next key starts.
pub fn fields(line: &str) -> Vec<Field> {
    let f = &WORDS.fields;
    let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || f.clutter.contains(c));
    if key_at(line).is_none() {
        return Vec::new();
    }
    let keys: Vec<(usize, Role, usize)> =
        line.char_indices().filter_map(|(at, _)| key_at(&line[at..]).map(|(role, n)| (at, role, n))).collect();
    // Keys inside an earlier key (来源 inside 信息来源) are no keys of their own.
    let mut starts: Vec<(usize, Role, usize)> = Vec::new();
    for k in keys {
        if starts.last().is_none_or(|&(at, _, n)| k.0 >= at + n) {
            starts.push(k);
        }
    }
    let ends: Vec<usize> = starts.iter().skip(1).map(|k| k.0).chain([line.len()]).collect();
    starts
        .iter()
        .zip(ends)
        .map(|(&(at, role, n), end)| Field { role, value: clean_value(&line[at + n..end]) })
        .collect()
}

/// A value without its separator and the clutter scrapers leave; empty when it says it is unknown.
fn clean_value(raw: &str) -> String {
    let f = &WORDS.fields;
    let v = raw.trim_matches(|c: char| c.is_whitespace() || f.separators.contains(c) || f.clutter.contains(c));
    if f.unknown.iter().any(|u| u == v) {
        return String::new();
    }
    v.to_string()
}

/// The fields of every header line of a text's head, in order.
pub struct Header(Vec<Field>);

impl Header {
    pub fn read(head: &str) -> Header {
        Header(head.lines().flat_map(fields).collect())
    }

    /// The first non-empty value of a role.
    pub fn first(&self, role: Role) -> Option<String> {
        self.0.iter().find(|f| f.role == role && !f.value.is_empty()).map(|f| f.value.clone())
    }
}

/// Is this a header line (it starts with a known key)?
pub fn is_header(line: &str) -> bool {
    !fields(line).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(line: &str) -> Vec<(Role, String)> {
        fields(line).into_iter().map(|f| (f.role, f.value)).collect()
    }

    #[test]
    fn a_value_ends_where_the_next_key_starts() {
        assert_eq!(
            pairs("发布机构: XX街道 成文日期: 2024-02-22"),
            [(Role::Issuer, "XX街道".into()), (Role::Published, "2024-02-22".into())]
        );
        assert_eq!(
            pairs("组配分类 | 计划总结 | 发布机构 | 飞云街道 |"),
            [(Role::Other, "计划总结".into()), (Role::Issuer, "飞云街道".into())]
        );
        assert_eq!(pairs("时间：2023-03-30????\t\t作者：中国县域????\t来源：政府官网").len(), 3);
        assert_eq!(
            pairs("文章来源：莲池区人民政府办公室 发布时间：2024-01-05 浏览次数：12")[1],
            (Role::Published, "2024-01-05".into())
        );
    }

    #[test]
    fn body_lines_are_no_header_lines() {
        assert!(pairs("飞云街道2023年度工作总结 |").is_empty());
        assert!(pairs("各位代表：").is_empty());
        assert_eq!(pairs("发文时间：未知"), [(Role::Published, String::new())]);
    }
}
