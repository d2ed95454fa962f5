// Signs bodies the way Sinch signs Conversation API callbacks, with the
// SDK's own functions (computeSignedData, calculateWebhookSignature: what
// validateWebhookSignature recomputes): node sign.mjs AGE_SECONDS FILE...
// The secret comes from WAMO_SINCH_SECRET; each nonce is a random UUID and
// each timestamp now, less AGE_SECONDS. Prints a JSON array holding the
// four headers of each file, in order.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { computeSignedData, calculateWebhookSignature } from "@sinch/sdk-core";

const age = Number(process.argv[2]);
const out = process.argv.slice(3).map((file) => {
  const body = readFileSync(file, "utf8");
  const nonce = randomUUID();
  const timestamp = String(Math.floor(Date.now() / 1000) - age);
  return {
    "x-sinch-webhook-signature-timestamp": timestamp,
    "x-sinch-webhook-signature-nonce": nonce,
    "x-sinch-webhook-signature-algorithm": "HmacSHA256",
    "x-sinch-webhook-signature": calculateWebhookSignature(computeSignedData(body, nonce, timestamp), process.env.WAMO_SINCH_SECRET),
  };
});
console.log(JSON.stringify(out));
