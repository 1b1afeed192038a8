//! The module graph of `herald` is one-way and layered. The crate root holds only the
//! layer folders (`src/app/`, `src/services/`, …) that `lib.rs`'s map lists from the top
//! down; the nodes of the graph are the modules inside them (`services::posts`:
//! `src/services/posts.rs` or `src/services/posts/`). Each depends on the others it
//! names — `crate::layer::module` and `$crate::…` in code, `use crate::{…}` groups
//! (nested ones too), `super::` chains that climb to its layer or to the root — outside
//! comments, literals and `#[cfg(test)]` modules. A cycle among them fails, and so does a
//! module that names a module of a higher layer; each lists the edges and the files that
//! make them.

use super::rust_text::{code_of, ident_char, source_files};
use std::collections::{BTreeMap, BTreeSet};

/// Module → the modules it names → the files that name them.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn the_modules_of_herald_name_each_other_one_way() {
    let graph = graph_of(&source_files());
    assert!(graph.len() > 30, "too few modules read: {:?}", graph.keys());
    let cycles = cycles_of(&graph);
    assert!(cycles.is_empty(), "{}", report(&graph, &cycles));
}

#[test]
fn a_module_names_only_modules_of_its_layer_or_of_layers_below() {
    let files = source_files();
    let layers = layers_of(lib_of(&files));
    assert!(layers.len() >= 6, "the map of lib.rs lists too few layers: {layers:?}");
    let upward = upward_edges(&graph_of(&files), &layers);
    assert!(
        upward.is_empty(),
        "modules that name a higher layer (move the shared piece down), layers from the top \
         down {layers:?}:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_crate_map_names_every_layer_and_every_module_in_it() {
    let files = source_files();
    let lib = lib_of(&files);
    let declared: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ")?.strip_suffix(';'))
        .map(str::to_owned)
        .collect();
    let layers: BTreeSet<String> = layers_of(lib).into_iter().collect();
    assert_eq!(layers, declared, "the map's layers (its `- [`layer`]` lines) are not lib.rs's");
    let modules: BTreeSet<String> = files.iter().filter_map(|(p, _)| module_of(p)).collect();
    assert!(modules.len() > 30, "{modules:?}");
    let outside: Vec<_> = modules.iter().filter(|m| !declared.contains(layer_of(m))).collect();
    assert!(outside.is_empty(), "modules in no layer folder: {outside:?}");
    let map: String = lib.lines().filter_map(|l| l.strip_prefix("//!")).collect();
    let unnamed: Vec<_> = modules.iter().filter(|m| !map.contains(&link_to(m))).collect();
    assert!(
        unnamed.is_empty(),
        "lib.rs's map does not link {unnamed:?} as [`module`](layer::module)"
    );
}

#[test]
fn a_back_edge_planted_anywhere_a_reference_can_hide_is_reported() {
    let one_way = graph_of(&planted_tree(""));
    assert_eq!(cycles_of(&one_way), Vec::<Vec<String>>::new(), "{one_way:?}");
    assert_eq!(upward_edges(&one_way, &["up".into(), "down".into()]), Vec::<String>::new());
    assert_eq!(one_way["down::c"].keys().collect::<Vec<_>>(), ["down::d"], "x is no module");
    let from_b: Vec<_> = one_way["up::b"].keys().collect();
    assert_eq!(from_b, ["down::c", "down::d"], "super::super::super climbs to the root");
    assert!(one_way["down::d"].is_empty(), "comments, literals and tests name nothing");
    for plant in [
        "use crate::up::a::Y;",
        "fn k() { crate :: up :: a::z(); }",
        "use crate::{self, up::a};",
        "use crate::{down::d, up::{a, e}};",
        "use super::super::up::a::Y;",
        "macro_rules! m { () => { $crate::up::a::z() }; }",
        "#[serde(with = \"crate::up::a::utc\")] struct T;",
    ] {
        let graph = graph_of(&planted_tree(plant));
        let cycles = cycles_of(&graph);
        assert_eq!(cycles, [["down::c", "up::a", "up::b"]], "{plant}: {graph:?}");
        let report = report(&graph, &cycles);
        assert!(report.contains("down::c -> up::a (down/c.rs)"), "{report}");
        assert!(report.contains("up::b -> down::c (up/b/inner.rs)"), "{report}");
        let upward = upward_edges(&graph, &["up".into(), "down".into()]);
        assert!(upward.contains(&"down::c -> up::a (down/c.rs)".into()), "{plant}: {upward:?}");
    }
    let graph = graph_of(&planted_tree("use crate::up::e;"));
    assert!(cycles_of(&graph).is_empty(), "{graph:?}");
    assert_eq!(upward_edges(&graph, &layers_of(LIB)), ["down::c -> up::e (down/c.rs)"]);
}

/// The crate root of [`planted_tree`]: two layers, `up` above `down`.
const LIB: &str = "//! - [`up`], above: [`a`](up::a)\n//! - [`down`]\npub mod down;\npub mod up;";

/// A tree of two layers whose modules name each other one way (`up::a` → `up::b` →
/// `down::c` → `down::d`), with `back_edge` added to `down/c.rs`.
fn planted_tree(back_edge: &str) -> Vec<(String, String)> {
    let c = format!("use crate::down::{{d, x::y}};\nuse super::d::R;\n{back_edge}");
    [
        ("lib.rs", LIB),
        ("up/mod.rs", "pub mod a; pub mod b; pub mod e;"),
        ("up/a.rs", "use crate::up::b::X;\nfn f<'a>(x: &'a str) -> char { '\"' }"),
        ("up/b/mod.rs", "pub mod deep; pub mod inner;"),
        ("up/b/inner.rs", "pub fn g() { crate::down::c::h() }"),
        ("up/b/deep.rs", "use super::super::super::down::d::Q;\nuse super::inner::g;"),
        ("up/e.rs", ""),
        ("down/mod.rs", "pub mod c; pub mod d;"),
        ("down/c.rs", c.as_str()),
        (
            "down/d.rs",
            "// crate::up::a\n/* crate::up::a /* nested */ */\n\
             const S: &str = \"see crate::up::a\";\nconst R: &str = r#\"see crate::up::a\"#;\n\
             #[cfg(test)]\nmod tests { use crate::up::a; }",
        ),
    ]
    .iter()
    .map(|(path, text)| (path.to_string(), text.to_string()))
    .collect()
}

/// The text of `lib.rs` among `files`.
fn lib_of(files: &[(String, String)]) -> &str {
    &files.iter().find(|(path, _)| path == "lib.rs").expect("lib.rs").1
}

/// The layers that the map of `lib` lists (its `//! - [`layer`]…` lines), top down.
fn layers_of(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| l.strip_prefix("//! - [`")?.split_once("`]"))
        .map(|(layer, _)| layer.to_owned())
        .collect()
}

