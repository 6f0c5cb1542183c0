// A small stand-in for lru-cache, for jsonld.js's context caches in the page
// build (vite.verify.config.ts aliases "lru-cache" here): they use only
// `new LRU({ max })`, `get` and `set`. Least recently used goes first.
"use strict";
module.exports = class LRU {
  constructor({ max }) {
    this.max = max;
    this.map = new Map();
  }
  get(key) {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value);
    return this;
  }
};
