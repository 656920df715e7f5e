//! The layers of the code, kept by a test: it parses every source file of the core and of the
//! shell with `syn`, follows the module tree from each crate's root (skipping what only tests
//! compile), collects every path that names another module of the same crate (`use crate::…`,
//! `crate::…::f()`, `super::…`), and fails on
//! - an import from a folder of a lower layer into one of a higher layer (an upward import), or
//!   between two folders of the same layer;
//! - a cycle between the files of a folder;
//!
//! naming the two files and the line. The layers are stated in `CORE_LAYERS`, `SHELL_LAYERS`
//! and `HUB_LAYERS` below, from the bottom up, and in ARCHITECTURE.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The core's folders, bottom layer first. A folder may import the folders of the layers below
/// its own, never one of its own layer or above.
pub const CORE_LAYERS: &[&[&str]] = &[
    &["shared"],
    &["geo"],
    &["db"],
    &["history"],
    &["browse"],
    &["actors"],
    &["plan", "grid"],
    &["network"],
    &["map"],
    &["project", "notes"],
    &["workspace"],
    &["exchange"],
    &["safety"],
    &["share"],
    &["demo"],
];

/// The shell's modules, bottom layer first (`main.rs` uses the library by its crate name).
/// `state` sits above `jobs`: the shared state holds the running jobs.
pub const SHELL_LAYERS: &[&[&str]] = &[
    &["prefs", "jobs", "dialogs", "hubs"],
    &["state"],
    &["commands"],
    &["cli"],
    &["gui"],
];

/// The hub crate's modules, bottom layer first.
pub const HUB_LAYERS: &[&[&str]] = &[
    &["error"],
    &["address"],
    &["tls"],
    &["connect"],
    &["schema"],
    &["members", "mirror", "status"],
    &["share"],
    &["moving"],
];

/// One file of a crate, known by its module path (`["db", "store"]`).
#[derive(Debug)]
struct Module {
    path: Vec<String>,
    file: PathBuf,
}

/// An import of one module by another, where it is written.
#[derive(Debug, Clone)]
struct Import {
    from: Vec<String>,
    to: Vec<String>,
    file: PathBuf,
    line: usize,
}

fn has_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        // `cfg(test)`, and `cfg(any(test, …))`; not `cfg(not(test))`.
        syn::Meta::List(list) if list.path.is_ident("cfg") => {
            let text = list.tokens.to_string();
            text.split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "test")
                && !text.contains("not")
        }
        _ => false,
    })
}

/// Every module of a crate compiled outside tests, from its root file.
fn modules(root: &Path) -> Vec<(Module, syn::File)> {
    let mut out = Vec::new();
    walk(root, Vec::new(), root.parent().unwrap(), &mut out);
    out
}

fn walk(file: &Path, path: Vec<String>, dir: &Path, out: &mut Vec<(Module, syn::File)>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    // Child modules declared in this file live in `dir` (the crate root, or `x/` for `x/mod.rs`
    // and `x.rs`).
    for item in &parsed.items {
        let syn::Item::Mod(m) = item else { continue };
        if has_cfg_test(&m.attrs) || m.content.is_some() {
            // Inline modules are walked with their file; test-only ones are skipped there.
            continue;
        }
        let name = m.ident.to_string();
        let explicit = m.attrs.iter().find_map(|a| {
            if !a.path().is_ident("path") {
                return None;
            }
            match &a.meta {
                syn::Meta::NameValue(syn::MetaNameValue {
                    value:
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }),
                    ..
                }) => Some(s.value()),
                _ => None,
            }
        });
        let (child, child_dir) = match explicit {
            Some(p) => {
                let f = dir.join(p);
                let d = f.with_extension("");
                (f, d)
            }
            None => {
                let flat = dir.join(format!("{name}.rs"));
                if flat.exists() {
                    (flat, dir.join(&name))
                } else {
                    (dir.join(&name).join("mod.rs"), dir.join(&name))
                }
            }
        };
        let mut child_path = path.clone();
        child_path.push(name);
        walk(&child, child_path, &child_dir, out);
    }
    out.push((
        Module {
            path,
            file: file.to_path_buf(),
        },
        parsed,
    ));
}

/// Collects the paths into the same crate written in one file, outside test-only items.
struct Collector<'a> {
    module: &'a [String],
    /// The inline modules we are inside of (for `super`).
    inline: Vec<String>,
    found: Vec<(Vec<String>, usize)>,
}

