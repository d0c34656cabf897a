//! "Explain my file": open a DICOM file (Part 10, or a bare data set) and
//! read it element by element. The file is read by this page in the browser
//! (WASM) and is never uploaded: the page has no form and calls no server
//! function.

use leptos::prelude::*;
use leptos_meta::Title;

/// What the page shows.
#[derive(Clone, Debug, PartialEq)]
// Built only in the browser (and the tests).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Outcome {
    Empty,
    Reading(String),
    Read {
        name: String,
        size: usize,
        summary: String,
        notes: Vec<String>,
        error: Option<(usize, String)>,
        explorer: String,
    },
    Failed(String),
}

/// Reads `bytes` and renders the explorer (pure; the page calls it in the
/// browser, the tests natively).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn explain(name: String, bytes: &[u8]) -> Outcome {
    use crate::explorer::dicom::summary;
    use crate::explorer::{dicom_explorer, DicomExplorerOptions};
    if bytes.is_empty() {
        return Outcome::Failed(format!("{name} is empty: there is nothing to read."));
    }
    if let Some(why) = crate::dicom::not_dicom(bytes) {
        return Outcome::Failed(format!("{name}: {why}"));
    }
    let parsed = crate::dicom::read(bytes);
    let explorer = dicom_explorer(
        &parsed,
        bytes,
        &DicomExplorerOptions {
            id: "explain-dicom".into(),
            label: Some(format!("Your file {name}")),
        },
    );
    Outcome::Read {
        summary: summary(&parsed),
        notes: parsed.notes.clone(),
        error: parsed.error.as_ref().map(|e| (e.offset, e.message.clone())),
        explorer,
        size: bytes.len(),
        name,
    }
}

#[component]
pub fn ExplainDicomPage() -> impl IntoView {
    let (outcome, set_outcome) = signal(Outcome::Empty);
    let (dragging, set_dragging) = signal(false);
    #[cfg(feature = "hydrate")]
    let open = move |file: web_sys::File| {
        let name = file.name();
        set_outcome.set(Outcome::Reading(name.clone()));
        leptos::task::spawn_local(async move {
            let result = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
            match result {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    set_outcome.set(explain(name, &bytes));
                }
                Err(_) => set_outcome.set(Outcome::Failed(format!(
                    "The browser could not read {name}."
                ))),
            }
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                open(file);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        set_dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            open(file);
        }
    };
    let _ = set_outcome;
    view! {
        <Title text="Explain my DICOM file"/>
        <div class="wrap">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><a href="/dicom">"DICOM lab"</a></li>
                    <li><span aria-current="page">"Explain my file"</span></li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>"Explain my DICOM file"</h1>
                <p class="lede">
                    "Open a DICOM file (a .dcm Part 10 file, or a bare data set) to see every element, byte by byte. "
                    "The file is read by this page in your browser and is never uploaded to PACS Academy."
                </p>
            </header>
            <noscript>
                <p class="notice notice-warning">"This page needs JavaScript: it reads your file in the browser so that it never leaves your computer."</p>
            </noscript>
            <div
                class=move || if dragging.get() { "drop-zone dragging" } else { "drop-zone" }
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); set_dragging.set(true); }
                on:dragleave=move |_| set_dragging.set(false)
                on:drop=on_drop
            >
                <label for="dicom-file">"Choose a DICOM file"</label>
                <p class="hint" id="dicom-file-hint">"Or drop it here. Large files are fine: pixel data is summarised, not shown in full."</p>
                <input type="file" id="dicom-file" aria-describedby="dicom-file-hint" on:change=on_change/>
            </div>
            <div class="explain-output" aria-live="polite">
                {move || match outcome.get() {
                    Outcome::Empty => view! { <p class="explain-empty">"No file chosen yet."</p> }.into_any(),
                    Outcome::Reading(name) => view! { <p role="status">{format!("Reading {name}…")}</p> }.into_any(),
                    Outcome::Failed(message) => view! { <p class="notice notice-error" role="alert">{message}</p> }.into_any(),
                    Outcome::Read { name, size, summary, notes, error, explorer } => view! {
                        <section aria-labelledby="file-title">
                            <h2 id="file-title">{format!("{name} ({size} bytes)")}</h2>
                            <p class="meta">{summary}</p>
                            {error.map(|(offset, message)| view! {
                                <div class="notice notice-error" role="alert">
                                    <h3>{format!("Reading stopped at byte {offset} (0x{offset:08X})")}</h3>
                                    <p>{message}</p>
                                    <p>"Everything read before that point is shown below."</p>
                                </div>
                            })}
                            {(!notes.is_empty()).then(|| view! {
                                <ul class="notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                            })}
                            <div inner_html=explorer></div>
                        </section>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_file_says_where_and_keeps_what_was_read() {
        let file =
            crate::synth::dicom::instance(crate::synth::dicom::Modality::Ct, 3, 0).expect("file");
        let cut = &file.bytes[..file.bytes.len() / 2];
        match explain("cut.dcm".into(), cut) {
            Outcome::Read {
                error: Some((offset, message)),
                explorer,
                ..
            } => {
                assert!(offset > 132 && offset <= cut.len(), "{offset}");
                assert!(!message.is_empty());
                assert!(
                    explorer.contains("PatientID"),
                    "elements before the fault are listed"
                );
            }
            other => panic!("expected an error with an offset, got {other:?}"),
        }
        assert!(matches!(explain("e.dcm".into(), &[]), Outcome::Failed(_)));
    }

    #[test]
    fn a_file_that_is_not_dicom_is_called_that() {
        match explain("scan.png".into(), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR") {
            Outcome::Failed(m) => {
                assert!(m.starts_with("scan.png: This is not a DICOM file"), "{m}");
                assert!(m.contains("PNG image"), "{m}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Starts like a data element, then overruns: read, with where it stopped.
        let mut junk = vec![0x08, 0x00, 0x05, 0x00, b'C', b'S', 0xff, 0x7f];
        junk.extend_from_slice(&[b'x'; 40]);
        assert!(matches!(
            explain("junk.bin".into(), &junk),
            Outcome::Read { error: Some(_), .. }
        ));
    }
}
