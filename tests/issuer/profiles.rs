//! The issuer profiles: each is a separate credential issuer at
//! `BASE/<profile>` that behaves in one particular way (a PIN, the
//! authorization code flow, deferred issuance, a tampered credential, Draft 13,
//! ...). This file says what each profile is and where its URLs are; the
//! endpoints themselves are in `oid4vci.rs`.

/// How the wallet gets an access token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Grant {
    /// Pre-authorized code, with a transaction code (PIN) when `pin` is set.
    PreAuth { pin: Option<&'static str> },
    /// Authorization code with PAR and PKCE; `deny` makes the authorization endpoint refuse.
    AuthCode { deny: bool },
}

/// Whether the credential is issued at once.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Deferral {
    Immediate,
    /// 202 with a transaction id; the deferred endpoint is pending twice, then issues.
    Pending,
    /// 202 with a transaction id; the deferred endpoint then refuses (`credential_request_denied`).
    Denied,
}

/// What the issued credential looks like.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    /// `jwt_vc_json`, VCDM 2.0: the credential's claims at the top of the JWT payload.
    JwtVc2,
    /// `jwt_vc_json`, VCDM 1.1: the credential in the `vc` claim.
    JwtVc11,
    /// `ldp_vc`: a JSON-LD credential with an `eddsa-rdfc-2022` proof.
    Ldp,
}

/// One credential issuer.
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: &'static str,
    /// OpenID4VCI Draft 13 instead of 1.0 Final.
    pub draft13: bool,
    pub grant: Grant,
    pub deferral: Deferral,
    pub shape: Shape,
    pub proof_algs: &'static [&'static str],
    pub binding_methods: &'static [&'static str],
    /// The issued VC-JWT is changed after signing.
    pub tampered: bool,
    /// The first credential request of each access token is refused with `invalid_nonce`.
    pub bad_nonce: bool,
    /// The token endpoint belongs to an external authorization server at `BASE/auth`.
    pub external_as: bool,
}

/// The fixed transaction code of the `pin` and `d13` profiles.
pub const PIN: &str = "493536";

/// Every profile name; a path belongs to the longest name it starts with.
pub const NAMES: &[&str] = &[
    "pin", "plain", "authcode", "authcode-deny", "deferred", "deferred-denied", "tampered", "mismatch", "slash", "tenant/a",
    "ldp", "es256", "jwk", "vc11", "badnonce", "unreachable", "d13", "d13-deferred",
];

pub fn get(name: &str) -> Option<Profile> {
    if !NAMES.contains(&name) {
        return None;
    }
    let mut p = Profile {
        name: NAMES.iter().find(|n| **n == name).copied().expect("listed"),
        draft13: false,
        grant: Grant::PreAuth { pin: None },
        deferral: Deferral::Immediate,
        shape: Shape::JwtVc2,
        proof_algs: &["EdDSA", "ES256"],
        binding_methods: &["did:key", "did:jwk"],
        tampered: false,
        bad_nonce: false,
        external_as: false,
    };
    match name {
        "pin" => p.grant = Grant::PreAuth { pin: Some(PIN) },
        "authcode" => p.grant = Grant::AuthCode { deny: false },
        "authcode-deny" => p.grant = Grant::AuthCode { deny: true },
        "deferred" => p.deferral = Deferral::Pending,
        "deferred-denied" => p.deferral = Deferral::Denied,
        "tampered" => p.tampered = true,
        "tenant/a" => p.external_as = true,
        "ldp" => {
            p.shape = Shape::Ldp;
            p.binding_methods = &["did:key"];
        }
        "es256" => {
            p.proof_algs = &["ES256"];
            p.binding_methods = &["did:jwk"];
        }
        "jwk" => p.binding_methods = &["jwk"],
        "vc11" => p.shape = Shape::JwtVc11,
        "badnonce" => p.bad_nonce = true,
        "d13" => {
            p.draft13 = true;
            p.grant = Grant::PreAuth { pin: Some(PIN) };
        }
        "d13-deferred" => {
            p.draft13 = true;
            p.deferral = Deferral::Pending;
        }
        _ => {}
    }
    Some(p)
}

/// Split `/<profile>/<rest>` into the profile name and `rest` (which starts
/// with `/`, or is empty), choosing the longest matching name.
pub fn split_path(path: &str) -> Option<(String, &str)> {
    let inner = path.strip_prefix('/')?;
    NAMES
        .iter()
        .filter(|n| inner == **n || inner.starts_with(&format!("{n}/")))
        .max_by_key(|n| n.len())
        .map(|n| (n.to_string(), &inner[n.len()..]))
}

impl Profile {
    /// The credential issuer identifier (`BASE/slash/` keeps its trailing slash).
    pub fn issuer_id(&self, base: &str) -> String {
        match self.name {
            "slash" => format!("{base}/slash/"),
            n => format!("{base}/{n}"),
        }
    }

    /// The `credential_issuer` the offer names.
    pub fn offer_issuer(&self, base: &str) -> String {
        match self.name {
            "unreachable" => "http://127.0.0.1:1/unreachable".to_string(),
            _ => self.issuer_id(base),
        }
    }

    /// The `credential_issuer` the metadata names (`mismatch` names another).
    pub fn metadata_issuer(&self, base: &str) -> String {
        match self.name {
            "mismatch" => format!("{base}/elsewhere"),
            _ => self.issuer_id(base),
        }
    }

    /// An endpoint of this issuer: `BASE/<profile>/<name>`.
    pub fn endpoint(&self, base: &str, name: &str) -> String {
        format!("{base}/{}/{name}", self.name)
    }

    /// The authorization server's issuer identifier.
    pub fn as_issuer(&self, base: &str) -> String {
        if self.external_as {
            format!("{base}/auth")
        } else {
            self.issuer_id(base)
        }
    }

    pub fn token_endpoint(&self, base: &str) -> String {
        if self.external_as {
            format!("{base}/auth/token")
        } else {
            self.endpoint(base, "token")
        }
    }

    /// The one credential configuration this issuer offers.
    pub fn config_id(&self) -> &'static str {
        match self.shape {
            Shape::Ldp => "OpenBadgeCredential_ldp",
            _ => "OpenBadgeCredential",
        }
    }

    /// The credential identifier a token response hands out for the configuration.
    pub fn credential_identifier(&self) -> String {
        format!("{}-1", self.config_id())
    }

    pub fn format(&self) -> &'static str {
        match self.shape {
            Shape::Ldp => "ldp_vc",
            _ => "jwt_vc_json",
        }
    }
}
