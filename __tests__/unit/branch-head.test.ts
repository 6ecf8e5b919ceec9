// Old runs cannot roll back: `golden-ami branch-head` lets a deploy job go on only when its commit is
// the head of the branch, read from the GitHub REST API ("Get a reference",
// GET /repos/{owner}/{repo}/git/ref/heads/{branch}), here a local endpoint answering as GitHub does.
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import { run } from "../../lib/process";

const ROOT = join(__dirname, "..", "..");
const HEAD = "a".repeat(40);
const OLD = "b".repeat(40);
let server: Server;
let apiUrl: string;
const requests: { url?: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push({ url: request.url, authorization: request.headers.authorization });
    if (request.url === "/repos/acme/amis/git/ref/heads/main") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ref: "refs/heads/main", object: { sha: HEAD, type: "commit" } }));
    } else {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ message: "Not Found" }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const branchHead = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "branch-head", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", GITHUB_API_URL: apiUrl, GITHUB_REPOSITORY: "acme/amis", GITHUB_TOKEN: "t0ken", ...env },
  });

describe("golden-ami branch-head", () => {
  it("goes on when the run's commit is the branch head, asking with the job's token", async () => {
    const result = await branchHead({ GITHUB_SHA: HEAD });
    expect(result.code).toBe(0);
    expect(requests.at(-1)).toEqual({ url: "/repos/acme/amis/git/ref/heads/main", authorization: "Bearer t0ken" });
  });

  it("refuses a re-run of an old commit, naming both commits: exit 1", async () => {
    const result = await branchHead({ GITHUB_SHA: OLD });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `golden-ami: refusing to deploy ${OLD}: the head of main is ${HEAD}. A re-run of an old run, or a run overtaken by a newer push, would roll back; the newest run deploys.`,
    );
  });

  it("refuses when the head cannot be read (an unknown branch, no API): nothing is deployed on a guess", async () => {
    const unknown = await branchHead({ GITHUB_SHA: HEAD }, "--branch", "release");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("cannot read the head of release");
    expect(unknown.stderr).toContain("HTTP 404");
    const down = await branchHead({ GITHUB_SHA: HEAD, GITHUB_API_URL: "http://127.0.0.1:9" });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot read the head of main");
  });

  it("outside GitHub Actions (no GITHUB_SHA): a usage error, exit 2", async () => {
    const result = await branchHead({});
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "golden-ami: branch-head: missing environment variable GITHUB_SHA (set in GitHub Actions; GITHUB_TOKEN from github.token)",
    );
  });
});
