// Small stand-ins the page build (vite.verify.config.ts) puts where the JSON-LD
// code asks for more than it uses:
// - "rdf-canonize" as jsonld.js's util.js asks for it: only IdentifierIssuer
//   (canon.ts takes RDFC10 itself), so not the synchronous canonizer too;
// - "setimmediate": rdf-canonize yields with setImmediate every 100 blank
//   nodes; a MessageChannel task does that without the polyfill's code.
"use strict";
if (typeof globalThis.setImmediate !== "function") {
  const queue = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()?.();
  globalThis.setImmediate = (fn, ...args) => {
    queue.push(() => fn(...args));
    channel.port2.postMessage(0);
  };
}
exports.IdentifierIssuer = require("rdf-canonize/lib/IdentifierIssuer");
