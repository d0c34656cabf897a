//! "Explain my message": paste an HL7 v2 message, or open a file, and see it
//! explained field by field. Parsing happens in the browser (WASM); the page
//! has no form and calls no server function, so the text never leaves the
//! browser. A file arrives as bytes and is decoded in the character set its
//! MSH-18 declares ([`crate::hl7::decode_message`], as on the command line),
//! with a notice where the bytes do not fit the declaration.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::explorer::hl7::{message_summary, message_version};
use crate::explorer::{explain_hl7, hl7_explorer, Hl7ExplorerOptions, Hl7Row};
use crate::hl7::{parse, ParseError};

/// What the page shows for the current text.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Empty,
    Explained {
        summary: Option<String>,
        version: String,
        segments: usize,
        explorer: String,
        rows: Vec<Hl7Row>,
    },
    Failed(ParseError),
}

fn explain(text: &str) -> Outcome {
    if text.trim().is_empty() {
        return Outcome::Empty;
    }
    match parse(text) {
        Ok(message) => Outcome::Explained {
            summary: message_summary(&message),
            version: message_version(&message).to_string(),
            segments: message.all_segments().len(),
            explorer: hl7_explorer(
                &message,
                &Hl7ExplorerOptions {
                    id: "explain-hl7".into(),
                    label: Some("Your message".into()),
                    hide_names: false,
                    name_switch: true,
                },
            ),
            rows: explain_hl7(&message),
        },
        Err(e) => Outcome::Failed(e),
    }
}

/// The text of a message file and what the page says about its bytes: the
/// character set used, then each mismatch with MSH-18.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn from_bytes(bytes: &[u8]) -> (String, Vec<String>) {
    let decoded = crate::hl7::decode_message(bytes);
    let mut notes = vec![if decoded.declared.is_empty() {
        format!("Read as {} (the message has no MSH-18).", decoded.used)
    } else {
        format!(
            "Read as {} (MSH-18 says `{}`).",
            decoded.used, decoded.declared
        )
    }];
    notes.extend(decoded.warnings);
    (decoded.text, notes)
}

/// A synthetic example message, made in the browser from a seed.
fn example(event: crate::synth::Event, seed: u64) -> String {
    use crate::synth::{generate, DateTime};
    let base = DateTime::new(2025, 3, 14, 9, 0, 0).unwrap_or(DateTime::from_unix(1_741_942_800));
    // One segment per line reads better in a text box than bare CRs.
    generate(event, seed, base)
        .er7
        .trim_end()
        .replace('\r', "\n")
}