/// How the map links `module` (`layer::name`): [`name`](layer::name).
fn link_to(module: &str) -> String {
    let name = module.rsplit("::").next().unwrap_or(module);
    format!("[`{name}`]({module})")
}

/// The layer of `module` (`services` of `services::posts`).
fn layer_of(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// The module of the file at `path` (relative to `src/`): `layer::name` for
/// `layer/name.rs` and what is under `layer/name/`; `name` for a stray `name.rs` at the
/// root; none for `lib.rs`, `main.rs` and a layer's `mod.rs`.
fn module_of(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["lib.rs" | "main.rs"] | [_, "mod.rs"] => None,
        [file] => Some(file.trim_end_matches(".rs").to_owned()),
        [layer, name, ..] => Some(format!("{layer}::{}", name.trim_end_matches(".rs"))),
        [] => None,
    }
}

/// The graph of the tree `files` (paths relative to `src/`, and their text).
fn graph_of(files: &[(String, String)]) -> Graph {
    let modules: BTreeSet<String> = files.iter().filter_map(|(p, _)| module_of(p)).collect();
    let mut graph = Graph::new();
    for (path, text) in files {
        let Some(from) = module_of(path) else { continue };
        let named = graph.entry(from.clone()).or_default();
        for to in references(&code_of(text), path) {
            if to != from && modules.contains(&to) {
                named.entry(to).or_default().insert(path.clone());
            }
        }
    }
    graph
}

/// Each edge of `graph` into a layer above its start (or out of `layers`), with files.
fn upward_edges(graph: &Graph, layers: &[String]) -> Vec<String> {
    let rank = |module: &str| layers.iter().position(|l| l == layer_of(module));
    let mut upward = Vec::new();
    for (from, named) in graph {
        for (to, files) in named {
            if !matches!((rank(from), rank(to)), (Some(f), Some(t)) if t >= f) {
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                upward.push(format!("{from} -> {to} ({})", files.join(", ")));
            }
        }
    }
    upward
}

/// How deep below the crate root the module of `path` is (`a/b.rs`, `a/b/mod.rs`: 2).
fn depth_of(path: &str) -> usize {
    let parts = path.split('/').count();
    if path.ends_with("/mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// The modules (`layer::name`) that `code`, the code of `path`, reaches through the
/// crate root, or through its own layer by `super::`.
fn references(code: &str, path: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(ident_char) {
            continue;
        }
        if let Some(rest) = after_separator(&code[at + "crate".len()..]) {
            found.extend(heads(rest, 2));
        }
    }
    let (depth, layer) = (depth_of(path), path.split('/').next().unwrap_or_default());
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
            found.extend(heads(rest, 2));
        } else if climbs + 1 == depth && climbs > 0 {
            found.extend(heads(rest, 1).into_iter().map(|name| format!("{layer}::{name}")));
        }
    }
    found
}

/// `text` after a leading `::` (spaces allowed around it), if it starts with one.
fn after_separator(text: &str) -> Option<&str> {
    text.trim_start().strip_prefix("::").map(str::trim_start)
}

/// The paths that `path` starts with, each cut to at most `segments` segments: one, or
/// one for each item of a `{…}` group, nested groups included.
fn heads(path: &str, segments: usize) -> Vec<String> {
    if let Some(group) = path.strip_prefix('{') {
        return items_of(group)
            .iter()
            .flat_map(|item| heads(item.trim_start(), segments))
            .collect();
    }
    let name: String = path.chars().take_while(|&c| ident_char(c)).collect();
    match after_separator(&path[name.len()..]) {
        Some(rest) if segments > 1 => {
            heads(rest, segments - 1).into_iter().map(|tail| format!("{name}::{tail}")).collect()
        }
        _ => vec![name],
    }
}

/// The items of the group that `group` opens (the text after its `{`).
fn items_of(group: &str) -> Vec<String> {
    let (mut depth, mut item, mut items) = (0, String::new(), Vec::new());
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    items.push(item);
    items
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
        "{} cycle(s) among the modules of herald's layers; cut a back edge (move the shared \
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
