//! The server: configuration, database, and the HTTP stack around the app.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app::{shell, App};
use crate::content::store::ContentStore;
use crate::error::{AppError, MAX_REQUEST_BYTES};
use current_user::CurrentUser;

pub mod auth;
pub mod authoring;
pub mod current_user;
pub mod db;
pub mod exam;
pub mod page_cache;
pub mod precompress;
pub mod qr;
pub mod repo;
pub mod reports;

/// Everything a request handler or server function may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub content: Arc<ContentStore>,
    pub repo: Arc<dyn repo::Repository>,
    /// The question bank and exam definitions, loaded at start-up.
    pub exams: Arc<ExamContent>,
    /// Mark cookies Secure even without `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// The time now, in Unix seconds (see [`AppState::now`]).
    pub clock: fn() -> i64,
    /// Bounds concurrent password hashing (see `auth::HashGate`).
    pub hashing: Arc<auth::HashGate>,
    /// Finished reading pages for signed-out visitors (see [`page_cache`]).
    pub pages: Arc<page_cache::PageCache>,
    /// The reading pages' script, if the build made it (`scripts/build-reader`);
    /// without it every page loads the application bundle.
    pub reader: Option<Arc<crate::app::ReaderBundle>>,
}

/// The question bank and the exam definitions of the content folder.
#[derive(Debug, Default)]
pub struct ExamContent {
    pub bank: crate::exam::QuestionSet,
    pub definitions: Vec<crate::exam::ExamDefinition>,
}

impl ExamContent {
    /// Loads `questions/` and `exams/` under `content_dir`. Problems are
    /// logged (`check-content` reports them in full); what loaded is used.
    pub fn load(content_dir: &std::path::Path) -> ExamContent {
        use crate::content::questions::{load_bank, load_checked, load_exams};
        match load_checked(content_dir) {
            Ok((bank, definitions)) => ExamContent { bank, definitions },
            Err(problems) => {
                for p in &problems {
                    tracing::warn!("question bank or exams: {p}");
                }
                let (bank, _) = load_bank(&content_dir.join("questions"));
                let (definitions, _) = load_exams(&content_dir.join("exams"));
                ExamContent { bank, definitions }
            }
        }
    }
}

impl AppState {
    /// The state for `repo` and the content folder `content_dir`.
    pub fn new(
        leptos_options: LeptosOptions,
        content_dir: &std::path::Path,
        repo: Arc<dyn repo::Repository>,
        secure_cookies: bool,
    ) -> AppState {
        AppState {
            content: Arc::new(ContentStore::new(content_dir)),
            repo,
            exams: Arc::new(ExamContent::load(content_dir)),
            secure_cookies,
            clock: db::now,
            hashing: Arc::new(auth::HashGate::for_this_machine()),
            pages: Arc::new(page_cache::PageCache::default()),
            reader: find_reader(&leptos_options).map(Arc::new),
            leptos_options,
        }
    }

    /// The time now, in Unix seconds: what pages and server functions use,
    /// so a test can set the clock in one place.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// How the server is started. Every value can come from a flag or an
/// environment variable.
#[derive(Clone, Debug, clap::Args)]
pub struct ServeConfig {
    /// Address and port to listen on.
    #[arg(long, env = "PACS_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Database URL: sqlite://path/to/file.db (created and migrated on start).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://pacs-academy.db")]
    pub database_url: String,
    /// Folder holding foundation/, intermediate/ and images/.
    #[arg(long, env = "PACS_CONTENT_DIR", default_value = "content")]
    pub content_dir: PathBuf,
    /// Folder of the built site (the WASM bundle, CSS and public assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Always mark cookies Secure (set this when the site is served over https).
    #[arg(long, env = "PACS_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Log format: `pretty` for people, `json` for log collectors.
    #[arg(long, env = "PACS_LOG_FORMAT", default_value = "pretty", value_parser = ["pretty", "json"])]
    pub log_format: String,
}

/// The Leptos options for this build. Hashed asset names are used when
/// cargo-leptos wrote a hash file next to the binary (release builds).
pub fn leptos_options(config: &ServeConfig) -> LeptosOptions {
    let hash_file_present = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("hash.txt")))
        .is_some_and(|p| p.is_file());
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("pacs-academy"))
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .env(env)
        .hash_files(hash_file_present)
        .build()
}

/// Files of `public/` served at the site root.
const PUBLIC_FILES: &[&str] = &["favicon.svg", "robots.txt"];

