//! HTTP plumbing of the test issuer: a request read once from tiny_http
//! (method, path, query, lower-cased headers, body as text), the answer
//! (status, body, headers, and the notes that go into the request log), and
//! small helpers every endpoint uses (forms, bearer tokens, random ids, time).

use serde_json::{json, Map, Value};

/// One request, read completely.
pub struct Req {
    pub method: String,
    /// The path, not decoded.
    pub path: String,
    /// The raw query string (without `?`), empty when there is none.
    pub query: String,
    /// Header (lower-case name, value) pairs in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    pub fn read(r: &mut tiny_http::Request) -> Req {
        let url = r.url().to_string();
        let (path, query) = match url.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (url, String::new()),
        };
        let headers =
            r.headers().iter().map(|h| (h.field.as_str().as_str().to_ascii_lowercase(), h.value.as_str().to_string())).collect();
        let mut bytes = Vec::new();
        let _ = r.as_reader().read_to_end(&mut bytes);
        Req { method: r.method().as_str().to_string(), path, query, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The query's parameters, decoded.
    pub fn query_params(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes()).into_owned().collect()
    }

    /// The value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_params().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Whether the media type of the body is `media` (parameters such as `charset` ignored).
    pub fn content_type_is(&self, media: &str) -> bool {
        self.header("content-type")
            .map(|c| c.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(media))
            .unwrap_or(false)
    }

    /// An `application/x-www-form-urlencoded` body as a map; a repeated
    /// parameter is an error (RFC 6749 section 3.2: parameters MUST NOT be
    /// included more than once).
    pub fn form(&self) -> Result<Map<String, Value>, Resp> {
        if !self.content_type_is("application/x-www-form-urlencoded") {
            return Err(Resp::error(400, "invalid_request", "the body must be application/x-www-form-urlencoded"));
        }
        let mut map = Map::new();
        for (k, v) in url::form_urlencoded::parse(self.body.as_bytes()).into_owned() {
            if map.insert(k.clone(), Value::String(v)).is_some() {
                return Err(Resp::error(400, "invalid_request", &format!("parameter '{k}' is repeated")));
            }
        }
        Ok(map)
    }

    /// A JSON object body sent as `application/json`; `error` is the code for anything else.
    pub fn json_object(&self, error: &str) -> Result<Map<String, Value>, Resp> {
        if !self.content_type_is("application/json") {
            return Err(Resp::error(400, error, "the body must be sent as application/json"));
        }
        match serde_json::from_str::<Value>(&self.body) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(Resp::error(400, error, "the body must be a JSON object")),
            Err(e) => Err(Resp::error(400, error, &format!("the body is not JSON: {e}"))),
        }
    }

    /// The access token of an `Authorization: Bearer` header (RFC 6750).
    pub fn bearer(&self) -> Option<&str> {
        let v = self.header("authorization")?;
        let (scheme, token) = v.split_once(' ')?;
        (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
    }

    /// The request as the log records it.
    pub fn log_entry(&self) -> Value {
        let mut headers = Map::new();
        for (n, v) in &self.headers {
            match headers.get_mut(n) {
                Some(Value::String(prev)) => {
                    prev.push_str(", ");
                    prev.push_str(v);
                }
                _ => {
                    headers.insert(n.clone(), json!(v));
                }
            }
        }
        json!({"method": self.method, "path": self.path, "query": self.query, "headers": headers, "body": self.body})
    }
}

/// An answer, with notes for the log (why a request was refused, what was odd about it).
pub struct Resp {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub notes: Vec<String>,
}

impl Resp {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Resp {
        Resp { status, content_type, body, headers: Vec::new(), notes: Vec::new() }
    }

    /// A JSON answer. Everything this issuer says is fresh: `Cache-Control: no-store`
    /// (required on token and nonce responses, harmless elsewhere).
    pub fn json(status: u16, v: Value) -> Resp {
        Resp::new(status, "application/json", serde_json::to_vec_pretty(&v).expect("serialisable"))
            .with_header("Cache-Control", "no-store")
    }

    /// An OAuth-style error: `{"error": code, "error_description": why}`; `why` is noted in the log.
    pub fn error(status: u16, code: &str, why: &str) -> Resp {
        Resp::json(status, json!({"error": code, "error_description": why})).note(&format!("{code}: {why}"))
    }

    /// An error with more members (e.g. Draft 13's fresh `c_nonce`).
    pub fn error_with(status: u16, code: &str, why: &str, extra: Value) -> Resp {
        let mut v = json!({"error": code, "error_description": why});
        if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
            o.extend(e);
        }
        Resp::json(status, v).note(&format!("{code}: {why}"))
    }

    /// A 401 for a missing or bad access token (RFC 6750 section 3).
    pub fn invalid_token(why: &str) -> Resp {
        Resp::error(401, "invalid_token", why).with_header("WWW-Authenticate", &format!("Bearer error=\"invalid_token\", error_description=\"{why}\""))
    }

    pub fn text(status: u16, s: &str) -> Resp {
        Resp::new(status, "text/plain; charset=utf-8", s.as_bytes().to_vec())
    }

    pub fn html(status: u16, s: &str) -> Resp {
        Resp::new(status, "text/html; charset=utf-8", s.as_bytes().to_vec())
    }

    pub fn empty(status: u16) -> Resp {
        Resp::new(status, "text/plain", Vec::new())
    }

    pub fn redirect(location: &str) -> Resp {
        Resp::empty(302).with_header("Location", location)
    }

    pub fn not_found(why: &str) -> Resp {
        Resp::error(404, "not_found", why)
    }

    pub fn method_not_allowed() -> Resp {
        Resp::error(405, "method_not_allowed", "this method is not allowed here")
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Resp {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn note(mut self, note: &str) -> Resp {
        self.notes.push(note.to_string());
        self
    }

    pub fn into_tiny(self) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
        let mut r = tiny_http::Response::from_data(self.body).with_status_code(self.status);
        if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", self.content_type) {
            r.add_header(h);
        }
        for (n, v) in self.headers {
            if let Ok(h) = tiny_http::Header::from_bytes(n.as_bytes(), v.as_bytes()) {
                r.add_header(h);
            }
        }
        r
    }
}

/// `n` random bytes as base64url: unguessable codes, tokens and nonces.
pub fn random_token(n: usize) -> String {
    use base64::Engine;
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A random (version 4) UUID.
pub fn uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// Seconds since 1970.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

/// Now as an XML Schema dateTime in UTC, to the second.
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Everything but RFC 3986's unreserved characters.
const COMPONENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A component of a URL query or path, percent-encoded (a space is `%20`, never `+`).
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}
