// A webhook receiver that checks X-Hub-Signature-256 with the SDK's own
// verifyRequestSignature (whatsapp-api-js), the way an app built on it
// does: the raw body as a string, the header as received. It answers 200
// when the signature verifies and 401 when it does not, and prints the port
// it listens on (127.0.0.1 only) on its first line.
import http from "node:http";
import { WhatsAppAPI } from "whatsapp-api-js";

const api = new WhatsAppAPI({
  token: "unused",
  appSecret: process.env.WAMO_APP_SECRET,
  v: "v23.0",
});

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    let ok = false;
    try {
      ok = await api.verifyRequestSignature(raw, req.headers["x-hub-signature-256"] ?? "");
    } catch {
      ok = false;
    }
    res.writeHead(ok ? 200 : 401, { "content-type": "text/plain" });
    res.end(ok ? "verified\n" : "signature rejected\n");
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(server.address().port);
});
