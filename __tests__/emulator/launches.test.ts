// Launching from shared AMIs across accounts (autoscaling_launches.py, encrypted_launches.py,
// autoscaling_activities.py, ami_register.py): an Auto Scaling group launches only what its account
// may see, and from snapshots encrypted with another account's key only through a grant to its
// service-linked role, failing as AWS does (a Failed scaling activity, Client.InternalError).
import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImagesCommand,
  ModifyImageAttributeCommand,
  RegisterImageCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateGrantCommand, CreateKeyCommand } from "@aws-sdk/client-kms";
import { AUTO_SCALING_GRANT_OPERATIONS, AUTO_SCALING_SERVICE_LINKED_ROLE, sharedAmiKeyPolicy } from "../../constructs/shared-ami-key";
import type { Emulator } from "../../tools/emulator/emulator";
import { createNetwork } from "../../tools/emulator/scenario";
import {
  Clients,
  clientsOf,
  createRole,
  failure,
  freshOrganization,
  renderedKeyPolicy,
  MANAGEMENT,
  NONPROD,
  ORG_ARN,
  ORG_ID,
  PROD,
  REGION,
  SHARED,
} from "./accounts";

jest.setTimeout(60_000);

let emulator: Emulator;
const as: Record<string, Clients> = {};
const subnets: Record<string, string> = {};
let keyArn: string;

beforeAll(async () => {
  let admin: (account: string) => Promise<Clients>;
  ({ emulator, admin } = await freshOrganization());
  for (const account of [SHARED, PROD, NONPROD]) as[account] = await admin(account);
  for (const account of [PROD, NONPROD]) subnets[account] = (await createNetwork(as[account].ec2)).subnetIds[0];
  const { KeyMetadata } = await as[SHARED].kms.send(
    new CreateKeyCommand({ Policy: renderedKeyPolicy(sharedAmiKeyPolicy(`arn:aws:iam::${SHARED}:root`, ORG_ID)) }),
  );
  keyArn = KeyMetadata!.Arn!;
});

let serial = 0;
/** An AMI of the shared account, from a snapshot encrypted with `kmsKeyId` (or not encrypted), shared with the organization. */
async function sharedAmi(kmsKeyId?: string): Promise<string> {
  const { VolumeId } = await as[SHARED].ec2.send(
    new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 8, ...(kmsKeyId ? { Encrypted: true, KmsKeyId: kmsKeyId } : {}) }),
  );
  const { SnapshotId } = await as[SHARED].ec2.send(new CreateSnapshotCommand({ VolumeId }));
  const { ImageId } = await as[SHARED].ec2.send(
    new RegisterImageCommand({
      Name: `launch-${++serial}`,
      RootDeviceName: "/dev/xvda",
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId, VolumeType: "gp3" } }],
      TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "Image", Value: "test" }] }],
    }),
  );
  await as[SHARED].ec2.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ OrganizationArn: ORG_ARN }] } }));
  return ImageId!;
}

/** An Auto Scaling group of one instance in `account` on a launch template of `ami`. */
async function group(account: string, ami: string, name = `group-${++serial}`) {
  const { LaunchTemplate } = await as[account].ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: `${name}-template`, LaunchTemplateData: { ImageId: ami, InstanceType: "t3.small" } }),
  );
  await as[account].autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateId: LaunchTemplate!.LaunchTemplateId, Version: "$Latest" },
      MinSize: 1,
      MaxSize: 2,
      VPCZoneIdentifier: subnets[account],
    }),
  );
  const { AutoScalingGroups = [] } = await as[account].autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const { Activities = [] } = await as[account].autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: name }));
  return { name, instances: AutoScalingGroups[0]?.Instances ?? [], activities: Activities };
}

const slr = (account: string) => `arn:aws:iam::${account}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`;

describe("RegisterImage from a snapshot (ami_register.py)", () => {
  it("keeps the snapshot, its encryption and the tags it is given", async () => {
    const ami = await sharedAmi(keyArn);
    const { Images = [] } = await as[SHARED].ec2.send(new DescribeImagesCommand({ ImageIds: [ami] }));
    expect(Images[0].BlockDeviceMappings?.[0]).toMatchObject({ DeviceName: "/dev/xvda", Ebs: { Encrypted: true, VolumeType: "gp3" } });
    expect(Images[0].Tags).toEqual([{ Key: "Image", Value: "test" }]);
  });
});

