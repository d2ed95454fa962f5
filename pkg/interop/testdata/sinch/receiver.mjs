// A Conversation API webhook receiver built on Sinch's Node SDK, the way
// an app built on it does: ConversationCallbackWebhooks(secret)
// .validateAuthenticationHeader(headers, rawBody) checks the signature,
// validateWebhookSignature (the SDK client's function behind it) is asked
// too, and parseEvent(rawBody) reads the callback. It answers 200 when the
// signature verifies and the event parses as a message or a delivery
// report, 401 when the signature does not verify, 422 when the body does
// not parse. GET /stats returns what it saw. It listens on 127.0.0.1 only
// and prints its port on its first line.
import http from "node:http";
import { ConversationCallbackWebhooks, validateWebhookSignature } from "@sinch/sdk-core";

const secret = process.env.WAMO_SINCH_SECRET;
const webhooks = new ConversationCallbackWebhooks(secret);
const stats = { verified: 0, rejected: 0, parsed: 0, unparsed: 0, triggers: {}, nonces: {}, skew: [], errors: [] };

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(stats));
      return;
    }
    const raw = Buffer.concat(chunks).toString("utf8");
    const valid = webhooks.validateAuthenticationHeader(req.headers, raw, req.url, req.method);
    if (valid !== validateWebhookSignature(secret, req.headers, raw)) {
      stats.errors.push("the two SDK checks disagree");
    }
    if (!valid) {
      stats.rejected++;
      res.writeHead(401, { "content-type": "text/plain" });
      res.end("signature rejected\n");
      return;
    }
    stats.verified++;
    const nonce = req.headers["x-sinch-webhook-signature-nonce"];
    stats.nonces[nonce] = (stats.nonces[nonce] ?? 0) + 1;
    stats.skew.push(Math.floor(Date.now() / 1000) - Number(req.headers["x-sinch-webhook-signature-timestamp"]));
    let trigger = "";
    try {
      const ev = webhooks.parseEvent(raw);
      trigger = ev.trigger;
      if (ev.app_id === undefined || ev.project_id === undefined) trigger = "";
    } catch (e) {
      stats.errors.push(String(e));
    }
    if (trigger !== "MESSAGE_INBOUND" && trigger !== "MESSAGE_DELIVERY") {
      stats.unparsed++;
      res.writeHead(422, { "content-type": "text/plain" });
      res.end("not a message or delivery report: " + trigger + "\n");
      return;
    }
    stats.parsed++;
    stats.triggers[trigger] = (stats.triggers[trigger] ?? 0) + 1;
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"trigger":"' + trigger + '"}');
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(server.address().port);
});
