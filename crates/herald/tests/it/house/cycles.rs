//! The module graph of `herald` is one-way. Each top-level module (`src/x.rs` or
//! `src/x/`) depends on the others it names — `crate::x` and `$crate::x` in code, `use
//! crate::{x, …}` groups, `super::` chains that climb to the root — outside comments,
//! literals and `#[cfg(test)]` modules. A cycle among them fails the test, listing each
//! edge of the cycle and the files that make it.

use super::rust_text::{code_of, ident_char, source_files};
use std::collections::{BTreeMap, BTreeSet};

/// Module → the modules it names → the files that name them.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn the_top_level_modules_of_herald_name_each_other_one_way() {
    let graph = graph_of(&source_files());
    assert!(graph.len() > 30, "too few modules read: {:?}", graph.keys());
    let cycles = cycles_of(&graph);
    assert!(cycles.is_empty(), "{}", report(&graph, &cycles));
}

#[test]
fn the_crate_map_names_every_top_level_module() {
    let files = source_files();
    let lib = &files.iter().find(|(path, _)| path == "lib.rs").expect("lib.rs").1;
    let map: String = lib.lines().filter_map(|l| l.strip_prefix("//!")).collect();
    let declared: Vec<&str> =
        lib.lines().filter_map(|l| l.trim().strip_prefix("pub mod ")?.strip_suffix(';')).collect();
    assert!(declared.len() > 30, "{declared:?}");
    let unnamed: Vec<_> = declared.iter().filter(|m| !map.contains(&format!("[`{m}`]"))).collect();
    assert!(unnamed.is_empty(), "lib.rs's module docs do not name {unnamed:?}");
}

#[test]
fn a_back_edge_planted_anywhere_a_reference_can_hide_is_reported() {
    let tree = |back_edge: &str| -> Vec<(String, String)> {
        let c = format!("use crate::{{d, x::y}};\n{back_edge}");
        [
            ("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;"),
            ("a.rs", "use crate::b::X;\nfn f<'a>(x: &'a str) -> char { '\"' }"),
            ("b/mod.rs", "pub mod deep; pub mod inner;"),
            ("b/inner.rs", "pub fn g() { crate::c::h() }"),
            ("b/deep.rs", "use super::super::d::Q;\nuse super::inner::g;"),
            ("c.rs", c.as_str()),
            (
                "d.rs",
                "// crate::a\n/* crate::a /* nested */ */ const S: &str = \"see crate::a\";\n\
                 const R: &str = r#\"see crate::a\"#;\n#[cfg(test)]\nmod tests { use crate::a; }",
            ),
        ]
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
    };
    let one_way = graph_of(&tree(""));
    assert_eq!(cycles_of(&one_way), Vec::<Vec<String>>::new(), "{one_way:?}");
    assert_eq!(one_way["c"].keys().collect::<Vec<_>>(), ["d"], "x is not a module of the tree");
    assert_eq!(
        one_way["b"].keys().collect::<Vec<_>>(),
        ["c", "d"],
        "super::super climbs to the root"
    );
    assert!(one_way["d"].is_empty(), "comments, literals and tests name nothing: {one_way:?}");
    for plant in [
        "use crate::a::Y;",
        "fn k() { crate :: a::z(); }",
        "use crate::{self, a};",
        "macro_rules! m { () => { $crate::a::z() }; }",
        "#[serde(with = \"crate::a::utc\")] struct T;",
    ] {
        let graph = graph_of(&tree(plant));
        let cycles = cycles_of(&graph);
        assert_eq!(cycles, [["a", "b", "c"]], "{plant}: {graph:?}");
        let report = report(&graph, &cycles);
        assert!(report.contains("c -> a (c.rs)"), "{report}");
        assert!(report.contains("b -> c (b/inner.rs)"), "{report}");
    }
}

/// The graph of the tree `files` (paths relative to `src/`, and their text).
fn graph_of(files: &[(String, String)]) -> Graph {
    let module_of = |path: &str| match path.split_once('/') {
        Some((dir, _)) => Some(dir.to_owned()),
        None if path == "lib.rs" || path == "main.rs" => None,
        None => Some(path.trim_end_matches(".rs").to_owned()),
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|(p, _)| module_of(p)).collect();
    let mut graph = Graph::new();
    for (path, text) in files {
        let Some(from) = module_of(path) else { continue };
        let named = graph.entry(from.clone()).or_default();
        for to in references(&code_of(text), depth_of(path)) {
            if to != from && modules.contains(&to) {
                named.entry(to).or_default().insert(path.clone());
            }
        }
    }
    graph
}

/// How deep below the crate root the module of `path` is (`a.rs`, `a/mod.rs`: 1).
fn depth_of(path: &str) -> usize {
    let parts = path.split('/').count();
    if path.ends_with("/mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// The top-level names that `code` reaches through the crate root.
fn references(code: &str, depth: usize) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(ident_char) {
            continue;
        }
        if let Some(rest) = after_separator(&code[at + "crate".len()..]) {
            found.extend(heads(rest));
        }
    }
    for (at, _) in code.match_indices("super") {
        let before = &code[..at];
        if before.chars().next_back().is_some_and(ident_char) || before.trim_end().ends_with("::") {
            continue;
        }
        let mut rest = &code[at..];
        let mut climbs = 0;
        while let Some(r) = rest.strip_prefix("super").and_then(after_separator) {
            climbs += 1;
            rest = r;
        }
        if climbs >= depth && climbs > 0 {
            found.extend(heads(rest));
        }
    }
    found
}

/// `text` after a leading `::` (spaces allowed around it), if it starts with one.
fn after_separator(text: &str) -> Option<&str> {
    text.trim_start().strip_prefix("::").map(str::trim_start)
}

/// The first segment of a path, or of each path of a `{…}` group.
fn heads(path: &str) -> Vec<String> {
    let Some(group) = path.strip_prefix('{') else {
        return vec![path.chars().take_while(|&c| ident_char(c)).collect()];
    };
    let (mut depth, mut item, mut heads) = (0, String::new(), Vec::new());
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    heads.push(item);
    heads.iter().map(|i| i.trim_start().chars().take_while(|&c| ident_char(c)).collect()).collect()
}

/// The strongly connected components of more than one module (Tarjan), each sorted.
fn cycles_of(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flat_map(|n| n.keys()) {
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w.as_str()]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w.as_str()) {
                    let low = self.low[v].min(self.index[w.as_str()]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|&x| x == v).unwrap();
                let mut component: Vec<String> =
                    self.stack.drain(at..).map(str::to_owned).collect();
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found.sort();
    walk.found
}

/// Each cycle with its edges and the files that make them.
fn report(graph: &Graph, cycles: &[Vec<String>]) -> String {
    let mut text = format!(
        "{} cycle(s) among the top-level modules of herald; cut a back edge (move the shared \
         piece to the lower module):\n",
        cycles.len()
    );
    for cycle in cycles {
        text += &format!("cycle of {} modules: {}\n", cycle.len(), cycle.join(", "));
        for from in cycle {
            for (to, files) in &graph[from] {
                if cycle.contains(to) {
                    let files: Vec<&str> = files.iter().map(String::as_str).collect();
                    text += &format!("  {from} -> {to} ({})\n", files.join(", "));
                }
            }
        }
    }
    text
}
