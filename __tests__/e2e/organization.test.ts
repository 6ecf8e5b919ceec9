import { DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { cdktfStackCommand } from "../../tools/cdktf-cli";
import { stackOutputs } from "../../tools/emulator/inspect";
import type { PublishedAmi } from "../../tools/emulator/publish-ami";
import type { ScenarioOrganization } from "../../tools/emulator/scenario";
import { expectExit, realChanges, REGION, savedPlan, Scenario, scenarioSteps, SHARED_ACCOUNT, startScenario } from "./helpers";

// The heart of the project across accounts: the shared account publishes an image shared with one OU;
// a workload in that OU finds it and runs it (its launch template on the AMI, its Auto Scaling group
// launching from snapshots under the shared account's key through its own grant); a workload in another
// OU finds nothing and is told why and what to change; once its OU is added it runs it too; the
// outsider never sees it. Every stack in its own account, through the roles its bootstrap made.
jest.setTimeout(600_000);

const NONPROD = "555566667777"; // OU workloads/nonprod
const PROD = "444455556666"; // OU workloads/prod
const OUTSIDER = "999988887777"; // outside the organization

let scenario: Scenario;
let organization: ScenarioOrganization;
let v1: PublishedAmi;

/** The example's web-staging, as a workload of its own in `account`. */
function workload(name: string, account: string, environment: string) {
  return {
    name,
    environment,
    account_id: account,
    region: REGION,
    image: "sample",
    instance_type: "t3.small",
    root_volume: { size_gib: 50 },
    network: { vpc_id: "vpc-00000000" }, // each workload gets its account's network (writeScenarioConfig)
    ami: { source: "latest" },
    publish_ami_parameter: false,
    auto_scaling: { min_size: 1, max_size: 2, instance_refresh: { enabled: false } },
  };
}

beforeAll(async () => {
  scenario = await startScenario({
    prefix: "organization",
    edit: (document, org) => {
      organization = org;
      document.setIn(
        ["images", 0, "distribution", "launch_permissions"],
        document.createNode({ organization: false, organizational_units: [org.ouArn("workloads/nonprod")] }),
      );
      document.set(
        "workloads",
        document.createNode([workload("web-nonprod", NONPROD, "nonprod"), workload("web-prod", PROD, "prod"), workload("web-outsider", OUTSIDER, "outside")]),
      );
    },
  });
});
const step = scenarioSteps(() => scenario?.emulator);

const plan = (stack: string) => cdktfStackCommand("plan", stack, scenario.outdir, { env: scenario.env });
const deploy = (stack: string) => cdktfStackCommand("deploy", stack, scenario.outdir, { env: scenario.env });
const oneLine = (text: string) => text.replace(/\s+/g, " ");

/** What an account's administrator sees of the shared account's AMIs. */
async function visibleTo(account: string): Promise<string[]> {
  const ec2 = new EC2Client(scenario.emulator.clientConfig({ credentials: await scenario.adminOf(account) }));
  const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Owners: [SHARED_ACCOUNT] }));
  return Images.map((i) => i.ImageId!);
}

