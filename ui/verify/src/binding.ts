// Issuer binding, as binding_check / merge_bindings in src/verify/engine.rs.
import { stripFragment } from "./json";
import { error, fail, ISSUER_BINDING, pass, skip, type Check } from "./report";

export function bindingCheck(issuer: string | undefined, controller: string | undefined, vm: string | undefined): Check {
  if (issuer === undefined) return fail(ISSUER_BINDING, "the credential names no issuer");
  if (controller === undefined) return error(ISSUER_BINDING, `the controller of ${vm ?? "the key"} is unknown`);
  if (stripFragment(issuer) === stripFragment(controller)) return pass(ISSUER_BINDING, `signed with a key of the issuer ${issuer}`);
  if (issuer.startsWith("did:") || issuer.startsWith("https://") || issuer.startsWith("http://")) {
    return fail(ISSUER_BINDING, `signed with a key of ${controller}, but the issuer is ${issuer}`);
  }
  return error(
    ISSUER_BINDING,
    `signed with a key of ${controller}; the issuer ${issuer} is not a DID or URL whose keys can be looked up`,
  );
}

export function mergeBindings(bindings: Check[], noProofs: boolean): Check {
  if (bindings.length === 0) {
    return skip(ISSUER_BINDING, noProofs ? "no proof to bind to the issuer" : "no valid proof whose key could be bound to the issuer");
  }
  return bindings.find((c) => c.outcome === "pass") ?? bindings[0];
}
