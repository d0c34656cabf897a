//! Certificates: the printable certificate of a passed exam, and the public
//! page (no sign-in) where anyone, an employer say, checks a verification
//! code and sees the name, exam, date and result.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::session::error_text;
use crate::exam::view::CertificateView;

/// The certificate with this code, as typed (case, dashes and look-alike
/// letters are forgiven); `None` when there is none.
#[server(input = GetUrl, endpoint = "certificates/verify")]
pub async fn verify_code(code: String) -> Result<Option<CertificateView>, AppError> {
    use crate::server::{auth, exam};
    let state = auth::state()?;
    if code.len() > 64 {
        return Ok(None);
    }
    exam::verify_certificate(&*state.repo, &state.exams.definitions, &code)
        .await
        .map_err(super::exam::exam_error)
}

/// A certificate as printed: the full address of its verification page,
/// and that address as a QR code (SVG made on the server).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Printable {
    pub cert: CertificateView,
    pub address: String,
    pub qr_svg: String,
}

/// The certificate with this code, ready to print.
#[server(input = GetUrl, endpoint = "certificates/printable")]
pub async fn printable_certificate(code: String) -> Result<Option<Printable>, AppError> {
    use crate::server::{auth, qr};
    let Some(cert) = verify_code(code).await? else {
        return Ok(None);
    };
    let address = format!("{}/verify?code={}", auth::public_origin(), cert.code);
    let qr_svg = qr::svg(
        &address,
        &format!("QR code of the address to check certificate {}", cert.code),
    )
    .unwrap_or_default();
    Ok(Some(Printable {
        cert,
        address,
        qr_svg,
    }))
}

/// `/verify`, with a form, and `/verify?code=…` with the answer.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || {
        query
            .read()
            .get("code")
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
    };
    let data = Resource::new(code, |code| async move {
        match code {
            Some(c) => verify_code(c.clone()).await.map(|v| Some((c, v))),
            None => Ok(None),
        }
    });
    view! {
        <Title text="Verify a certificate"/>
        <div class="wrap narrow">
            <header class="page-header">
                <h1>"Verify a certificate"</h1>
                <p class="lede">"Type the verification code printed on a PACS Academy certificate to see whose it is and what it certifies."</p>
            </header>
            <form method="get" action="/verify" class="verify-form">
                <div class="form-group">
                    <label for="verify-code">"Verification code"</label>
                    <p class="hint" id="verify-code-hint">"For example PA-7K3M-9QX2-H4TD. Capital letters and dashes are optional."</p>
                    <input id="verify-code" name="code" type="text" autocomplete="off" spellcheck="false"
                        aria-describedby="verify-code-hint" prop:value=move || code().unwrap_or_default() required/>
                </div>
                <button type="submit" class="button">"Verify"</button>
            </form>
            <Suspense fallback=|| view! { <p role="status">"Checking…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(None) => ().into_any(),
                        Ok(Some((_, Some(c)))) => view! { <Verified cert=c/> }.into_any(),
                        Ok(Some((typed, None))) => view! {
                            <div class="notice notice-error" role="alert">
                                <h2>"No certificate has this code"</h2>
                                <p>{format!("“{typed}” does not match any certificate PACS Academy has issued. Check the code for typing mistakes.")}</p>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Verified(cert: CertificateView) -> impl IntoView {
    view! {
        <section class="notice notice-success verified" role="status" aria-labelledby="verified-heading">
            <h2 id="verified-heading">"This certificate is genuine"</h2>
            <dl class="facts">
                <div><dt>"Name"</dt><dd>{cert.name.clone()}</dd></div>
                <div><dt>"Exam"</dt><dd>{cert.exam_title.clone()}</dd></div>
                <div><dt>"Date"</dt><dd>{cert.date.clone()}</dd></div>
                <div><dt>"Result"</dt><dd>{format!("{}, {}%", if cert.passed { "Passed" } else { "Not passed" }, cert.percent)}</dd></div>
                <div><dt>"Code"</dt><dd><code>{cert.code.clone()}</code></dd></div>
            </dl>
            <p><a href=format!("/certificates/{}", cert.code)>"View the certificate"</a></p>
        </section>
    }
}

/// `/certificates/:code`: the certificate, laid out for printing.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let data = Resource::new(code, printable_certificate);
    view! {
        <Title text="Certificate"/>
        <Suspense fallback=|| view! { <p class="wrap" role="status">"Loading the certificate…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(printable)) => view! { <Certificate printable/> }.into_any(),
                    Ok(None) => view! { <super::not_found::NotFound/> }.into_any(),
                    Err(e) => view! { <p class="wrap notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Certificate(printable: Printable) -> impl IntoView {
    let Printable {
        cert,
        address,
        qr_svg,
    } = printable;
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    view! {
        <div class="wrap">
            <p class="no-print button-row">
                <button type="button" class="button" on:click=print>"Print or save as PDF"</button>
                <a href="/exams">"Back to your exams"</a>
            </p>
            <article class="certificate" aria-labelledby="certificate-heading">
                <p class="certificate-brand">"PACS Academy"</p>
                <h1 id="certificate-heading">"Certificate of achievement"</h1>
                <p class="certificate-line">"This certifies that"</p>
                <p class="certificate-name">{cert.name.clone()}</p>
                <p class="certificate-line">{format!("passed the {} with a score of {}%", cert.exam_title, cert.percent)}</p>
                <p class="certificate-line">{format!("on {}.", cert.date)}</p>
                <p class="certificate-code">
                    "Verification code "<code>{cert.code.clone()}</code>
                    <br/>
                    "Anyone can check it at "
                    <a class="certificate-address" href=address.clone()>{address.clone()}</a>
                    {(!qr_svg.is_empty()).then_some(" or by scanning this code:")}
                </p>
                // Made on the server from the address alone (src/server/qr.rs).
                {(!qr_svg.is_empty()).then(|| view! { <div class="certificate-qr" inner_html=qr_svg></div> })}
            </article>
        </div>
    }
}