/// The app's routes, listed once per process.
///
/// Listing runs the whole app with resource loading switched off, and
/// leptos keeps that switch in one process-wide flag: a page rendering on
/// another thread while a list is being made can start a resource that
/// then waits forever, so its response never ends (leptos#4773). Listing
/// once, before the first router exists, means no page is ever rendering
/// while it runs, however many routers a process builds (the test suites
/// build one per test, in parallel).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole HTTP application: static files on one side, sent
/// as they are or as the precompressed copy the browser accepts
/// ([`precompress`]); pages and the API on the other, behind the session,
/// CSRF and page-cache layers, compressed as they are answered unless the
/// page cache already holds them compressed.
pub fn router(state: AppState) -> Router {
    let hashed = state.leptos_options.hash_files;
    let secure = state.secure_cookies;
    let statics = static_files(&state).layer(axum::middleware::from_fn(move |req, next| {
        cache_control(hashed, secure, req, next)
    }));
    let pages = pages(&state)
        .layer(axum::middleware::from_fn(current_user::session_layer))
        .layer(axum::middleware::from_fn({
            let state = state.clone();
            move |req, next| page_cache::layer(state.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            cache_control(hashed, secure, req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            auth::csrf_layer(secure, req, next)
        }))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(limit_body));
    let router = statics
        .merge(pages)
        .layer(axum::middleware::from_fn(move |req, next| {
            auth::hsts_layer(secure, req, next)
        }));
    with_security_headers(router)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The bundle (`/pkg`), the public files and the modules' images, and the
/// health check: no session, no CSRF cookie, no per-request compression.
/// The bundle and public files are routed before the pages: `/:level`
/// would otherwise claim `/favicon.svg`, and `/:level/:slug` `/pkg/…`.
fn static_files(state: &AppState) -> Router<AppState> {
    let site_root = PathBuf::from(&*state.leptos_options.site_root);
    let images = ServeDir::new(state.content.dir().join("images"))
        .precompressed_br()
        .precompressed_gzip();
    let pkg = ServeDir::new(site_root.join(&*state.leptos_options.site_pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .nest_service("/images", images)
        .nest_service("/pkg", pkg);
    for file in PUBLIC_FILES {
        router = router.route_service(
            &format!("/{file}"),
            ServeFile::new(site_root.join(file))
                .precompressed_br()
                .precompressed_gzip(),
        );
    }
    // What is sent depends on Accept-Encoding (a precompressed copy or
    // the file), so shared caches must key on it.
    router.layer(SetResponseHeaderLayer::appending(
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    ))
}

/// The pages, server functions and other dynamic routes.
fn pages(state: &AppState) -> Router<AppState> {
    Router::new()
        .leptos_routes_with_context(
            state,
            route_list(),
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    send_page_csp();
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    send_page_csp();
                }
            },
            shell,
        ))
        .route("/account/export.json", get(export_account))
        // The exercise form as sent before (or without) the page's script;
        // an address typed by hand goes to the list of exercises.
        .route(
            "/exercises/check",
            get(|| async { axum::response::Redirect::to("/exercises") })
                .post(crate::app::exercises::check::form),
        )
        .merge(reports::routes())
        .route(
            "/dicom/files/{modality}/{seed}/{index}",
            get(download_dicom),
        )
}

/// A synthetic DICOM file to download: `/dicom/files/CT/7/0` is the first
/// file of the CT study made from seed 7.
async fn download_dicom(
    axum::extract::Path((modality, seed, index)): axum::extract::Path<(String, u64, usize)>,
) -> axum::response::Response {
    use crate::synth::dicom::{instance, Modality};
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let Some(m) = Modality::parse(&modality) else {
        return (
            StatusCode::NOT_FOUND,
            "Unknown modality: use CT, MR, CR, DX, US or MG.",
        )
            .into_response();
    };
    match instance(m, seed, index) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, "application/dicom".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", file.file_name),
                ),
            ],
            file.bytes,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "The study has no file with that number.",
        )
            .into_response(),
    }
}

/// The Content Security Policy. Scripts run only from this site, or inline
/// when they carry this response's `nonce` (Leptos' bootstrap and streaming
/// scripts do); never `'unsafe-inline'`, so markup that slips through
/// escaping still cannot run. Inline styles stay allowed: Leptos sets
/// `style` attributes, and CSS cannot call the API.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!("'nonce-{n}'")).unwrap_or_default();
    content_security_policy_with(&nonce)
}

