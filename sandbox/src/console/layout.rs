//! The page shell of the console: head, navigation, flash message, stylesheet and the few lines
//! of script for auto-refresh.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::sign_diagnosis::Segment;

/// The console's pages, in navigation order: (path, label).
pub const NAV: [(&str, &str); 7] = [
    ("/console/requests", "Requests"),
    ("/console/stocks", "Stocks"),
    ("/console/notifications", "Notifications"),
    ("/console/bills", "Bills"),
    ("/console/clock", "Clock"),
    ("/console/merchant", "Merchant"),
    ("/openapi.json", "OpenAPI"),
];

const CSS: &str = r#"
:root { --fg:#1d2330; --muted:#5b6475; --line:#d8dce4; --bg:#f6f7f9; --accent:#0b6e4f; --bad:#b42318; --warn:#9a6700; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem; padding:.6rem 1.2rem; background:#fff; border-bottom:1px solid var(--line); }
header .brand { font-weight:700; }
nav a { margin-right:.9rem; color:var(--fg); text-decoration:none; padding:.15rem .2rem; border-bottom:2px solid transparent; }
nav a[aria-current=page] { border-bottom-color:var(--accent); font-weight:600; }
main { padding:1rem 1.2rem 3rem; max-width:1400px; }
h1 { font-size:1.3rem; margin:.2rem 0 1rem; }
h2 { font-size:1.05rem; margin:1.2rem 0 .5rem; }
h3 { font-size:.9rem; margin:.6rem 0 .2rem; color:var(--muted); }
table { border-collapse:collapse; width:100%; background:#fff; }
th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.85rem; color:var(--muted); font-weight:600; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.85rem; }
pre { white-space:pre-wrap; word-break:break-all; background:#fff; border:1px solid var(--line); padding:.5rem; margin:.3rem 0; }
.ok { color:var(--accent); } .bad { color:var(--bad); } .warn { color:var(--warn); } .muted { color:var(--muted); }
.flash { padding:.5rem .8rem; border-left:4px solid var(--accent); background:#fff; margin-bottom:1rem; }
.flash.error { border-left-color:var(--bad); }
form.inline { display:inline-flex; gap:.3rem; align-items:center; margin:0 .4rem .2rem 0; }
input, select, button { font:inherit; padding:.2rem .4rem; }
input[type=number] { width:8rem; }
button { background:#fff; border:1px solid var(--muted); border-radius:4px; cursor:pointer; }
button:hover { background:#eef3f0; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline:3px solid #2f6fdf; outline-offset:2px; }
.diff { display:grid; grid-template-columns:1fr 1fr; gap:.8rem; }
.diff mark { background:#ffd7d5; color:#000; outline:1px solid #d92d20; }
tr.diag td { border-top:0; padding-top:0; }
.diff mark.signed { background:#fff1b8; outline-color:#9a6700; }
.nl { color:var(--muted); }
dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; background:#fff; padding:.8rem; border:1px solid var(--line); }
dl.kv dt { color:var(--muted); }
.filters { display:flex; flex-wrap:wrap; gap:.6rem; align-items:end; margin-bottom:.8rem; }
.filters label { display:flex; flex-direction:column; font-size:.85rem; color:var(--muted); }
details summary { cursor:pointer; }
"#;

/// Reloads the page every 3 s while the box is ticked (the choice is remembered), unless focus
/// is in a form field.
const JS: &str = r#"
(function () {
  var box = document.getElementById('auto-refresh');
  if (!box) return;
  box.checked = localStorage.getItem('console-refresh') === '1';
  box.addEventListener('change', function () { localStorage.setItem('console-refresh', box.checked ? '1' : '0'); });
  setInterval(function () {
    var a = document.activeElement;
    var busy = a && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(a.tagName) && a !== box;
    if (box.checked && !busy && !document.querySelector('details[open]')) location.reload();
  }, 3000);
})();
"#;

/// A message shown above the page content (the result of an action).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// Text.
    pub text: String,
    /// Whether it reports an error.
    pub error: bool,
}

/// The full page: `title`, the active navigation entry `active` and the `content`.
pub fn page(title: &str, active: &str, flash: Option<&Flash>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · WeChat Pay sandbox" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    span.brand { "WeChat Pay sandbox console" }
                    nav aria-label="Console pages" {
                        @for (href, label) in NAV {
                            @if href == active {
                                a href=(href) aria-current="page" { (label) }
                            } @else {
                                a href=(href) { (label) }
                            }
                        }
                    }
                    label { input #auto-refresh type="checkbox"; " auto-refresh" }
                }
                main {
                    @if let Some(f) = flash {
                        p.flash.error[f.error] role="status" { (f.text) }
                    }
                    h1 { (title) }
                    (content)
                }
                script { (PreEscaped(JS)) }
            }
        }
    }
}

/// A canonical message in a `<pre>`: line ends shown as `↵`, the runs absent from the other
/// side in a `<mark>` of class `class`.
pub fn message(segments: &[Segment<'_>], class: &str) -> Markup {
    html! {
        pre {
            @for s in segments {
                @if s.differs { mark class=(class) { (visible(s.text)) } } @else { (visible(s.text)) }
            }
        }
    }
}

/// Text with each `\n` shown as a visible `↵` before the line break.
fn visible(s: &str) -> Markup {
    html! {
        @for (i, line) in s.split('\n').enumerate() {
            @if i > 0 { span.nl aria-hidden="true" { "↵" } "\n" }
            (line)
        }
    }
}
