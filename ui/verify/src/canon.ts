// RDF canonicalisation (RDFC-1.0) of a JSON-LD document, in safe mode: what
// jsonld.canonize(doc, { algorithm: "RDFC-1.0", format: "application/n-quads",
// safe: true, base: null, documentLoader }) does, step for step (expand with
// a fresh context resolver over a shared cache, toRDF without generalized
// RDF, rdf-canonize's RDFC10), but importing only those parts of jsonld.js: its main
// module also brings compaction, framing, flattening, fromRDF and its
// document loaders, ~15 kB gzip of the page for nothing it calls.
// canon.test.ts holds this to jsonld.canonize on the vectors and on the
// safe-mode refusals.
// @ts-expect-error jsonld.js's internal modules have no types
import expandApi from "jsonld/lib/expand.js";
// @ts-expect-error as above
import toRdfApi from "jsonld/lib/toRdf.js";
// @ts-expect-error as above
import contextApi from "jsonld/lib/context.js";
// @ts-expect-error as above
import eventsApi from "jsonld/lib/events.js";
// @ts-expect-error as above
import util from "jsonld/lib/util.js";
// @ts-expect-error as above
import ContextResolver from "jsonld/lib/ContextResolver.js";
// @ts-expect-error CommonJS, no types
import LRU from "./lru.cjs";
// @ts-expect-error rdf-canonize has no types
import RDFC10 from "rdf-canonize/lib/RDFC10.js";

import { documentLoader } from "./context-docs";

/** jsonld.js's module-level cache of resolved contexts (RESOLVED_CONTEXT_CACHE_MAX_SIZE). */
const resolvedContextCache = new LRU({ max: 100 });

/**
 * The N-Quads of `doc` canonicalised over the bundled contexts; throws what
 * jsonld.canonize throws. URLs of contexts that are not bundled go into `refused`.
 */
export async function canonize(doc: unknown, refused: string[]): Promise<string> {
  const options: Record<string, unknown> = {
    documentLoader: documentLoader(refused),
    skipExpansion: false,
    safe: true,
    contextResolver: new ContextResolver({ sharedCache: resolvedContextCache }),
    algorithm: "RDFC-1.0",
    base: null,
    produceGeneralizedRdf: false,
    keepFreeFloatingNodes: false,
  };
  options.eventHandler = eventsApi.setupEventHandler({ options });
  // jsonld.expand: a copy of the input, the initial context, expansion.
  const activeCtx = contextApi.getInitialContext(options);
  let expanded = await expandApi.expand({ activeCtx, element: util.clone(doc), options });
  if (expanded !== null && typeof expanded === "object" && !Array.isArray(expanded) && "@graph" in expanded && Object.keys(expanded).length === 1) {
    expanded = expanded["@graph"];
  } else if (expanded === null) {
    expanded = [];
  }
  if (!Array.isArray(expanded)) expanded = [expanded];
  const dataset = toRdfApi.toRDF(expanded, options);
  // rdf-canonize's canonize(dataset, { algorithm: "RDFC-1.0" }), which is this.
  return new RDFC10({ algorithm: "RDFC-1.0" }).main(dataset);
}
