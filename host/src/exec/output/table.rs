//! `--output table`: `awscli.formatter.TableFormatter` building an
//! `awscli.table.MultiTable`, rendered with the plain `Styler` or, for
//! `--color on` (or `auto` on a terminal), the `ColorizedStyler`.
//!
//! The builder is a faithful port, including the ways it fails: sections
//! are appended to a flat list and rows always go to the most recently
//! created one, so some `--query` shapes (for example `[Id, Tags]` per item)
//! add rows of different lengths to one section and the CLI raises. Nothing
//! is printed in that case, because the table is only rendered once built.

use serde_json::{Map, Value};

use super::FormatError;
use super::py::{self, repeat, text_length};

/// What `aws ... --output table` prints for `value` (already filtered by
/// `--query`, with `ResponseMetadata` already removed). `title` is the
/// command name the CLI passes to the formatter, the operation's name
/// (`DescribeRegions`), and `width` is the terminal width: the CLI asks the
/// terminal for stdout's size and uses 80 when stdout is not a terminal.
///
/// * A falsy value (`null`, `[]`, `{}`, `""`, `0`, `false`) prints nothing.
/// * Any other scalar prints only the title box: the value itself is lost.
/// * A dict prints its scalar keys (sorted) as column headers over one row
///   of values, or a `key | value` row when it has a single scalar key; each
///   list/dict value becomes a nested section (sorted by key), titled with
///   the key and indented one level deeper with `|` on both sides.
/// * A list of dicts prints the sorted union of their scalar keys as headers
///   and a row per dict (missing keys empty); when some keys hold lists or
///   dicts, each dict gets its own section, followed by its nested sections.
/// * A list whose first element is not a dict prints a row per element: a
///   scalar as a one-cell row, a list of scalars as a row, a dict as the row
///   of its *keys*; other elements are walked without a new section.
/// * Columns are sized to the widest cell plus 4, then every section is
///   stretched to the widest section. If that is wider than `width`, every
///   section that has headers and exactly one row is turned into `key |
///   value` rows; nothing is wrapped or truncated.
///
/// Widths count characters whose East Asian Width is W, F or A as 2.
///
/// # Errors
///
/// The `TypeError`/`ValueError`/`IndexError`/`AttributeError` message the
/// CLI prints (after a newline, on stderr, exit status 255) for shapes the
/// table builder cannot take. Its `stdout` is always empty.
pub fn table(title: &str, value: &Value, width: usize) -> Result<String, FormatError> {
    table_styled(title, value, width, false)
}

/// [`table`] with `color` choosing the CLI's `ColorizedStyler` (`--color
/// on`, or `auto` on a terminal) over the plain `Styler` (`--color off`, or
/// `auto` when stdout is not a terminal). Colour wraps each cell's text in
/// bright blue and each indentation `|` in dim yellow (colorama's ANSI
/// codes, each followed by a reset); widths are computed without the codes.
///
/// # Errors
///
/// As [`table`].
pub fn table_styled(
    title: &str,
    value: &Value,
    width: usize,
    color: bool,
) -> Result<String, FormatError> {
    let mut table = MultiTable::default();
    let built = table
        .build_table(Some(title), value, 0)
        .map_err(|message| FormatError {
            stdout: String::new(),
            message,
        })?;
    if !built {
        return Ok(String::new());
    }
    Ok(table.render(i64::try_from(width).unwrap_or(i64::MAX), color))
}

/// `awscli.table.Section`. `title` is `None` where Python's is `None` (it
/// then counts as the 4 characters of `"None"` when sizing the table).
#[derive(Debug, Default, Clone)]
struct Section {
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent_level: i64,
    num_cols: Option<usize>,
    max_widths: Vec<i64>,
}

impl Section {
    fn add_header(&mut self, headers: Vec<String>) -> Result<(), String> {
        self.update_max_widths(&headers)?;
        if self.num_cols.is_none() {
            self.num_cols = Some(headers.len());
        }
        self.headers = headers;
        Ok(())
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), String> {
        let num_cols = *self.num_cols.get_or_insert(row.len());
        if row.len() != num_cols {
            return Err(format!(
                "Row should have {num_cols} elements, instead it has {}",
                row.len()
            ));
        }
        self.update_max_widths(&row)?;
        self.rows.push(row);
        Ok(())
    }

