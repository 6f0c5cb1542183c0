// Small static and share servers for the page tests, bound to 127.0.0.1.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".jsonld": "application/ld+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

/** Serve the files under `root` (GET only); every requested path is recorded in `log`. */
export async function startStatic(root) {
  const log = [];
  const server = createServer(async (req, res) => {
    log.push(req.url);
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(normalize(root) + sep) || req.method !== "GET") {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/`, log, close: () => new Promise((r) => server.close(r)) };
}

/** A share location on another origin: objects by path, with CORS, as a WebDAV host with CORS would serve them. */
export async function startShares() {
  const objects = new Map();
  const log = [];
  const server = createServer((req, res) => {
    log.push({ url: req.url, cookie: req.headers.cookie, referer: req.headers.referer });
    const cors = { "access-control-allow-origin": "*", "cache-control": "no-store" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...cors, "access-control-allow-methods": "GET" }).end();
      return;
    }
    const body = objects.get(new URL(req.url, "http://x").pathname);
    if (!body) {
      res.writeHead(404, cors).end();
      return;
    }
    res.writeHead(200, { ...cors, "content-type": "application/octet-stream", "content-length": body.length }).end(body);
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return { base, objects, log, close: () => new Promise((r) => server.close(r)) };
}
