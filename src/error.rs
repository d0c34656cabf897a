//! The one error type of every server function and HTTP route.
//!
//! Contract:
//! - Each variant has one HTTP status ([`AppError::status`]); the server sets
//!   it when the error becomes a response, so no layer reads response bodies
//!   to guess a status.
//! - The `Display` text of a variant is what the person sees: GOV.UK-style,
//!   saying what happened and what to do next. Detail meant for operators
//!   (storage failures, I/O errors) is logged on the server and never sent.
//! - Framework errors ([`ServerFnErrorErr`]) are folded in: an argument that
//!   is missing or cannot be read is the client's mistake (400, naming the
//!   field); a call that cannot reach the server is [`AppError::Unreachable`].
//!
//! Pages match on the variants (e.g. `NotSignedIn` to offer a sign-in link);
//! they never parse message text.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The largest request body accepted, in bytes.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Why a request failed, as the browser and the server both see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session (401).
    #[error("Please sign in to do that.")]
    NotSignedIn,
    /// Signed in, but not allowed (403): a role too low, or a form that did
    /// not come from this site.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there, or nothing the caller may know about (404).
    #[error("{0}")]
    NotFound(String),
    /// The request itself is wrong (400); `field` names the form field when
    /// one is to blame, so a page can put the message beside it.
    #[error("{message}")]
    BadRequest {
        field: Option<String>,
        message: String,
    },
    /// Refused because of the state it would leave (409).
    #[error("{0}")]
    Conflict(String),
    /// The request body is over [`MAX_REQUEST_BYTES`] (413).
    #[error("The form is larger than 1 MiB. Make it shorter and try again.")]
    TooLarge,
    /// Too many attempts; try again after the given time (429).
    #[error("Too many attempts. Wait {} and try again.", wait_text(*retry_after_seconds))]
    Throttled { retry_after_seconds: u64 },
    /// The server is overloaded or its storage failed (503).
    #[error("The service is busy. Try again in a few seconds.")]
    Busy,
    /// A fault on our side (500); the detail is in the server's log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The browser could not reach the server or read its answer (no status:
    /// this never leaves the browser).
    #[error("Could not reach PACS Academy. Check your connection and try again.")]
    Unreachable,
}

fn wait_text(seconds: u64) -> String {
    match seconds {
        0..=1 => "a second".into(),
        2..=59 => format!("{seconds} seconds"),
        60 => "a minute".into(),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

impl AppError {
    /// A 403 with the usual wording.
    pub fn forbidden() -> AppError {
        AppError::Forbidden("You do not have permission to do that.".into())
    }

    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::NotFound(message.into())
    }

    /// A 400 not tied to one field.
    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            field: None,
            message: message.into(),
        }
    }

    /// A 400 about the form field `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::Conflict(message.into())
    }

    /// A fault on our side: logs `detail` on the server; the browser gets
    /// only the generic message.
    pub fn internal(detail: impl std::fmt::Display) -> AppError {
        #[cfg(feature = "ssr")]
        tracing::error!("internal error: {detail}");
        #[cfg(not(feature = "ssr"))]
        let _ = detail;
        AppError::Internal
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::BadRequest { .. } => 400,
            AppError::Conflict(_) => 409,
            AppError::TooLarge => 413,
            AppError::Throttled { .. } => 429,
            AppError::Busy => 503,
            AppError::Internal => 500,
            // Only made in the browser; a server never answers with it.
            AppError::Unreachable => 502,
        }
    }

    /// The field this error is about, if one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::BadRequest { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

/// The field named in a deserialiser's message such as "missing field
/// `slug`" (serde's wording), if there is one.
fn field_in(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    let name = &message[start..start + len];
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| name.to_string())
}

/// An argument the server could not read: 400, naming the field.
fn unreadable_argument(detail: &str) -> AppError {
    let field = field_in(detail);
    let message = match &field {
        Some(f) if detail.contains("missing field") => {
            format!("The request is missing the field `{f}`.")
        }
        Some(f) => format!("The field `{f}` could not be read: {detail}."),
        None => format!("The request could not be read: {detail}."),
    };
    AppError::BadRequest { field, message }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) => unreadable_argument(&m),
            ServerFnErrorErr::MissingArg(m) => AppError::BadRequest {
                message: format!("The request is missing the field `{m}`."),
                field: Some(m),
            },
            // On the server this is a request body that cannot be read; in
            // the browser, an answer that cannot be.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) => unreadable_argument(&m),
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Deserialization(_) => AppError::Unreachable,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::Unreachable
            }
            ServerFnErrorErr::Registration(m)
            | ServerFnErrorErr::ServerError(m)
            | ServerFnErrorErr::MiddlewareError(m)
            | ServerFnErrorErr::Serialization(m)
            | ServerFnErrorErr::Response(m) => AppError::internal(m),
        }
    }

    /// Called once, on the server, when the error becomes the response: the
    /// one place the status is set from the variant.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(self.status()) {
                res.set_status(status);
            }
            if let AppError::Throttled {
                retry_after_seconds,
            } = self
            {
                res.insert_header(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(*retry_after_seconds),
                );
            }
        }
        serde_json::to_vec(self).unwrap_or_default().into()
    }
}

/// Routes outside the server functions (downloads) answer in plain text,
/// which the browser shows as it is.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::{header, HeaderValue, StatusCode};
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.to_string(),
        )
            .into_response();
        if let AppError::Throttled {
            retry_after_seconds,
        } = self
        {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_argument_is_a_client_error_naming_the_field() {
        let e =
            AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field `slug`".into()));
        assert_eq!(e.status(), 400);
        assert_eq!(e.field(), Some("slug"));
        assert!(e.to_string().contains("slug"), "{e}");
    }

    #[test]
    fn server_faults_do_not_leak_their_detail() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "database at /var/secret.db is locked".into(),
        ));
        assert_eq!(e, AppError::Internal);
        assert!(!e.to_string().contains("secret"));
    }

    #[test]
    fn every_variant_survives_the_wire() {
        for e in [
            AppError::NotSignedIn,
            AppError::forbidden(),
            AppError::not_found("No such module."),
            AppError::invalid("email", "Enter your email address."),
            AppError::conflict("Already there."),
            AppError::TooLarge,
            AppError::Throttled {
                retry_after_seconds: 90,
            },
            AppError::Busy,
            AppError::Internal,
        ] {
            let bytes = e.ser();
            assert_eq!(AppError::de(bytes), e);
        }
    }

    #[test]
    fn waits_are_said_in_words() {
        let e = AppError::Throttled {
            retry_after_seconds: 90,
        };
        assert_eq!(
            e.to_string(),
            "Too many attempts. Wait 2 minutes and try again."
        );
        assert_eq!(e.status(), 429);
    }
}
