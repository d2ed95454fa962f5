// The processor of a script written by `wamo replay --export artillery`.
// Artillery calls wamoRequest before each request and wamoResponse after
// it. The payloads, their headers and the deadline are in the script
// (config.variables.wamo); secrets are read here from the environment of
// the machine that runs the test, never written to the script.
//
// Each request takes the next payload in turn (per Artillery worker, so
// distributed runs cycle through them too) and is signed as its provider
// signs it, at the time it is sent:
//   meta   X-Hub-Signature-256: sha256=hex(HMAC-SHA256(secret, body))
//   sinch  x-sinch-webhook-signature: Base64(HMAC-SHA256(secret,
//          body + "." + nonce + "." + timestamp)), a new nonce and the
//          current Unix time per request, with -nonce, -timestamp and
//          -algorithm: HmacSHA256 headers
// Each answer is classified as wamo replay classifies it and counted as
// wamo.ok, wamo.slow (2xx over the deadline) or wamo.http_error, with
// wamo.requests and wamo.not_ok for the ensure conditions.
"use strict";

const crypto = require("node:crypto");

let turn = 0;

function secret(w, scheme) {
  const name = w.secretEnv[scheme];
  const value = process.env[name];
  if (!value) {
    throw new Error(name + " is not set: the " + scheme + " signature needs it");
  }
  return value;
}

function sign(w, scheme, headers, body) {
  if (scheme === "meta") {
    headers["X-Hub-Signature-256"] =
      "sha256=" + crypto.createHmac("sha256", secret(w, scheme)).update(body).digest("hex");
  } else if (scheme === "sinch") {
    const nonce = crypto.randomUUID();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const mac = crypto.createHmac("sha256", secret(w, scheme));
    mac.update(body);
    mac.update("." + nonce + "." + timestamp);
    headers["x-sinch-webhook-signature-timestamp"] = timestamp;
    headers["x-sinch-webhook-signature-nonce"] = nonce;
    headers["x-sinch-webhook-signature-algorithm"] = "HmacSHA256";
    headers["x-sinch-webhook-signature"] = mac.digest("base64");
  }
}

function wamoRequest(requestParams, context, ee, next) {
  const w = context.vars.wamo;
  const p = w.payloads[turn++ % w.payloads.length];
  const body = Buffer.from(p.body, "base64");
  const headers = Object.assign({}, w.headers);
  try {
    sign(w, p.scheme, headers, body);
  } catch (err) {
    return next(err);
  }
  requestParams.body = body;
  requestParams.headers = Object.assign(requestParams.headers || {}, headers);
  return next();
}

function wamoResponse(requestParams, response, context, ee, next) {
  const w = context.vars.wamo;
  const code = response.statusCode;
  const ms = response.timings && response.timings.phases ? response.timings.phases.total : 0;
  let outcome = "http_error";
  if (code >= 200 && code < 300) {
    outcome = ms <= w.deadlineMs ? "ok" : "slow";
  }
  ee.emit("counter", "wamo.requests", 1);
  ee.emit("counter", "wamo." + outcome, 1);
  ee.emit("counter", "wamo.not_ok", outcome === "ok" ? 0 : 1);
  return next();
}

module.exports = { wamoRequest, wamoResponse };