    /// `_update_max_widths`: an empty list is replaced wholesale, otherwise
    /// it is indexed per cell, which raises when the row is longer.
    fn update_max_widths(&mut self, row: &[String]) -> Result<(), String> {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|c| width_of(c)).collect();
            return Ok(());
        }
        for (i, cell) in row.iter().enumerate() {
            let Some(slot) = self.max_widths.get_mut(i) else {
                return Err("list index out of range".to_owned());
            };
            *slot = (*slot).max(width_of(cell));
        }
        Ok(())
    }

    /// `calculate_column_widths(padding, max_width)`: widest cell plus the
    /// padding, scaled to `max_width` with Python's `round` (half to even),
    /// then fixed up one column at a time (from the left when too wide, from
    /// the right when too narrow) until the sum is exact.
    fn column_widths(&self, padding: i64, max_width: i64) -> Vec<i64> {
        let unscaled: Vec<i64> = self.max_widths.iter().map(|w| w + padding).collect();
        let total: i64 = unscaled.iter().sum();
        if unscaled.is_empty() || total == 0 {
            return unscaled;
        }
        let scale_factor = max_width as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|&w| (scale_factor * w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if let Some(w) = scaled.get_mut(i) {
                    if off_by > 0 {
                        *w -= 1;
                        off_by -= 1;
                    } else {
                        *w += 1;
                        off_by += 1;
                    }
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled
    }

    /// `total_width(padding=4, with_border=True, outer_padding=indent)`.
    fn total_width(&self) -> i64 {
        let outer = self.indent_level * 2;
        let columns: i64 = self.max_widths.iter().map(|w| w + 4).sum::<i64>() + 2 + outer;
        let title = self.title.as_deref().map_or(4, width_of);
        (title + 2 + outer).max(columns)
    }
}

fn width_of(text: &str) -> i64 {
    i64::try_from(text_length(text)).unwrap_or(i64::MAX)
}

/// `awscli.table.MultiTable` with `initial_section=False`.
#[derive(Debug, Default)]
struct MultiTable {
    sections: Vec<Section>,
}

/// A key from `TableFormatter._group_scalar_keys`. Dict keys are strings;
/// a list wrongly walked as if it were a dict yields its own elements, ints
/// or bools (`True == 1`, so they compare and deduplicate as integers).
#[derive(Debug, Clone)]
enum Key {
    Int { value: i64, is_bool: bool },
    Str(String),
}

impl Key {
    fn rank(&self) -> (i64, &str) {
        match self {
            Key::Int { value, .. } => (*value, ""),
            Key::Str(s) => (0, s),
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.rank() == other.rank() && matches!(self, Key::Str(_)) == matches!(other, Key::Str(_))
    }
}

impl MultiTable {
    fn current(&mut self) -> Result<&mut Section, String> {
        self.sections
            .last_mut()
            .ok_or_else(|| "'NoneType' object has no attribute 'add_row'".to_owned())
    }

    fn new_section(&mut self, title: Option<&str>, indent_level: i64) {
        self.sections.push(Section {
            title: title.map(str::to_owned),
            indent_level,
            ..Section::default()
        });
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), String> {
        self.current()?.add_row(row)
    }

    fn add_row_header(&mut self, headers: Vec<String>) -> Result<(), String> {
        self.current()?.add_header(headers)
    }

    /// `TableFormatter._build_table`.
    fn build_table(
        &mut self,
        title: Option<&str>,
        current: &Value,
        indent_level: i64,
    ) -> Result<bool, String> {
        if !py::truthy(current) {
            return Ok(false);
        }
        if title.is_some() {
            self.new_section(title, indent_level);
        }
        match current {
            Value::Array(items) => {
                if items.first().is_some_and(Value::is_object) {
                    self.sub_table_from_list(items, indent_level, title)?;
                } else {
                    for item in items {
                        match item {
                            Value::Array(inner) if inner.iter().all(py::is_scalar) => {
                                self.add_row(inner.iter().map(py::str_of).collect())?;
                            }
                            // Iterating a dict yields its keys, which are all
                            // scalars: the row is the keys.
                            Value::Object(map) => self.add_row(map.keys().cloned().collect())?,
                            Value::Array(_) => {
                                self.build_table(None, item, 0)?;
                            }
                            scalar => self.add_row(vec![py::str_of(scalar)])?,
                        }
                    }
                }
            }
            Value::Object(map) => self.sub_table_from_dict(map, indent_level)?,
            _ => {}
        }
        Ok(true)
    }

    /// `_build_sub_table_from_dict`.
    fn sub_table_from_dict(
        &mut self,
        current: &Map<String, Value>,
        indent_level: i64,
    ) -> Result<(), String> {
        let (headers, more) = group_dict_keys(current);
        if let [only] = headers.as_slice() {
            let value = current.get(only).map(py::str_of).unwrap_or_default();
            self.add_row(vec![only.clone(), value])?;
        } else if !headers.is_empty() {
            let row = headers
                .iter()
                .map(|k| current.get(k).map(py::str_of).unwrap_or_default())
                .collect();
            self.add_row_header(headers)?;
            self.add_row(row)?;
        }
        for key in more {
            if let Some(value) = current.get(&key) {
                self.build_table(Some(&key), value, indent_level + 1)?;
            }
        }
        Ok(())
    }

    /// `_build_sub_table_from_list`, entered when the first element is a dict.
    fn sub_table_from_list(
        &mut self,
        current: &[Value],
        indent_level: i64,
        title: Option<&str>,
    ) -> Result<(), String> {
        let (headers, more) = group_list_keys(current)?;
        let header_texts: Vec<String> = headers.iter().map(key_text).collect();
        self.add_row_header(header_texts.clone())?;
        let mut first = true;
        for element in current {
            if !first && !more.is_empty() {
                self.new_section(title, indent_level);
                self.add_row_header(header_texts.clone())?;
            }
            first = false;
            let Value::Object(map) = element else {
                self.non_dict_list_element(element, &headers, &more)?;
                continue;
            };
            let row = headers
                .iter()
                .map(|key| match key {
                    Key::Str(k) => map.get(k).map(py::str_of).unwrap_or_default(),
                    Key::Int { .. } => String::new(),
                })
                .collect();
            self.add_row(row)?;
            for key in &more {
                if let Key::Str(k) = key
                    && let Some(value) = map.get(k)
                {
                    self.build_table(Some(k), value, indent_level + 1)?;
                }
            }
        }
        Ok(())
    }

    /// A non-dict element that got past the key grouping (only `""` and `[]`
    /// do): `element.get(header, '')` fails only if there are headers to
    /// look up, and `remaining in element` is a substring / membership test
    /// whose success leads to indexing the element with a string.
    fn non_dict_list_element(
        &mut self,
        element: &Value,
        headers: &[Key],
        more: &[Key],
    ) -> Result<(), String> {
        if !headers.is_empty() {
            return Err(format!(
                "'{}' object has no attribute 'get'",
                py::type_name(element)
            ));
        }
        self.add_row(Vec::new())?;
        for key in more {
            let Key::Str(k) = key else { continue };
            let found = match element {
                Value::String(s) => s.contains(k.as_str()),
                Value::Array(items) => items.iter().any(|v| v.as_str() == Some(k.as_str())),
                _ => false,
            };
            if found {
                return Err(match element {
                    Value::String(_) => "string indices must be integers, not 'str'".to_owned(),
                    _ => "list indices must be integers or slices, not str".to_owned(),
                });
            }
        }
        Ok(())
    }

    /// `MultiTable.render` into a string.
    fn render(&mut self, terminal_width: i64, color: bool) -> String {
        let mut max_width = self.max_width();
        if max_width > terminal_width {
            convert_to_vertical_table(&mut self.sections);
            max_width = self.max_width();
        }
        let mut out = repeat('-', max_width);
        out.push('\n');
        for section in &self.sections {
            render_section(&mut out, section, max_width, color);
        }
        out
    }

    fn max_width(&self) -> i64 {
        self.sections
            .iter()
            .map(Section::total_width)
            .max()
            .unwrap_or(0)
    }
}

fn key_text(key: &Key) -> String {
    match key {
        Key::Int { value, is_bool } => match (is_bool, value) {
            (true, 0) => "False".to_owned(),
            (true, _) => "True".to_owned(),
            (false, _) => value.to_string(),
        },
        Key::Str(s) => s.clone(),
    }
}

/// `_group_scalar_keys` on a dict: scalar-valued keys and the rest, each
/// sorted.
fn group_dict_keys(map: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let (mut headers, mut more): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (key, value) in map {
        if py::is_scalar(value) {
            headers.push(key.clone());
        } else {
            more.push(key.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

/// `_group_scalar_keys` on whatever element of a dict-first list it is given
/// (`for element in current: current[element]`), raising as Python does for
/// the non-dicts: scalars are not iterable, a non-empty string cannot be
/// indexed by its characters, and a list is indexed by its own elements.
fn group_keys(item: &Value) -> Result<(Vec<Key>, Vec<Key>), String> {
    match item {
        Value::Object(map) => {
            let (headers, more) = group_dict_keys(map);
            Ok((
                headers.into_iter().map(Key::Str).collect(),
                more.into_iter().map(Key::Str).collect(),
            ))
        }
        Value::String(s) if s.is_empty() => Ok((Vec::new(), Vec::new())),
        Value::String(_) => Err("string indices must be integers, not 'str'".to_owned()),
        Value::Array(items) => {
            let (mut headers, mut more) = (Vec::new(), Vec::new());
            for element in items {
                let is_bool = element.is_boolean();
                let index = match element {
                    Value::Bool(b) => i64::from(*b),
                    Value::Number(n) if !n.is_f64() => n
                        .as_i64()
                        .ok_or_else(|| "cannot fit 'int' into an index-sized integer".to_owned())?,
                    other => {
                        return Err(format!(
                            "list indices must be integers or slices, not {}",
                            py::type_name(other)
                        ));
                    }
                };
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let resolved = if index < 0 { index + len } else { index };
                let target = usize::try_from(resolved)
                    .ok()
                    .and_then(|i| items.get(i))
                    .ok_or_else(|| "list index out of range".to_owned())?;
                let key = Key::Int {
                    value: index,
                    is_bool,
                };
                if py::is_scalar(target) {
                    headers.push(key);
                } else {
                    more.push(key);
                }
            }
            headers.sort_by(|a, b| a.rank().cmp(&b.rank()));
            more.sort_by(|a, b| a.rank().cmp(&b.rank()));
            Ok((headers, more))
        }
        other => Err(format!("'{}' object is not iterable", py::type_name(other))),
    }
}

/// `_group_scalar_keys_from_list`: the sorted unions over all elements.
/// Sorting a set holding both `int` and `str` raises; which operands Python
/// names depends on the set's (hash-seeded) order, so that message can
/// differ between runs of the CLI itself.
fn group_list_keys(items: &[Value]) -> Result<(Vec<Key>, Vec<Key>), String> {
    let (mut headers, mut more) = (Vec::new(), Vec::new());
    for item in items {
        let (h, m) = group_keys(item)?;
        headers.extend(h);
        more.extend(m);
    }
    for keys in [&mut headers, &mut more] {
        let first_int = keys.iter().find_map(|k| match k {
            Key::Int { is_bool, .. } => Some(if *is_bool { "bool" } else { "int" }),
            Key::Str(_) => None,
        });
        if let Some(int_type) = first_int
            && keys.iter().any(|k| matches!(k, Key::Str(_)))
        {
            return Err(format!(
                "'<' not supported between instances of 'str' and '{int_type}'"
            ));
        }
        keys.sort_by(|a, b| a.rank().cmp(&b.rank()));
        keys.dedup();
    }
    Ok((headers, more))
}

/// `convert_to_vertical_table`: every section with headers and exactly one
/// row becomes a two-column `header | value` section without headers.
fn convert_to_vertical_table(sections: &mut [Section]) {
    for section in sections.iter_mut() {
        if section.rows.len() == 1 && !section.headers.is_empty() {
            let mut vertical = Section {
                title: section.title.clone(),
                indent_level: section.indent_level,
                ..Section::default()
            };
            let pairs: Vec<Vec<String>> = section
                .headers
                .iter()
                .zip(section.rows.iter().flatten())
                .map(|(h, v)| vec![h.clone(), v.clone()])
                .collect();
            for pair in pairs {
                // Two cells every time: this cannot fail.
                let _ = vertical.add_row(pair);
            }
            *section = vertical;
        }
    }
}

/// `MultiTable._render_section` through an `IndentedStream`: each line gets
/// `indent_level` `|` characters on both sides, inside a width reduced by
/// twice that.
fn render_section(out: &mut String, section: &Section, max_width: i64, color: bool) {
    let indent_char = if color { DIM_YELLOW_BAR } else { "|" };
    let indent = indent_char.repeat(usize::try_from(section.indent_level).unwrap_or(0));
    let mut line = |text: &str| {
        out.push_str(&indent);
        out.push_str(text);
        out.push_str(&indent);
        out.push('\n');
    };
    let max_width = max_width - section.indent_level * 2;
    // Title.
    if let Some(title) = section.title.as_deref().filter(|t| !t.is_empty()) {
        line(&center_text(title, max_width, "|", "|"));
        if section.headers.is_empty() && section.rows.is_empty() {
            line(&format!("+{}+", repeat('-', max_width - 2)));
        }
    }
    // Column titles.
    if !section.headers.is_empty() {
        let widths = section.column_widths(4, max_width);
        let mut current = String::new();
        for (i, (width, header)) in widths.iter().zip(&section.headers).enumerate() {
            let left = if i == 0 { "|" } else { "" };
            current.push_str(&center_text(header, *width, left, "|"));
        }
        line(&line_break(&widths));
        line(&current);
    }
    // Rows.
    if section.rows.is_empty() {
        return;
    }
    let widths = section.column_widths(4, max_width);
    if widths.is_empty() {
        return;
    }
    line(&line_break(&widths));
    for row in &section.rows {
        let mut current = String::new();
        for (i, (width, cell)) in widths.iter().zip(row).enumerate() {
            let left = if i == 0 { "|" } else { "" };
            current.push_str(&align_left(cell, *width, left, "|", color));
        }
        line(&current);
    }
    line(&line_break(&widths));
}

/// `_write_line_break`: `+-----+------+`.
fn line_break(widths: &[i64]) -> String {
    let mut out = String::new();
    for (i, width) in widths.iter().enumerate() {
        if i == 0 {
            out.push('+');
            out.push_str(&repeat('-', width - 2));
        } else {
            out.push_str(&repeat('-', width - 1));
        }
        out.push('+');
    }
    out
}

/// `center_text`: `(length // 2) - (text_length // 2) - 1` spaces before the
/// text, the rest after; negative counts write nothing.
fn center_text(text: &str, length: i64, left_edge: &str, right_edge: &str) -> String {
    let text_length = width_of(text);
    let char_start = length.div_euclid(2) - text_length.div_euclid(2) - 1;
    let mut out = String::from(left_edge);
    out.push_str(&repeat(' ', char_start));
    out.push_str(text);
    let length_so_far = width_of(left_edge) + char_start + text_length;
    let right_side_spaces = length - width_of(right_edge) - length_so_far;
    out.push_str(&repeat(' ', right_side_spaces));
    out.push_str(right_edge);
    out
}

/// `ColorizedStyler.style_indentation_char('|')`: `Style.DIM + Fore.YELLOW`
/// ... `Style.RESET_ALL`.
const DIM_YELLOW_BAR: &str = "\x1b[2m\x1b[33m|\x1b[0m";

/// `align_left` with `left_padding=2`: two spaces before the text when it
/// fits, none when it does not. With colour the text is first wrapped by
/// `ColorizedStyler.style_row_element` (`Style.BRIGHT + Fore.BLUE` ...
/// `Style.RESET_ALL`), which does not count towards the width.
fn align_left(text: &str, length: i64, left_edge: &str, right_edge: &str, color: bool) -> String {
    let text_length = width_of(text);
    let edges = width_of(left_edge) + width_of(right_edge);
    let padding = if length - (text_length + 2 + edges) >= 0 {
        2
    } else {
        0
    };
    let mut out = String::from(left_edge);
    out.push_str(&repeat(' ', padding));
    if color {
        out.push_str("\x1b[1m\x1b[34m");
        out.push_str(text);
        out.push_str("\x1b[0m");
    } else {
        out.push_str(text);
    }
    let length_so_far = width_of(left_edge) + padding + text_length;
    out.push_str(&repeat(' ', length - length_so_far - width_of(right_edge)));
    out.push_str(right_edge);
    out
}
