// The JSON-LD contexts the page knows: EXACTLY the repository's bundled set
// (contexts/ at the repo root, listed in src/verify/contexts.rs), so the page
// and the Rust verifier canonicalize with the same documents. Nothing is ever
// fetched: any other URL is refused (the credential "could not be checked").
// The documents themselves are in context-docs.ts, loaded with the JSON-LD
// code (canon.ts) only when a proof needs RDF canonicalisation.


/** URL → file name in contexts/ (same pairs as src/verify/contexts.rs). */
export const CONTEXT_FILES: Record<string, string> = {
  "https://openbadgespec.org/v2/context.json": "w3id.org_openbadges_v2.jsonld",
  "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json",
  "https://purl.imsglobal.org/spec/clr/v2p0/context.json": "purl.imsglobal.org_spec_clr_v2p0_context.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.1edtech-validator-2026.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "purl.imsglobal.org_spec_ob_v3p0_context.json",
  "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "purl.imsglobal.org_spec_ob_v3p0_extensions.json",
  "https://w3id.org/openbadges/v2": "w3id.org_openbadges_v2.jsonld",
  "https://w3id.org/security/data-integrity/v1": "w3id.org_security_data-integrity_v1.jsonld",
  "https://w3id.org/security/data-integrity/v2": "w3id.org_security_data-integrity_v2.jsonld",
  "https://w3id.org/security/multikey/v1": "w3id.org_security_multikey_v1.jsonld",
  "https://w3id.org/security/suites/ed25519-2020/v1": "w3id.org_security_suites_ed25519-2020_v1.jsonld",
  "https://w3id.org/security/v1": "w3id.org_security_v1.jsonld",
  "https://w3id.org/security/v2": "w3id.org_security_v2.jsonld",
  "https://w3id.org/vc/status-list/2021/v1": "w3id.org_vc_status-list_2021_v1.jsonld",
  "https://www.w3.org/2018/credentials/examples/v1": "www.w3.org_2018_credentials_examples_v1.jsonld",
  "https://www.w3.org/2018/credentials/v1": "www.w3.org_2018_credentials_v1.jsonld",
  "https://www.w3.org/ns/credentials/examples/v2": "www.w3.org_ns_credentials_examples_v2.jsonld",
  "https://www.w3.org/ns/credentials/status/v1": "www.w3.org_ns_credentials_status_v1.jsonld",
  "https://www.w3.org/ns/credentials/undefined-terms/v2": "www.w3.org_ns_credentials_undefined-terms_v2.jsonld",
  "https://www.w3.org/ns/credentials/v2": "www.w3.org_ns_credentials_v2.jsonld",
  "https://www.w3.org/ns/did/v1": "www.w3.org_ns_did_v1.jsonld",
};

/** Whether `url` is one of the bundled contexts (exact match). */
export function isBundled(url: string): boolean {
  return Object.prototype.hasOwnProperty.call(CONTEXT_FILES, url);
}

/** Thrown by the document loader for anything that is not bundled. */
export class UnknownContextError extends Error {
  constructor(public url: string) {
    super(`context ${url} is not bundled (never fetched)`);
    this.name = "UnknownContextError";
  }
}
