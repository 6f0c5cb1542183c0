//! The verifier page, written once for both shells: publish the page this
//! build carries ([`crate::share::page`]) to one of the learner's share
//! locations and remember its URL with the location (links made with that
//! location then open that copy: [`super::links::base_for`]), and check that
//! a verifier base answers with Backpack's page before sharing (a warning,
//! never a block).

use serde::Serialize;

use crate::share::host::Client;
use crate::share::page::{self, PageStatus};

use super::{Error, StoreAccess};

/// The code of "this build carries no verifier page".
pub const NO_VERIFIER_PAGE: &str = "no-verifier-page";

/// One step of a publish: file `done` of `total` is being uploaded.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishProgress {
    /// This file's number, from 1.
    pub done: usize,
    /// How many files the page has.
    pub total: usize,
    /// Its path under the page's folder (`assets/index-….js`, `index.html` last).
    pub file: String,
}

/// A published page.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    /// The share location's name.
    pub location: String,
    /// The page's URL: links made with this location use it as their verifier base.
    pub url: String,
    /// How many files were uploaded.
    pub files: usize,
}

impl Published {
    /// `shares location publish-page --json`'s line: `{"location","url","files","status":"published"}`.
    pub fn json_line(&self) -> serde_json::Value {
        serde_json::json!({"location": self.location, "url": self.url, "files": self.files, "status": "published"})
    }
}

/// Publish the verifier page on share location `name`: every file of the
/// embedded production build under its `verify/` folder, the index last,
/// then the page's URL is stored with the location (only once every file is
/// up: a failed publish leaves the URL stored before, if any, which still
/// works because nothing is deleted). Publishing again replaces the files.
/// The store is used only before and after the upload.
pub fn publish(access: &mut impl StoreAccess, name: &str, progress: impl FnMut(&PublishProgress)) -> Result<Published, Error> {
    publish_files(access, name, page::files(), progress)
}

/// [`publish`] with the files given (tests; the shells publish [`page::files`]).
pub fn publish_files(
    access: &mut impl StoreAccess,
    name: &str,
    files: &[(&str, &[u8])],
    mut progress: impl FnMut(&PublishProgress),
) -> Result<Published, Error> {
    if files.is_empty() {
        return Err(Error::new(
            NO_VERIFIER_PAGE,
            "this build of Backpack has no verifier page to publish (it was built without ui/dist-verify; build the page with scripts/page-build.sh and Backpack again)",
        ));
    }
    let loc = access.with_store(|s| Ok(s.share_location(name)?))?;
    let client = Client::new()?;
    let url = page::publish(&client, &loc, files, |done, total, file| progress(&PublishProgress { done, total, file: file.to_string() }))
        .map_err(|e| Error::new(e.code(), format!("{e}\nthe verifier page on '{name}' is not published (files already uploaded are replaced by the next try)")))?;
    access.with_store(|s| Ok(s.set_share_location_page(name, Some(&url))?))?;
    Ok(Published { location: name.to_string(), url, files: files.len() })
}

/// Whether the verifier page answers at `base` (checked against the verifier
/// URL policy first): a GET within [`page::CHECK_TIMEOUT`], 200, HTML with
/// the page's marker.
pub fn check(base: &str) -> Result<PageStatus, Error> {
    let base = super::links::verifier_base(base)?;
    Ok(page::check(&base, page::CHECK_TIMEOUT))
}

/// `shares check-page --json`'s line: `{"url","status","http_status"?,"error"?}`
/// (`status`: `answers`, `unreachable`, `http-error` or `not-the-page`).
pub fn check_json(s: &PageStatus) -> serde_json::Value {
    let mut v = serde_json::json!({"url": s.url, "status": s.answer});
    if let Some(h) = s.http_status {
        v["http_status"] = h.into();
    }
    if let Some(d) = &s.detail {
        v["error"] = d.as_str().into();
    }
    v
}

/// `shares check-page`'s words.
pub fn check_text(s: &PageStatus) -> String {
    match &s.detail {
        None => format!("the verifier page answers at {}", s.url),
        Some(d) => format!("the verifier page does not answer at {}: {d}\nlinks to it will not open for the people you share with; publish it (backpack shares location publish-page NAME) or choose another --base", s.url),
    }
}
