import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, EC2Client } from "@aws-sdk/client-ec2";
import { join } from "node:path";
import { run, runOrThrow } from "../../lib/process";
import { Emulator } from "../../tools/emulator/emulator";
import { Scenario, startScenario, WORKLOAD_ACCOUNT } from "./helpers";

// An apply killed after AWS created a resource but before Terraform recorded it leaves the resource
// in AWS and not in state. The rerun must fail loudly, not create a second one, and
// `golden-ami orphans` must list what is left over.
jest.setTimeout(600_000);

const ROOT = join(__dirname, "..", "..");
const STACK = "web-staging";
let emulator: Emulator;
let env: NodeJS.ProcessEnv;
let outdir: string;
let ec2: EC2Client;
let scenario: Scenario;

const stackDir = () => join(outdir, "stacks", STACK);
const terraform = (...args: string[]) => run("terraform", [...args, "-no-color"], { cwd: stackDir(), env });
const orphans = () => run(process.execPath, [join(ROOT, "bin", "golden-ami.js"), "orphans", STACK, "--json", "--outdir", outdir], { cwd: ROOT, env });

beforeAll(async () => {
  scenario = await startScenario({ prefix: "interrupted" });
  ({ emulator, ec2, outdir, env } = scenario);
  await scenario.build(1);
  await runOrThrow("terraform", ["init", "-input=false", "-no-color"], { cwd: stackDir(), env });
  await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: stackDir(), env });
});

describe("an interrupted apply", () => {
  it("golden-ami orphans finds nothing while AWS and state agree", async () => {
    const result = await orphans();
    expect(result.stderr).toContain("No orphans"); // on stderr: stdout is the JSON
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it("leaves a group and a template in AWS but not in state; orphans lists both, exit 1", async () => {
    // What a SIGKILL right after CreateAutoScalingGroup leaves: the group exists, the state lacks it.
    const { stdout } = await runOrThrow("terraform", ["state", "list"], { cwd: stackDir(), env });
    const groupAddress = stdout.split("\n").find((line) => line.startsWith("aws_autoscaling_group."))!;
    await runOrThrow("terraform", ["state", "rm", groupAddress], { cwd: stackDir(), env });
    // What Ctrl-C during CreateLaunchTemplate leaves: a template with the stack's tags, unknown to state.
    const { LaunchTemplate } = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${STACK}-20261123000000000000000001`,
        LaunchTemplateData: { InstanceType: "t3.small" },
        TagSpecifications: [
          {
            ResourceType: "launch-template",
            Tags: [
              { Key: "Stack", Value: STACK },
              { Key: "ManagedBy", Value: "cdktf" },
            ],
          },
        ],
      }),
    );
    const result = await orphans();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("exist in AWS but not in state");
    expect(JSON.parse(result.stdout)).toEqual(
      expect.arrayContaining([
        { stack: STACK, type: "aws_autoscaling_group", id: STACK, name: STACK },
        expect.objectContaining({ stack: STACK, type: "aws_launch_template", id: LaunchTemplate!.LaunchTemplateId }),
      ]),
    );
  });

  it("the rerun fails loudly on the group's fixed name instead of creating a second group", async () => {
    const result = await terraform("apply", "-input=false", "-auto-approve");
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/AlreadyExists|already exists/i);
    const admin = await scenario.adminOf(WORKLOAD_ACCOUNT);
    const groups = await new AutoScalingClient(emulator.clientConfig({ credentials: admin })).send(new DescribeAutoScalingGroupsCommand({}));
    expect((groups.AutoScalingGroups ?? []).filter((g) => g.AutoScalingGroupName?.startsWith(STACK))).toHaveLength(1);
  });
});
