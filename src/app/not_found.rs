//! The 404 page. On the server it also sets the response status.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Page not found"/>
        <div class="wrap narrow page-not-found">
            <h1>"Page not found"</h1>
            <p>"We could not find that page. It may have moved, or the address may have a typo."</p>
            <ul>
                <li><a href="/">"Go to the home page"</a></li>
                <li><a href="/foundation">"Browse the Foundation course"</a></li>
                <li><a href="/intermediate">"Browse the Intermediate course"</a></li>
            </ul>
        </div>
    }
}
