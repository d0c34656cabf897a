//! The HL7 lab: what it offers, with a live explorer of a synthetic message.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::explorer::{hl7_explorer, Hl7ExplorerOptions};
use crate::synth::{generate, DateTime, Event};

/// The example on the lab page: the same synthetic admission every time.
fn example_explorer() -> String {
    let base = DateTime::new(2025, 3, 14, 9, 0, 0).unwrap_or(DateTime::from_unix(1_741_942_800));
    let g = generate(Event::AdtA01, 7, base);
    hl7_explorer(
        &g.message,
        &Hl7ExplorerOptions {
            id: "lab-example".into(),
            label: Some("Example ADT^A01 admission message".into()),
            hide_names: false,
            name_switch: true,
        },
    )
}

#[component]
pub fn Hl7LabPage() -> impl IntoView {
    view! {
        <Title text="HL7 lab"/>
        <div class="wrap">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><span aria-current="page">"HL7 lab"</span></li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>"HL7 lab"</h1>
                <p class="lede">
                    "Every HL7 v2 message is text: segments on lines, fields between bars, components between hats. "
                    "Move through this synthetic admission message to see what each part is called and what it holds."
                </p>
            </header>
            <section aria-labelledby="example-title">
                <h2 id="example-title">"An admission, part by part"</h2>
                <div inner_html=example_explorer()></div>
            </section>
            <section aria-labelledby="lab-next">
                <h2 id="lab-next">"Practise"</h2>
                <ul class="card-grid">
                    <li class="card">
                        <h3><a href="/hl7/explain">"Explain my message"</a></h3>
                        <p>"Paste a message from your own system and see it explained field by field. It never leaves your browser."</p>
                    </li>
                    <li class="card">
                        <h3><a href="/exercises">"Decoding exercises"</a></h3>
                        <p>"Read values, find fields, name trigger events, spot the defect, follow a merge and build the ACK, with instant feedback."</p>
                    </li>
                    <li class="card">
                        <h3><a href="/foundation/hl7-message-structure">"HL7 message structure"</a></h3>
                        <p>"The Foundation module that explains segments, fields, components, escapes and the MSH header."</p>
                    </li>
                </ul>
            </section>
        </div>
    }
}