#[component]
pub fn ExplainHl7Page() -> impl IntoView {
    let (text, set_text) = signal(String::new());
    // What the last opened file's bytes said; cleared when the text is edited.
    let (byte_notes, set_byte_notes) = signal(Vec::<String>::new());
    let outcome = Memo::new(move |_| explain(&text.read()));
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                let name = file.name();
                leptos::task::spawn_local(async move {
                    match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                        Ok(buffer) => {
                            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                            let (decoded, notes) = from_bytes(&bytes);
                            set_text.set(decoded);
                            set_byte_notes.set(notes);
                        }
                        Err(_) => {
                            set_byte_notes.set(vec![format!("The browser could not read {name}.")])
                        }
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, set_byte_notes);
    };
    let seed = StoredValue::new(1u64);
    let load_example = move |event: crate::synth::Event| {
        let s = seed.get_value();
        seed.set_value(s.wrapping_add(1));
        set_text.set(example(event, s));
    };
    view! {
        <Title text="Explain my HL7 message"/>
        <div class="wrap narrow-top">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><a href="/hl7">"HL7 lab"</a></li>
                    <li><span aria-current="page">"Explain my message"</span></li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>"Explain my HL7 message"</h1>
                <p class="lede">
                    "Paste an HL7 v2 message to see every segment, field and component named and decoded. "
                    "Your message is read by this page in your browser and is never sent to PACS Academy."
                </p>
            </header>
            <noscript>
                <p class="notice notice-warning">"This page needs JavaScript: it reads your message in the browser so that it never leaves your computer."</p>
            </noscript>
            <div class="explain-input">
                <label for="hl7-input">"HL7 v2 message"</label>
                <p class="hint" id="hl7-input-hint">
                    "One segment per line (CR, LF or CR LF). MLLP framing and custom delimiters are fine."
                </p>
                <textarea
                    id="hl7-input"
                    class="code-input"
                    rows="10"
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby="hl7-input-hint"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        set_byte_notes.set(Vec::new());
                        set_text.set(event_target_value(&ev));
                    }
                ></textarea>
                <label for="hl7-file">"Or open a message file"</label>
                <p class="hint" id="hl7-file-hint">"Read in the character set its MSH-18 declares."</p>
                <input type="file" id="hl7-file" aria-describedby="hl7-file-hint" on:change=on_file/>
                {move || {
                    let notes = byte_notes.get();
                    (!notes.is_empty()).then(|| view! {
                        <div class="notice" role="status">
                            <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                        </div>
                    })
                }}
                <div class="button-row">
                    <button type="button" class="button button-secondary" on:click=move |_| load_example(crate::synth::Event::AdtA01)>"Example ADT^A01"</button>
                    <button type="button" class="button button-secondary" on:click=move |_| load_example(crate::synth::Event::OmiO23)>"Example OMI^O23"</button>
                    <button type="button" class="button button-secondary" on:click=move |_| load_example(crate::synth::Event::OruR01)>"Example ORU^R01"</button>
                    <button type="button" class="button button-secondary" on:click=move |_| set_text.set(String::new())>"Clear"</button>
                </div>
            </div>
            <div class="explain-output" aria-live="polite">
                {move || match outcome.get() {
                    Outcome::Empty => view! {
                        <p class="explain-empty">"Paste a message above, or load an example."</p>
                    }.into_any(),
                    Outcome::Failed(e) => view! { <ParseFailure error=e/> }.into_any(),
                    Outcome::Explained { summary, version, segments, explorer, rows } => view! {
                        <section aria-labelledby="explained-title">
                            <h2 id="explained-title">
                                {summary.unwrap_or_else(|| "Your message".into())}
                            </h2>
                            <p class="meta">{format!("{segments} segments · read with the HL7 v{version} dictionary")}</p>
                            <div inner_html=explorer></div>
                            <FieldTable rows/>
                        </section>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}

#[component]
fn ParseFailure(error: ParseError) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <h2>"This is not a message the parser can read"</h2>
            <p>
                <strong>{format!("Line {}, column {}: ", error.line, error.column)}</strong>
                {error.message.clone()}
            </p>
            <dl class="facts">
                <div><dt>"Expected"</dt><dd>{error.expected.clone()}</dd></div>
                <div><dt>"Found"</dt><dd>{error.found.clone()}</dd></div>
            </dl>
        </div>
    }
}

/// Every non-empty value, one row each.
#[component]
fn FieldTable(rows: Vec<Hl7Row>) -> impl IntoView {
    view! {
        <h3 id="field-table-title">"Field by field"</h3>
        <div class="table-wrap" role="region" aria-labelledby="field-table-title" tabindex="0">
            <table class="field-table">
                <thead>
                    <tr><th scope="col">"Path"</th><th scope="col">"Name"</th><th scope="col">"Type"</th><th scope="col">"Value"</th><th scope="col">"Meaning"</th></tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row"><code>{r.path}</code></th>
                            <td>{r.full_name.unwrap_or_else(|| "(not in the dictionary)".into())}</td>
                            <td>{r.data_type.map(|t| view! { <code>{t}</code> })}</td>
                            <td class="value">{r.value}</td>
                            <td>{r.meaning}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_parse_and_errors_say_where() {
        for event in [crate::synth::Event::AdtA01, crate::synth::Event::OruR01] {
            assert!(matches!(
                explain(&example(event, 3)),
                Outcome::Explained { .. }
            ));
        }
        match explain("PID|1||123") {
            Outcome::Failed(e) => {
                assert_eq!((e.line, e.column), (1, 1));
                assert!(e.expected.contains("MSH"));
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert_eq!(explain("  \n"), Outcome::Empty);
    }

    #[test]
    fn a_file_is_decoded_as_its_msh18_declares_and_mismatches_are_shown() {
        let mut bytes =
            b"MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5||||||8859/1\rPID|1||1||M".to_vec();
        bytes.extend(b"\xfcller\r");
        let (text, notes) = from_bytes(&bytes);
        assert!(text.contains("||M\u{fc}ller"));
        assert_eq!(notes, ["Read as ISO 8859-1 (MSH-18 says `8859/1`)."]);
        let Outcome::Explained { rows, .. } = explain(&text) else {
            panic!("parses")
        };
        assert!(rows.iter().any(|r| r.value == "M\u{fc}ller"));
        bytes.extend(b"NTE|1||\x93quoted\x94\r");
        let (text, notes) = from_bytes(&bytes);
        assert!(text.contains("\u{201c}quoted\u{201d}"));
        assert!(notes[1].contains("byte 0x93 at offset"), "{notes:?}");
    }
}