/// The Content Security Policy with `scripts` (nonce or hash sources,
/// space-separated) added to `script-src`.
pub fn content_security_policy_with(scripts: &str) -> String {
    let scripts = if scripts.is_empty() {
        String::new()
    } else {
        format!(" {scripts}")
    };
    format!(
        "default-src 'self'; script-src 'self'{scripts} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The reader's files in the site's package folder: `reader.<hash>.js` and
/// `reader.<hash>.wasm`, as `scripts/build-reader` names them. `None` when
/// either is missing (a development build) or a name is not plain.
pub fn find_reader(options: &LeptosOptions) -> Option<crate::app::ReaderBundle> {
    let pkg = options.site_pkg_dir.to_string();
    let dir = std::path::Path::new(options.site_root.as_ref()).join(&pkg);
    let mut js = None;
    let mut wasm = None;
    for entry in std::fs::read_dir(&dir).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let plain = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plain || !name.starts_with("reader.") {
            continue;
        }
        if name.ends_with(".js") {
            js = Some(format!("/{pkg}/{name}"));
        } else if name.ends_with(".wasm") {
            wasm = Some(format!("/{pkg}/{name}"));
        }
    }
    Some(crate::app::ReaderBundle {
        js: js?,
        wasm: wasm?,
    })
}

/// For a rendered page: the policy that admits the scripts carrying this
/// response's nonce. Runs in the page's render context, where leptos_axum
/// has already made the nonce; [`with_security_headers`] leaves a policy
/// that is present alone.
fn send_page_csp() {
    let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Security headers on every response.
fn with_security_headers(router: Router<AppState>) -> Router<AppState> {
    let csp = HeaderValue::from_str(&content_security_policy(None))
        .unwrap_or(HeaderValue::from_static("default-src 'self'"));
    let headers = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ];
    headers.into_iter().fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::if_not_present(name, value))
    })
}

/// Hashed bundle files never change, so they may be cached for a year.
/// Anything answered to a signed-in browser (or signing one in) may be
/// personal: pages, results, certificates, downloads. It is `private,
/// no-store`, so neither a shared cache nor the browser's history keeps it.
/// Everything else is revalidated.
async fn cache_control(
    hashed: bool,
    secure: bool,
    req: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_asset = path.starts_with("/pkg/")
        || path.starts_with("/images/")
        || PUBLIC_FILES
            .iter()
            .any(|f| path.strip_prefix('/') == Some(*f));
    let is_pkg = path.starts_with("/pkg/");
    let signed_in = auth::session_token_from(req.headers(), secure).is_some();
    let mut res = next.run(req).await;
    let sets_session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with(auth::SESSION_COOKIE) || c.starts_with(auth::SECURE_SESSION_COOKIE));
    if (signed_in && !is_asset) || sets_session {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        return res;
    }
    let value = if is_pkg && hashed && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(value));
    res
}

/// Refuses a request body over [`MAX_REQUEST_BYTES`] with 413 before any
/// handler runs. The body is read here, so a server function never meets a
/// half-read body and every route answers an oversized one the same way.
async fn limit_body(req: Request<axum::body::Body>, next: Next) -> Response {
    use axum::body::Body;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let is_api = req.uri().path().starts_with("/api/");
    if declared.is_some_and(|n| n > MAX_REQUEST_BYTES as u64) {
        return refusal(is_api, AppError::TooLarge);
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(e) => {
            let over_limit = e
                .into_inner()
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            let error = if over_limit {
                AppError::TooLarge
            } else {
                AppError::bad_request("The request could not be read. Please try again.")
            };
            refusal(is_api, error)
        }
    }
}

/// `error` as a response: encoded as server functions encode it under
/// `/api/` (so the page can read it), plain text elsewhere.
fn refusal(is_api: bool, error: AppError) -> Response {
    if !is_api {
        return error.into_response();
    }
    let status = axum::http::StatusCode::from_u16(error.status())
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&error).unwrap_or_default(),
    )
        .into_response()
}

