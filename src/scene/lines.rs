//! Where the elements of a RON list start in the source, so a check that fails on the n-th
//! cue of a timeline can name its line. A small scanner (strings and comments skipped), as
//! serde hands back values without their positions.

/// The 1-based line on which each element of the list `key: [ … ]` starts, in order; empty
/// when `key` is not found. Only the first `key:` outside strings and comments counts.
pub fn list_element_lines(src: &str, key: &str) -> Vec<usize> {
    let b = src.as_bytes();
    let mut lines = Vec::new();
    let (mut i, mut line) = (0usize, 1usize);
    // 0: looking for `key:`; 1: found it, waiting for `[`; 2: inside the list.
    let mut phase = 0;
    let mut depth = 0usize; // brackets inside the list
    let mut expect_element = true;
    while i < b.len() {
        let c = b[i];
        // Comments and strings are skipped whole, counting their newlines.
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            // RON's block comments nest.
            let mut nest = 0usize;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    nest += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    nest -= 1;
                    i += 2;
                    if nest == 0 {
                        break;
                    }
                } else {
                    line += (b[i] == b'\n') as usize;
                    i += 1;
                }
            }
            continue;
        }
        if c == b'"' || raw_string_at(b, i) {
            if phase == 2 && depth == 0 && expect_element {
                lines.push(line);
                expect_element = false;
            }
            i = skip_string(b, i, &mut line);
            continue;
        }
        match phase {
            0 => {
                if is_key_at(b, i, key) {
                    phase = 1;
                    i += key.len();
                    continue;
                }
            }
            1 => {
                if c == b'[' {
                    phase = 2;
                } else if !(c.is_ascii_whitespace() || c == b':') {
                    phase = 0;
                }
            }
            _ => {
                if c.is_ascii_whitespace() {
                    // nothing
                } else if depth == 0 && c == b']' {
                    break;
                } else if depth == 0 && c == b',' {
                    expect_element = true;
                } else {
                    if depth == 0 && expect_element {
                        lines.push(line);
                        expect_element = false;
                    }
                    match c {
                        b'(' | b'[' | b'{' => depth += 1,
                        b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
            }
        }
        line += (c == b'\n') as usize;
        i += 1;
    }
    lines
}

/// A raw string `r"…"` or `r#"…"#` starts at `i` (not a raw identifier such as `r#do`).
fn raw_string_at(b: &[u8], i: usize) -> bool {
    if b[i] != b'r' || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
        return false;
    }
    let mut j = i + 1;
    while b.get(j) == Some(&b'#') {
        j += 1;
    }
    b.get(j) == Some(&b'"')
}

/// `key` as a whole word at `i`, followed by `:`.
fn is_key_at(b: &[u8], i: usize, key: &str) -> bool {
    let k = key.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    if !b[i..].starts_with(k) || (i > 0 && word(b[i - 1])) {
        return false;
    }
    let mut j = i + k.len();
    if b.get(j).is_some_and(|&c| word(c)) {
        return false;
    }
    while b.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
        j += 1;
    }
    b.get(j) == Some(&b':')
}

/// Index just past the string starting at `i` (plain with escapes, or raw `r#"…"#`).
fn skip_string(b: &[u8], mut i: usize, line: &mut usize) -> usize {
    if b[i] == b'r' {
        i += 1;
        let mut hashes = 0;
        while b.get(i) == Some(&b'#') {
            hashes += 1;
            i += 1;
        }
        i += 1; // the opening quote
        while i < b.len() {
            if b[i] == b'"'
                && b[i + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&c| c == b'#')
                    .count()
                    == hashes
            {
                return i + 1 + hashes;
            }
            *line += (b[i] == b'\n') as usize;
            i += 1;
        }
        return i;
    }
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'"' => return i + 1,
            b'\n' => *line += 1,
            _ => {}
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_element_line_past_comments_and_strings() {
        let src = r#"Lesson(
    // timeline: [ not this one ]
    title: "a timeline: [ (fake) ]",
    timeline: [
        (at: 0.0, do: Caption("x, (y) ] z")),
        /* (at: 9.0) */ (at: 1.0,
            do: Kick(0.3)),

        (at: 2.0, do: Sync),
    ],
)"#;
        assert_eq!(list_element_lines(src, "timeline"), vec![5, 6, 9]);
        assert!(list_element_lines(src, "missing").is_empty());
        assert!(list_element_lines("timeline: []", "timeline").is_empty());
    }

    #[test]
    fn nested_comments_and_raw_identifiers_are_read_as_ron_reads_them() {
        let src = "timeline: [\n /* /* (x) */ (at: 9.0) */ (a),\n (r#do: 1),\n (b)]";
        assert_eq!(list_element_lines(src, "timeline"), vec![2, 3, 4]);
    }

    #[test]
    fn raw_strings_and_escapes_do_not_confuse_it() {
        let src = "x: [\n r#\"a \" ]\"#,\n \"q\\\"]\",\n 3 ]";
        assert_eq!(list_element_lines(src, "x"), vec![2, 3, 4]);
    }
}
