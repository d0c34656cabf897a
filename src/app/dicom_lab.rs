//! The DICOM lab: a synthetic file explored byte by byte, and synthetic
//! studies to download and open in the tools used at work.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::session::error_text;

/// The lab page's example and download links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DicomLab {
    /// The explorer's markup for the example file.
    pub explorer: String,
    pub summary: String,
    pub example_name: String,
    pub downloads: Vec<Download>,
}

/// One downloadable synthetic file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    pub modality: String,
    pub description: String,
    pub href: String,
    pub file_name: String,
    pub bytes: usize,
}

/// The example (the first image of a synthetic CT study) and one file per
/// modality to download.
#[server(input = GetUrl, endpoint = "dicom/lab")]
pub async fn get_dicom_lab() -> Result<DicomLab, AppError> {
    use crate::explorer::dicom::summary;
    use crate::explorer::{dicom_explorer, DicomExplorerOptions};
    use crate::synth::dicom::{instance, Modality};
    const SEED: u64 = 7;
    let file = instance(Modality::Ct, SEED, 0)
        .ok_or_else(|| AppError::internal("the example DICOM file could not be made"))?;
    let parsed = crate::dicom::read(&file.bytes);
    let explorer = dicom_explorer(
        &parsed,
        &file.bytes,
        &DicomExplorerOptions {
            id: "lab-dicom".into(),
            label: Some(format!("Example file {}", file.file_name)),
        },
    );
    let downloads = Modality::ALL
        .iter()
        .filter_map(|&m| {
            let f = instance(m, SEED, 0)?;
            Some(Download {
                modality: m.code().into(),
                description: m.sop_class_name().into(),
                href: format!("/dicom/files/{}/{SEED}/0", m.code()),
                file_name: f.file_name,
                bytes: f.bytes.len(),
            })
        })
        .collect();
    Ok(DicomLab {
        explorer,
        summary: summary(&parsed),
        example_name: file.file_name,
        downloads,
    })
}

#[component]
pub fn DicomLabPage() -> impl IntoView {
    let lab = Resource::new(|| (), |_| get_dicom_lab());
    view! {
        <Title text="DICOM lab"/>
        <div class="wrap">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/">"Home"</a></li>
                    <li><span aria-current="page">"DICOM lab"</span></li>
                </ol>
            </nav>
            <header class="page-header">
                <h1>"DICOM lab"</h1>
                <p class="lede">
                    "A DICOM file is a list of data elements: a tag, a value representation, a length and a value, "
                    "one after another. Select any byte to see which element it belongs to and how it was read."
                </p>
            </header>
            <Suspense fallback=|| view! { <p role="status">"Loading the example…"</p> }>
                {move || Suspend::new(async move {
                    match lab.await {
                        Ok(lab) => view! {
                            <section aria-labelledby="dicom-example-title">
                                <h2 id="dicom-example-title">{format!("A CT image, byte by byte ({})", lab.example_name)}</h2>
                                <p class="meta">{lab.summary.clone()}</p>
                                <div inner_html=lab.explorer.clone()></div>
                            </section>
                            <section aria-labelledby="downloads-title">
                                <h2 id="downloads-title">"Synthetic files to open at work"</h2>
                                <p>"Each file is a complete, valid DICOM Part 10 image of a synthetic patient. Open it in your viewer, "
                                   "send it to a test PACS with storescu, or dump it with dcmdump."</p>
                                <ul class="card-grid">
                                    {lab.downloads.into_iter().map(|d| view! {
                                        <li class="card">
                                            <h3>{d.modality.clone()}</h3>
                                            <p>{d.description.clone()}</p>
                                            <p><a href=d.href.clone() download=d.file_name.clone()>{format!("Download {} ({} KB)", d.file_name, d.bytes.div_ceil(1024))}</a></p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <section aria-labelledby="dicom-next">
                <h2 id="dicom-next">"Practise"</h2>
                <ul class="card-grid">
                    <li class="card">
                        <h3><a href="/dicom/explain">"Explain my file"</a></h3>
                        <p>"Open a .dcm file from your own system and read it element by element. It never leaves your browser."</p>
                    </li>
                    <li class="card">
                        <h3><a href="/exercises">"Decoding exercises"</a></h3>
                        <p>"Decode elements, name transfer syntaxes, find attributes and match worklist queries."</p>
                    </li>
                </ul>
            </section>
        </div>
    }
}
