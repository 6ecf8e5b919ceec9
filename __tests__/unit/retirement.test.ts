// Retiring a workload is a reviewed change: `retired: true` keeps its stack's name, state and provider
// and nothing else, so its plan destroys what it created. What others still need from it is refused.
import { exampleRaw, problemsOf, synthAll } from "../helpers/example";

const retiredProduction = () => {
  const raw = exampleRaw();
  raw.workloads[1].retired = true;
  return raw;
};

describe("a retired workload", () => {
  it("synthesizes its provider and state and nothing else: its plan destroys every resource in its state", () => {
    const stacks = synthAll(retiredProduction());
    const production = JSON.parse(stacks["web-production"]) as Record<string, unknown>;
    expect(production.resource).toBeUndefined();
    expect(production.data).toBeUndefined();
    expect(production.output).toBeUndefined();
    expect(production.locals).toBeUndefined();
    // The provider that created the resources, so Terraform can destroy them in the right account.
    expect((production.provider as { aws: unknown[] }).aws).toEqual([
      expect.objectContaining({ region: "ap-northeast-1", allowed_account_ids: ["444455556666"] }),
    ]);
    expect(Object.keys(production.terraform as object)).toEqual(expect.arrayContaining(["backend", "required_providers"]));
    // The others are untouched.
    expect(JSON.parse(stacks["web-staging"]).resource.aws_launch_template).toBeDefined();
  });

  it("is skipped by the checks of what its stack would create (its channel may be gone)", () => {
    const raw = retiredProduction();
    raw.workloads[1].ami = { source: "channel", channel: "gone" };
    raw.workloads[1].region = "eu-west-1"; // not a distribution region
    expect(problemsOf(raw)).toEqual([]);
  });

  it("cannot be the environment another workload follows: the destroy removes the SSM parameter it reads", () => {
    const raw = exampleRaw();
    raw.workloads[0].retired = true;
    expect(problemsOf(raw)).toEqual([
      {
        path: "workloads[1].ami.environment",
        message: `got "staging", but workload "web-staging" is retired: its destroy plan removes the SSM parameter this reads; expected another source (a channel, or pinned)`,
      },
    ]);
  });

  it("cannot take the account's Auto Scaling service-linked role with it while another workload there uses it", () => {
    const raw = retiredProduction();
    raw.workloads[1].auto_scaling.service_linked_role = "create";
    expect(problemsOf(raw)).toEqual([
      expect.objectContaining({
        path: "workloads[1].auto_scaling.service_linked_role",
        message: expect.stringContaining(`got "create" on a retired workload, but web-staging still runs Auto Scaling in account 444455556666`),
      }),
    ]);
  });
});