describe("an image shared with one OU, across the organization's accounts", () => {
  step("every stack has its own account's roles: the bootstrap ran in the shared account and each workload account, the outsider's included", async () => {
    expect([...scenario.bootstrapped].sort()).toEqual([SHARED_ACCOUNT, PROD, NONPROD, OUTSIDER].sort());
    const stack = JSON.parse(readFileSync(`${scenario.outdir}/stacks/web-prod/cdk.tf.json`, "utf8"));
    expect(stack.provider.aws[0]).toMatchObject({ allowed_account_ids: [PROD], assume_role: [{ role_arn: `arn:aws:iam::${PROD}:role/golden-ami-deploy` }] });
  });

  step("the shared account builds 1 (its snapshots under the organization's AMI key), shared with workloads/nonprod only", async () => {
    v1 = await scenario.build(1);
    expect(await visibleTo(SHARED_ACCOUNT)).toContain(v1.imageId);
    expect(await visibleTo(NONPROD)).toEqual([v1.imageId]);
    expect(await visibleTo(PROD)).toEqual([]);
  });

  step("the workload in workloads/nonprod plans it and applies: a launch template on v1, its group running from the encrypted AMI", async () => {
    expectExit(await deploy("web-nonprod"), "success");
    expect(await stackOutputs(scenario.outdir, "web-nonprod", scenario.env)).toMatchObject({ ami_id: v1.imageId, launch_template_latest_version: 1 });
    expect(expectExit(await plan("web-nonprod"), "success")).toContain("No changes.");
  });

  step(
    "the workload in workloads/prod finds nothing: the plan says which image, owner and pattern, that its account is not shared with, and the fix",
    async () => {
      const message = oneLine(expectExit(await plan("web-prod"), "failure"));
      expect(message).toContain(
        `No AMI of image "sample" is available to this account: looked for AMIs owned by ${SHARED_ACCOUNT} named "sample_v{{imagebuilder:buildVersion}}_{{imagebuilder:buildDate}}"`,
      );
      expect(message).toContain(
        `account ${PROD} is not among the image's launch permissions: they name the OUs ${organization.ouArn("workloads/nonprod")}, and ${PROD} sees the AMIs only if it is in one of those OUs.`,
      );
      expect(message).toContain(
        `Fix: add its OU or account to images[0].distribution.launch_permissions (image "sample"), apply the shared stack, and build the image again.`,
      );
      // The project's message, not the key's AccessDenied: the key is read after the lookup.
      expect(message).not.toContain("AccessDenied");
    },
  );

  step("shared with workloads/prod as well (the configuration, the shared stack applied, then build 2): the prod workload plans it", async () => {
    const document = parseDocument(readFileSync(scenario.configPath, "utf8"));
    document.setIn(
      ["images", 0, "distribution", "launch_permissions", "organizational_units"],
      document.createNode([organization.ouArn("workloads/nonprod"), organization.ouArn("workloads/prod")]),
    );
    writeFileSync(scenario.configPath, document.toString());
    // As the message says: the launch permissions are the distribution configuration's, applied with the shared stack.
    expectExit(await deploy("shared"), "success");
    const v2 = await scenario.build(2);
    expect(await visibleTo(PROD)).toEqual([v2.imageId]);
    expectExit(await plan("web-prod"), "success");
    const template = realChanges(await savedPlan(scenario.outdir, "web-prod", scenario.env)).find((c) => c.type === "aws_launch_template");
    expect(template?.change.after?.image_id).toBe(v2.imageId);
  });

  step("a key policy that does not let the workload account grant to its own service-linked role fails at apply, at the grant, named", async () => {
    const kms = new KMSClient(scenario.emulator.clientConfig({ credentials: await scenario.adminOf(SHARED_ACCOUNT) }));
    const keyId = (await kms.send(new DescribeKeyCommand({ KeyId: "alias/golden-ami" }))).KeyMetadata!.KeyId!; // key policies take no alias
    const { Policy = "" } = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: "default" }));
    const policy = JSON.parse(Policy) as { Statement: { Sid?: string }[] };
    const without = { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== "OrganizationGrantsToAutoScaling") };
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: "default", Policy: JSON.stringify(without) }));
    try {
      const message = oneLine(expectExit(await deploy("web-prod"), "failure"));
      expect(message).toMatch(/aws_kms_grant\.SharedAmiKeyGrant_\w+/);
      expect(message).toContain("AccessDeniedException");
      expect(message).toContain(`is not authorized to perform: kms:CreateGrant on resource: arn:aws:kms:${REGION}:${SHARED_ACCOUNT}:key/`);
    } finally {
      await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: "default", Policy }));
    }
  });

  step("with the key policy as the shared stack makes it, the prod workload applies; its next plan has no changes", async () => {
    expectExit(await deploy("web-prod"), "success");
    expect(expectExit(await plan("web-prod"), "success")).toContain("No changes.");
  });

  step("the outsider never sees it: no AMI of the shared account is listed for it, and its plan says so", async () => {
    expect(await visibleTo(OUTSIDER)).toEqual([]);
    const message = oneLine(expectExit(await plan("web-outsider"), "failure"));
    expect(message).toContain(`account ${OUTSIDER} is not among the image's launch permissions`);
    expect(message).not.toContain("AccessDenied");
  });
});