impl Collector<'_> {
    fn here(&self) -> Vec<String> {
        let mut p = self.module.to_vec();
        p.extend(self.inline.iter().cloned());
        p
    }

    /// Resolves a path's leading `crate`/`super`/`self` segments to an absolute module path,
    /// or None when it does not start with one of them.
    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        let first = segments.first()?;
        let (mut base, rest) = match first.as_str() {
            "crate" => (Vec::new(), &segments[1..]),
            "super" | "self" => (self.here(), segments),
            _ => return None,
        };
        let mut rest = rest;
        while let Some(s) = rest.first() {
            match s.as_str() {
                "super" => {
                    base.pop()?;
                }
                "self" => {}
                _ => break,
            }
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn record(&mut self, segments: Vec<String>, line: usize) {
        if let Some(abs) = self.resolve(&segments) {
            self.found.push((abs, line));
        }
    }
}

fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut p = prefix.clone();
            if n.ident != "self" {
                p.push(n.ident.to_string());
            }
            out.push(p);
        }
        syn::UseTree::Rename(r) => {
            let mut p = prefix.clone();
            p.push(r.ident.to_string());
            out.push(p);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_paths(t, prefix, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Enum(e) => &e.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Static(s) => &s.attrs,
            syn::Item::Trait(t) => &t.attrs,
            syn::Item::Type(t) => &t.attrs,
            syn::Item::Macro(m) => &m.attrs,
            _ => &[],
        };
        if has_cfg_test(attrs) {
            return;
        }
        if let syn::Item::Mod(m) = item {
            if m.content.is_some() {
                self.inline.push(m.ident.to_string());
                syn::visit::visit_item(self, item);
                self.inline.pop();
                return;
            }
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !has_cfg_test(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut out = Vec::new();
        use_paths(&u.tree, &mut Vec::new(), &mut out);
        let line = u.use_token.span.start().line;
        for p in out {
            self.record(p, line);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = p
            .segments
            .first()
            .map(|s| s.ident.span().start().line)
            .unwrap_or(0);
        self.record(segments, line);
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Paths inside macro calls (`format!`, `matches!`…) are tokens: read `crate :: a :: b`.
        let tokens: Vec<proc_macro2::TokenTree> = m.tokens.clone().into_iter().collect();
        scan_tokens(&tokens, self);
        syn::visit::visit_macro(self, m);
    }
}

fn scan_tokens(tokens: &[proc_macro2::TokenTree], c: &mut Collector<'_>) {
    use proc_macro2::TokenTree;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                scan_tokens(&inner, c);
            }
            TokenTree::Ident(id) if id == "crate" => {
                let line = id.span().start().line;
                let mut segs = vec!["crate".to_string()];
                let mut j = i + 1;
                while j + 2 < tokens.len() + 1 {
                    let colons = matches!(&tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                        && matches!(&tokens.get(j + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                    match (colons, tokens.get(j + 2)) {
                        (true, Some(TokenTree::Ident(next))) => {
                            segs.push(next.to_string());
                            j += 3;
                        }
                        _ => break,
                    }
                }
                c.record(segs, line);
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// The imports between the modules of a crate: each path is cut to the longest module path
/// that exists (an item of `db::store` names `db::store`).
fn imports(root: &Path) -> (Vec<Module>, Vec<Import>) {
    let parsed = modules(root);
    let known: BTreeSet<Vec<String>> = parsed.iter().map(|(m, _)| m.path.clone()).collect();
    let mut all = Vec::new();
    for (module, file) in &parsed {
        let mut c = Collector {
            module: &module.path,
            inline: Vec::new(),
            found: Vec::new(),
        };
        for item in &file.items {
            c.visit_item(item);
        }
        for (target, line) in c.found {
            let mut to = target.clone();
            while !to.is_empty() && !known.contains(&to) {
                to.pop();
            }
            if to.is_empty() || to == module.path {
                continue;
            }
            all.push(Import {
                from: module.path.clone(),
                to,
                file: module.file.clone(),
                line,
            });
        }
    }
    (parsed.into_iter().map(|(m, _)| m).collect(), all)
}

fn layer_of(layers: &[&[&str]], folder: &str) -> Option<usize> {
    layers.iter().position(|l| l.contains(&folder))
}

fn relative(file: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// The upward imports and imports within a layer, one line each.
fn layer_violations(layers: &[&[&str]], modules: &[Module], imports: &[Import]) -> Vec<String> {
    let file_of: BTreeMap<&Vec<String>, &PathBuf> =
        modules.iter().map(|m| (&m.path, &m.file)).collect();
    let mut out = Vec::new();
    let mut unknown = BTreeSet::new();
    for i in imports {
        let (Some(from), Some(to)) = (i.from.first(), i.to.first()) else {
            continue;
        };
        if from == to {
            continue;
        }
        let (Some(lf), Some(lt)) = (layer_of(layers, from), layer_of(layers, to)) else {
            for f in [from, to] {
                if layer_of(layers, f).is_none() {
                    unknown.insert(f.clone());
                }
            }
            continue;
        };
        if lt >= lf {
            let target = file_of
                .get(&i.to)
                .map(|f| relative(f))
                .unwrap_or_else(|| i.to.join("::"));
            out.push(format!(
                "{}:{} imports {} ({} is {} layer {}): {}",
                relative(&i.file),
                i.line,
                target,
                to,
                if lt == lf {
                    "in its own"
                } else {
                    "in the higher"
                },
                lt + 1,
                if lt == lf {
                    "two folders of one layer"
                } else {
                    "an upward import"
                },
            ));
        }
    }
    for f in unknown {
        out.push(format!("the folder « {f} » is in no layer: add it to the layers of tests/layers.rs and ARCHITECTURE.md"));
    }
    out.sort();
    out.dedup();
    out
}

/// Cycles between the files of one folder (strongly connected components of more than one file).
fn file_cycles(modules: &[Module], imports: &[Import]) -> Vec<String> {
    let index: BTreeMap<&Vec<String>, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (&m.path, i))
        .collect();
    let n = modules.len();
    let mut edges: Vec<BTreeMap<usize, &Import>> = vec![BTreeMap::new(); n];
    for i in imports {
        // Within one folder only (across folders, the layers already forbid cycles); a module
        // and its own `mod.rs` parent are one unit.
        if i.from.first() != i.to.first() || i.from.starts_with(&i.to) || i.to.starts_with(&i.from)
        {
            continue;
        }
        if let (Some(&a), Some(&b)) = (index.get(&i.from), index.get(&i.to)) {
            edges[a].entry(b).or_insert(i);
        }
    }
    // Tarjan's strongly connected components.
    struct T<'a> {
        edges: &'a [BTreeMap<usize, &'a Import>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        sccs: Vec<Vec<usize>>,
    }
    fn strong(t: &mut T<'_>, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        let targets: Vec<usize> = t.edges[v].keys().copied().collect();
        for w in targets {
            match t.index[w] {
                None => {
                    strong(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            t.sccs.push(scc);
        }
    }
    let mut t = T {
        edges: &edges,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: vec![],
        next: 0,
        sccs: vec![],
    };
    for v in 0..n {
        if t.index[v].is_none() {
            strong(&mut t, v);
        }
    }
    let mut out = Vec::new();
    for scc in t.sccs.iter().filter(|s| s.len() > 1) {
        let members: BTreeSet<usize> = scc.iter().copied().collect();
        let mut lines = Vec::new();
        for &a in scc {
            for (&b, i) in &edges[a] {
                if members.contains(&b) {
                    lines.push(format!(
                        "{}:{} imports {}",
                        relative(&i.file),
                        i.line,
                        relative(&modules[b].file)
                    ));
                }
            }
        }
        lines.sort();
        out.push(format!("a cycle between files: {}", lines.join("; ")));
    }
    out.sort();
    out
}

fn check(root: &str, layers: &[&[&str]]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
    let (modules, imports) = imports(&root);
    let mut problems = layer_violations(layers, &modules, &imports);
    problems.extend(file_cycles(&modules, &imports));
    problems
}

#[test]
fn the_core_imports_only_downwards_and_its_files_form_no_cycle() {
    let problems = check("src-tauri/core/src/lib.rs", CORE_LAYERS);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the core's layers:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_shell_imports_only_downwards_and_its_files_form_no_cycle() {
    let problems = check("src-tauri/src/lib.rs", SHELL_LAYERS);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the shell's layers:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_hub_imports_only_downwards_and_its_files_form_no_cycle() {
    let problems = check("src-tauri/hub/src/lib.rs", HUB_LAYERS);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the hub's layers:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The check itself, on a small crate written for the occasion: a planted upward import and a
/// cycle between two files are both reported, naming the files; imports inside tests are not.
#[test]
fn a_planted_upward_import_and_a_file_cycle_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |p: &str, text: &str| {
        let f = src.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    write("lib.rs", "pub mod low;\npub mod high;\n");
    write(
        "low/mod.rs",
        "pub mod a;\npub mod b;\n#[cfg(test)]\nmod tests { use crate::high::x; }\n",
    );
    write("low/a.rs", "use super::b::g;\npub fn f() { g() }\n");
    write(
        "low/b.rs",
        "pub fn g() { let _ = crate::high::x::h; super::a::f() }\n",
    );
    write("high/mod.rs", "pub mod x;\n");
    write("high/x.rs", "use crate::low::a::f;\npub fn h() { f() }\n");
    let (modules, imports) = imports(&src.join("lib.rs"));
    let layers: &[&[&str]] = &[&["low"], &["high"]];
    let upward = layer_violations(layers, &modules, &imports);
    assert_eq!(upward.len(), 1, "{upward:?}");
    assert!(
        upward[0].contains("low/b.rs:1 imports") && upward[0].contains("high/x.rs"),
        "{upward:?}"
    );
    assert!(upward[0].contains("an upward import"), "{upward:?}");
    let cycles = file_cycles(&modules, &imports);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].contains("low/a.rs:1 imports") && cycles[0].contains("low/b.rs"),
        "{cycles:?}"
    );
    // The same crate with the layers the other way round: the import from high is the upward one.
    let reversed: &[&[&str]] = &[&["high"], &["low"]];
    let upward = layer_violations(reversed, &modules, &imports);
    assert!(
        upward.iter().any(|p| p.contains("high/x.rs:1 imports")),
        "{upward:?}"
    );
    // A folder in no layer is named.
    let partial: &[&[&str]] = &[&["low"]];
    assert!(layer_violations(partial, &modules, &imports)
        .iter()
        .any(|p| p.contains("« high » is in no layer")));
}

/// How long a file (lines, outside `demo/`) and a function (lines, outside tests) may be.
const MAX_FILE_LINES: usize = 800;
const MAX_FN_LINES: usize = 80;

/// The files and functions left longer, each with why it reads better whole.
const LONG_ALLOWED: &[(&str, &str)] = &[];

/// Collects the functions of a file outside tests, with their first and last lines.
struct Functions {
    found: Vec<(String, usize, usize)>,
}

impl<'ast> Visit<'ast> for Functions {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let test_only = match item {
            syn::Item::Mod(m) => has_cfg_test(&m.attrs),
            syn::Item::Fn(f) => has_cfg_test(&f.attrs),
            syn::Item::Impl(i) => has_cfg_test(&i.attrs),
            _ => false,
        };
        if !test_only {
            syn::visit::visit_item(self, item);
        }
    }
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        use syn::spanned::Spanned;
        let span = f.span();
        self.found
            .push((f.sig.ident.to_string(), span.start().line, span.end().line));
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        use syn::spanned::Spanned;
        if has_cfg_test(&f.attrs) {
            return;
        }
        let span = f.span();
        self.found
            .push((f.sig.ident.to_string(), span.start().line, span.end().line));
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// Files over `MAX_FILE_LINES` (outside `demo/`) and functions over `MAX_FN_LINES` (outside
/// tests), as « file » and « file::function » with their length.
fn too_long(root: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
    let mut out = Vec::new();
    for (module, file) in modules(&root) {
        let name = relative(&module.file);
        let lines = std::fs::read_to_string(&module.file)
            .unwrap()
            .lines()
            .count();
        if lines > MAX_FILE_LINES && module.path.first().map(String::as_str) != Some("demo") {
            out.push((name.clone(), format!("{name}: {lines} lines")));
        }
        let mut f = Functions { found: Vec::new() };
        for item in &file.items {
            f.visit_item(item);
        }
        for (func, start, end) in f.found {
            let n = end - start + 1;
            if n > MAX_FN_LINES {
                out.push((
                    format!("{name}::{func}"),
                    format!("{name}::{func}: {n} lines"),
                ));
            }
        }
    }
    let allowed: BTreeSet<&str> = LONG_ALLOWED.iter().map(|(k, _)| *k).collect();
    let mut out: Vec<String> = out
        .into_iter()
        .filter(|(k, _)| !allowed.contains(k.as_str()))
        .map(|(_, v)| v)
        .collect();
    out.sort();
    out
}

#[test]
fn no_file_runs_over_800_lines_and_no_function_over_80() {
    let mut problems = too_long("src-tauri/core/src/lib.rs");
    problems.extend(too_long("src-tauri/src/lib.rs"));
    problems.extend(too_long("src-tauri/hub/src/lib.rs"));
    assert!(
        problems.is_empty(),
        "{} file(s) or function(s) too long (split them, or name them in LONG_ALLOWED with why they read better whole):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
