//! Prints the words of each line of stdin as `word/tag`, separated by spaces:
//! `echo 全年实现规上工业产值48.78亿元 | cargo run -p govreport-extract --example tokens`.

use std::io::BufRead;

fn main() {
    for line in std::io::stdin().lock().lines() {
        let chars: Vec<char> = line.expect("stdin is text").chars().collect();
        let words: Vec<String> = govreport_extract::token::tokens(&chars, 0, chars.len())
            .iter()
            .map(|t| format!("{}/{:?}", govreport_extract::token::word(&chars, t), t.tag))
            .collect();
        println!("{}", words.join(" "));
    }
}
