// The emulator's IAM policy engine: a small HTTP server the moto process asks for decisions
// (emulation/policy_engine.py), so trust policies, key policies, grants' keys and identity policies
// are decided by the same independent engine the access-contract tests use. Started by Emulator.start;
// prints "listening <port>" once ready, and exits when its parent's stdin closes.
import { createServer } from "node:http";
import { decide } from "../access/policy-engine";

const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk));
  request.on("end", () => {
    void (async () => {
      try {
        const { call, policies } = JSON.parse(body);
        const answer = await decide(call, policies);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
      } catch (error) {
        response.writeHead(400, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      }
    })();
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
// The parent holds our stdin open; when it goes away (killed, crashed), so do we. An orphan is also
// noticed by its parent becoming init: a leftover engine must not outlive the run that started it.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.exit(0), 2000).unref();