describe("an Auto Scaling group on a shared AMI", () => {
  it("unencrypted, shared with the organization: the group launches it, with a Successful activity", async () => {
    const launched = await group(PROD, await sharedAmi());
    expect(launched.instances).toHaveLength(1);
    expect(launched.activities[0]).toMatchObject({ StatusCode: "Successful", Progress: 100 });
  });

  it("on an AMI its account cannot see: CreateAutoScalingGroup is a ValidationError, and no group is left", async () => {
    const { ImageId } = await as[SHARED].ec2.send(new RegisterImageCommand({ Name: `private-${++serial}`, RootDeviceName: "/dev/xvda" }));
    const { name, message } = await failure(group(PROD, ImageId!, "never-created"));
    expect(name).toBe("ValidationError");
    expect(message).toBe(`You must use a valid fully-formed launch template. The image id '[${ImageId}]' does not exist`);
    const { AutoScalingGroups = [] } = await as[PROD].autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["never-created"] }));
    expect(AutoScalingGroups).toEqual([]);
  });

  it("encrypted with the shared account's key and no grant: nothing launches; a Failed activity says Client.InternalError", async () => {
    const launched = await group(NONPROD, await sharedAmi(keyArn));
    expect(launched.instances).toHaveLength(0);
    expect(launched.activities[0]).toMatchObject({ StatusCode: "Failed", Progress: 100, StatusMessage: "Client.InternalError: Client error on launch" });
  });

  it("encrypted, with the grant the workload stack creates for its service-linked role: the group launches", async () => {
    const role = await createRole(as[PROD].iam, "deployer", `arn:aws:iam::${MANAGEMENT}:root`, [
      { Effect: "Allow", Action: "kms:CreateGrant", Resource: `arn:aws:kms:*:${SHARED}:key/*` },
    ]);
    const deployer = clientsOf(emulator, await emulator.assume(role));
    await deployer.kms.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: slr(PROD),
        RetiringPrincipal: `arn:aws:iam::${PROD}:root`,
        Operations: [...AUTO_SCALING_GRANT_OPERATIONS],
      }),
    );
    const launched = await group(PROD, await sharedAmi(keyArn));
    expect(launched.instances).toHaveLength(1);
  });

  it("a grant without Decrypt is not enough", async () => {
    const role = await createRole(as[NONPROD].iam, "deployer", `arn:aws:iam::${MANAGEMENT}:root`, [
      { Effect: "Allow", Action: "kms:CreateGrant", Resource: `arn:aws:kms:*:${SHARED}:key/*` },
    ]);
    const deployer = clientsOf(emulator, await emulator.assume(role));
    await deployer.kms.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: slr(NONPROD),
        RetiringPrincipal: `arn:aws:iam::${NONPROD}:root`,
        Operations: AUTO_SCALING_GRANT_OPERATIONS.filter((operation) => operation !== "Decrypt"),
      }),
    );
    const launched = await group(NONPROD, await sharedAmi(keyArn));
    expect(launched.instances).toHaveLength(0);
    expect(launched.activities[0]?.StatusMessage).toBe("Client.InternalError: Client error on launch");
  });

  it("scaling out after the launch permission was removed: a Failed activity, the running instance stays", async () => {
    const ami = await sharedAmi();
    const launched = await group(PROD, ami);
    await as[SHARED].ec2.send(new ModifyImageAttributeCommand({ ImageId: ami, LaunchPermission: { Remove: [{ OrganizationArn: ORG_ARN }] } }));
    await as[PROD].autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: launched.name, DesiredCapacity: 2 }));
    const { Activities = [] } = await as[PROD].autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: launched.name }));
    expect(Activities[0]).toMatchObject({ StatusCode: "Failed", StatusMessage: `The image id '[${ami}]' does not exist. Launching EC2 instance failed.` });
    const { AutoScalingGroups = [] } = await as[PROD].autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [launched.name] }));
    expect(AutoScalingGroups[0].Instances).toHaveLength(1);
  });
});

describe("RunInstances of an encrypted shared AMI (encrypted_launches.py)", () => {
  it("by a member whose key access is the key policy's EC2 use plus its own policy: it launches", async () => {
    const role = await createRole(as[PROD].iam, "launcher", `arn:aws:iam::${MANAGEMENT}:root`, [
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"], Resource: `arn:aws:kms:*:${SHARED}:key/*` },
    ]);
    const launcher = clientsOf(emulator, await emulator.assume(role));
    const ami = await sharedAmi(keyArn);
    await expect(launcher.ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: "t3.small" }))).resolves.toBeDefined();
  });

  it("by a member whose own policy grants no use of the key: Client.InternalError", async () => {
    const role = await createRole(as[PROD].iam, "no-key", `arn:aws:iam::${MANAGEMENT}:root`, []);
    const launcher = clientsOf(emulator, await emulator.assume(role));
    const ami = await sharedAmi(keyArn);
    const { name } = await failure(launcher.ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: "t3.small" })));
    expect(name).toBe("Client.InternalError");
  });
});