/// A learner's own data as a JSON download (GET: it changes nothing).
async fn export_account(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    CurrentUser(user): CurrentUser,
) -> Response {
    let repo = &state.repo;
    let (modules, attempts) = match (
        repo.completed_modules(user.id).await,
        repo.attempts(user.id).await,
    ) {
        (Ok(m), Ok(a)) => (m, a),
        (Err(e), _) | (_, Err(e)) => return auth::storage_error(e).into_response(),
    };
    // Exam attempts with their marks and certificates; the marked papers
    // stay out, so the download never carries a key the review would hold
    // back.
    let origin = auth::public_origin_of(&headers, state.secure_cookies);
    let mut exams = Vec::new();
    for level in crate::level::Level::ALL {
        let rows = match repo.exam_attempts_of(user.id, level).await {
            Ok(rows) => rows,
            Err(e) => return auth::storage_error(e).into_response(),
        };
        for row in rows {
            let outcome = row.outcome.as_ref();
            let certificate = outcome
                .and_then(|o| o.certificate_code.as_ref())
                .map(|code| {
                    serde_json::json!({
                        "code": code,
                        "verify_at": format!("{origin}/verify?code={code}"),
                    })
                });
            exams.push(serde_json::json!({
                "level": level.slug(),
                "started_at": row.started_at,
                "deadline": row.deadline,
                "extra_seconds": row.extra_seconds,
                "submitted_at": row.submitted_at,
                "submitted_by": row.submitted_by.map(|b| match b {
                    crate::exam::SubmittedBy::Candidate => "candidate",
                    crate::exam::SubmittedBy::Expiry => "time ran out",
                }),
                "marks": outcome.map(|o| o.marks),
                "total": outcome.map(|o| o.total),
                "percent": outcome.map(|o| o.percent),
                "passed": outcome.map(|o| o.passed),
                "certificate": certificate,
            }));
        }
    }
    let body = serde_json::json!({
        "exported_at": state.now(),
        "account": {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "organisation": user.organisation,
            "created_at": user.created_at,
        },
        "completed_modules": modules,
        "exercise_attempts": attempts,
        "exam_attempts": exams,
    });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pacs-academy-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let db_ok = state.repo.ping().await.is_ok();
    let modules: usize = crate::content::Level::ALL
        .into_iter()
        .map(|l| state.content.course(l).modules.len())
        .sum();
    let status = if db_ok {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(serde_json::json!({
            "status": if db_ok { "ok" } else { "database unavailable" },
            "modules": modules,
        })),
    )
}

/// Starts the server and runs until SIGINT or SIGTERM, finishing the
/// requests in flight before it exits.
pub async fn serve(config: ServeConfig) -> Result<(), Box<dyn std::error::Error>> {
    let db = db::Db::connect(&config.database_url).await?;
    tracing::info!(url = %db::redact(&config.database_url), "database ready");
    let state = AppState::new(
        leptos_options(&config),
        &config.content_dir,
        Arc::new(db.clone()),
        config.secure_cookies,
    );
    for failure in state.content.failures() {
        for p in failure.problems {
            tracing::warn!("{}:{}: {}", failure.path.display(), p.line, p.message);
        }
    }
    if state.leptos_options.env == leptos::config::Env::PROD {
        // The build script writes the copies; this only checks them, or
        // makes them once when the site was built some other way.
        let site_root = PathBuf::from(&config.site_root);
        let started = std::time::Instant::now();
        match tokio::task::spawn_blocking(move || precompress::precompress_dir(&site_root)).await {
            Ok(Ok(summary)) if summary.written > 0 => tracing::info!(
                files = summary.written,
                seconds = started.elapsed().as_secs_f32(),
                "compressed copies of the static files written"
            ),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(
                "static files will be sent uncompressed: cannot write their compressed copies: {e}"
            ),
            Err(e) => tracing::warn!("compressing the static files failed: {e}"),
        }
    }
    exam::spawn_expiry_task(
        state.repo.clone(),
        state.exams.clone(),
        exam::EXPIRY_INTERVAL,
    );
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!("listening on http://{}", config.addr);
    let repo = db.clone();
    tokio::spawn(async move {
        use repo::Repository;
        loop {
            match repo.purge_expired_sessions(db::now()).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!("session clean-up failed: {e}"),
            }
            let before = db::now() - auth::THROTTLE.window.max(auth::THROTTLE.sign_up_window);
            if let Err(e) = repo.purge_throttle_records(before).await {
                tracing::warn!("sign-in throttle clean-up failed: {e}");
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    db.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
    // Give slow clients a bounded time.
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(20)).await;
        tracing::warn!("requests still running after 20 s; exiting");
        std::process::exit(0);
    });
}

/// Sets up structured logging.
pub fn init_tracing(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
