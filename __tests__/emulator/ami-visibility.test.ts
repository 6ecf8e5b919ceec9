// AMIs across accounts exactly as their launch permissions say (ami_visibility.py), deprecation
// (ami_deprecation.py) and disabling (ami_disable.py), against the EC2 API reference's DescribeImages
// rules. One positive and one negative case per rule, driven by the AWS SDK.
import {
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeImagesCommandInput,
  DisableImageCommand,
  EnableImageCommand,
  EnableImageDeprecationCommand,
  LaunchPermission,
  ModifyImageAttributeCommand,
  RegisterImageCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { MoveAccountCommand } from "@aws-sdk/client-organizations";
import type { Emulator } from "../../tools/emulator/emulator";
import { Clients, clientsOf, failure, freshOrganization, NONPROD, ORG_ARN, OU, ouArn, OUTSIDER, PROD, SANDBOX, SHARED } from "./accounts";

jest.setTimeout(60_000);

let emulator: Emulator;
let admin: (account: string) => Promise<Clients>;
const as: Record<string, Clients> = {};
beforeAll(async () => {
  ({ emulator, admin } = await freshOrganization());
  for (const account of [SHARED, PROD, NONPROD, SANDBOX, OUTSIDER]) as[account] = await admin(account);
});

let serial = 0;
/** An AMI of the shared account shared by `permissions`. */
async function sharedAmi(...permissions: LaunchPermission[]): Promise<string> {
  const { ImageId } = await as[SHARED].ec2.send(new RegisterImageCommand({ Name: `image-${++serial}`, RootDeviceName: "/dev/xvda" }));
  if (permissions.length > 0) await as[SHARED].ec2.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: permissions } }));
  return ImageId!;
}

/** The ids of what `account` sees of the shared account's AMIs (Owners = the shared account unless given). */
async function seenBy(account: string, input: DescribeImagesCommandInput = { Owners: [SHARED] }): Promise<string[]> {
  const { Images = [] } = await as[account].ec2.send(new DescribeImagesCommand(input));
  return Images.map((i) => i.ImageId!);
}

describe("who sees an AMI of the shared account", () => {
  it("the owner always; nobody else without a launch permission", async () => {
    const ami = await sharedAmi();
    expect(await seenBy(SHARED)).toContain(ami);
    for (const account of [PROD, NONPROD, SANDBOX, OUTSIDER]) expect(await seenBy(account)).not.toContain(ami);
  });

  it("shared with the organization: every member account, never the outsider", async () => {
    const ami = await sharedAmi({ OrganizationArn: ORG_ARN });
    for (const account of [PROD, NONPROD, SANDBOX]) expect(await seenBy(account)).toContain(ami);
    expect(await seenBy(OUTSIDER)).not.toContain(ami);
  });

  it("shared with another organization's ARN: no member of this one", async () => {
    const ami = await sharedAmi({ OrganizationArn: "arn:aws:organizations::123456789012:organization/o-someoneelse" });
    expect(await seenBy(PROD)).not.toContain(ami);
  });

  it("shared with an OU: accounts in it, directly or through nested OUs, and no other", async () => {
    const ami = await sharedAmi({ OrganizationalUnitArn: ouArn(OU.workloads) });
    expect(await seenBy(PROD)).toContain(ami); // workloads/prod
    expect(await seenBy(NONPROD)).toContain(ami); // workloads/nonprod
    expect(await seenBy(SANDBOX)).not.toContain(ami);
    expect(await seenBy(OUTSIDER)).not.toContain(ami);
  });

  it("shared with a nested OU only: its accounts, not its siblings", async () => {
    const ami = await sharedAmi({ OrganizationalUnitArn: ouArn(OU.nonprod) });
    expect(await seenBy(NONPROD)).toContain(ami);
    expect(await seenBy(PROD)).not.toContain(ami);
  });

  it("shared with an account id: that account only", async () => {
    const ami = await sharedAmi({ UserId: NONPROD });
    expect(await seenBy(NONPROD)).toContain(ami);
    expect(await seenBy(PROD)).not.toContain(ami);
  });

  it("public (group all): every account, the outsider too", async () => {
    const ami = await sharedAmi({ Group: "all" });
    expect(await seenBy(OUTSIDER)).toContain(ami);
  });

  it("moving an account into a shared OU shows it the AMI at once, and moving it out hides it again", async () => {
    const ami = await sharedAmi({ OrganizationalUnitArn: ouArn(OU.prod) });
    const organizations = clientsOf(emulator, emulator.administrator).organizations;
    expect(await seenBy(SANDBOX)).not.toContain(ami);
    await organizations.send(new MoveAccountCommand({ AccountId: SANDBOX, SourceParentId: OU.sandbox, DestinationParentId: OU.prod }));
    expect(await seenBy(SANDBOX)).toContain(ami);
    await organizations.send(new MoveAccountCommand({ AccountId: SANDBOX, SourceParentId: OU.prod, DestinationParentId: OU.sandbox }));
    expect(await seenBy(SANDBOX)).not.toContain(ami);
  });

  it("removing the launch permission hides it again", async () => {
    const ami = await sharedAmi({ UserId: PROD });
    expect(await seenBy(PROD)).toContain(ami);
    await as[SHARED].ec2.send(new ModifyImageAttributeCommand({ ImageId: ami, LaunchPermission: { Remove: [{ UserId: PROD }] } }));
    expect(await seenBy(PROD)).not.toContain(ami);
  });
});

describe("DescribeImages' parameters", () => {
  it("Owners: self is the caller's own AMIs; an account id that account's AMIs the caller may see", async () => {
    const ami = await sharedAmi({ UserId: PROD });
    expect(await seenBy(SHARED, { Owners: ["self"] })).toContain(ami);
    expect(await seenBy(PROD, { Owners: ["self"] })).not.toContain(ami);
    expect(await seenBy(PROD, { Owners: [SHARED] })).toContain(ami);
  });

  it("ExecutableUsers self: AMIs shared with the caller through its account, organization or OU, not its own", async () => {
    const byOu = await sharedAmi({ OrganizationalUnitArn: ouArn(OU.workloads) });
    expect(await seenBy(PROD, { ExecutableUsers: ["self"] })).toContain(byOu);
    expect(await seenBy(SHARED, { ExecutableUsers: ["self"] })).not.toContain(byOu);
  });

  it("ExecutableUsers with another account's id: only AMIs shared with that id explicitly, not through its organization", async () => {
    const explicit = await sharedAmi({ UserId: NONPROD });
    const byOrganization = await sharedAmi({ OrganizationArn: ORG_ARN });
    const seen = await seenBy(SHARED, { ExecutableUsers: [NONPROD] });
    expect(seen).toContain(explicit);
    expect(seen).not.toContain(byOrganization);
  });

  it("ImageIds of an AMI the caller cannot see: InvalidAMIID.NotFound, as for an AMI that does not exist", async () => {
    const ami = await sharedAmi({ UserId: PROD });
    expect(await seenBy(PROD, { ImageIds: [ami] })).toEqual([ami]);
    const { name, message } = await failure(as[OUTSIDER].ec2.send(new DescribeImagesCommand({ ImageIds: [ami] })));
    expect([name, message]).toEqual(["InvalidAMIID.NotFound", `The image id '[${ami}]' does not exist`]);
  });

  it("tags: the owner's are the owner's; another account sees and filters on only its own tags on the AMI", async () => {
    const ami = await sharedAmi({ UserId: PROD });
    await as[SHARED].ec2.send(new CreateTagsCommand({ Resources: [ami], Tags: [{ Key: "Image", Value: "sample" }] }));
    const tags = async (account: string) => (await as[account].ec2.send(new DescribeImagesCommand({ ImageIds: [ami] }))).Images?.[0]?.Tags ?? [];
    expect(await tags(SHARED)).toEqual([{ Key: "Image", Value: "sample" }]);
    expect(await tags(PROD)).toEqual([]);
    expect(await seenBy(PROD, { Owners: [SHARED], Filters: [{ Name: "tag:Image", Values: ["sample"] }] })).not.toContain(ami);
    await as[PROD].ec2.send(new CreateTagsCommand({ Resources: [ami], Tags: [{ Key: "Mine", Value: "yes" }] }));
    expect(await tags(PROD)).toEqual([{ Key: "Mine", Value: "yes" }]);
    expect(await tags(SHARED)).toEqual([{ Key: "Image", Value: "sample" }]);
  });

  it("filters name and owner-id apply to shared AMIs as to one's own", async () => {
    const ami = await sharedAmi({ UserId: PROD });
    const { Images = [] } = await as[PROD].ec2.send(new DescribeImagesCommand({ ImageIds: [ami] }));
    const name = Images[0].Name!;
    expect(
      await seenBy(PROD, {
        Filters: [
          { Name: "name", Values: [name] },
          { Name: "owner-id", Values: [SHARED] },
        ],
      }),
    ).toEqual([ami]);
    expect(
      await seenBy(PROD, {
        Filters: [
          { Name: "name", Values: [name] },
          { Name: "owner-id", Values: [PROD] },
        ],
      }),
    ).toEqual([]);
  });

  it("only the owner may change launch permissions: another account's attempt is AuthFailure", async () => {
    const ami = await sharedAmi({ UserId: PROD });
    const { name } = await failure(as[PROD].ec2.send(new ModifyImageAttributeCommand({ ImageId: ami, LaunchPermission: { Add: [{ UserId: OUTSIDER }] } })));
    expect(name).toBe("AuthFailure");
    expect(await seenBy(OUTSIDER)).not.toContain(ami);
  });
});

describe("deprecated and disabled AMIs (ami_deprecation.py, ami_disable.py)", () => {
  const deprecate = (ami: string) => as[SHARED].ec2.send(new EnableImageDeprecationCommand({ ImageId: ami, DeprecateAt: new Date(Date.now() - 3_600_000) }));

  it("a deprecated AMI leaves other accounts' listings, stays in the owner's, and is found by id or with IncludeDeprecated", async () => {
    const ami = await sharedAmi({ OrganizationArn: ORG_ARN });
    await deprecate(ami);
    expect(await seenBy(PROD)).not.toContain(ami);
    expect(await seenBy(SHARED)).toContain(ami);
    expect(await seenBy(PROD, { Owners: [SHARED], IncludeDeprecated: true })).toContain(ami);
    expect(await seenBy(PROD, { ImageIds: [ami] })).toEqual([ami]);
    const { Images = [] } = await as[PROD].ec2.send(new DescribeImagesCommand({ ImageIds: [ami] }));
    expect(Images[0].DeprecationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
  });

  it("a deprecation in the future changes nothing yet", async () => {
    const ami = await sharedAmi({ OrganizationArn: ORG_ARN });
    await as[SHARED].ec2.send(new EnableImageDeprecationCommand({ ImageId: ami, DeprecateAt: new Date(Date.now() + 3_600_000) }));
    expect(await seenBy(PROD)).toContain(ami);
  });

  it("only the owner deprecates", async () => {
    const ami = await sharedAmi({ OrganizationArn: ORG_ARN });
    const { name } = await failure(as[PROD].ec2.send(new EnableImageDeprecationCommand({ ImageId: ami, DeprecateAt: new Date() })));
    expect(name).toBe("AuthFailure");
  });

  it("DisableImage removes the launch permissions: others lose it, and it stays private after EnableImage; the owner lists it with IncludeDisabled", async () => {
    const ami = await sharedAmi({ OrganizationArn: ORG_ARN });
    await as[SHARED].ec2.send(new DisableImageCommand({ ImageId: ami }));
    expect(await seenBy(PROD, { Owners: [SHARED], IncludeDisabled: true })).not.toContain(ami);
    expect(await seenBy(SHARED)).not.toContain(ami);
    expect(await seenBy(SHARED, { Owners: [SHARED], IncludeDisabled: true })).toContain(ami);
    await as[SHARED].ec2.send(new EnableImageCommand({ ImageId: ami }));
    expect(await seenBy(PROD)).not.toContain(ami);
  });
});

describe("launching (RunInstances, with the emulator's AMI validation)", () => {
  it("an account launches a shared AMI, and cannot launch one not shared with it", async () => {
    const ami = await sharedAmi({ UserId: PROD });
    await expect(as[PROD].ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: "t3.small" }))).resolves.toBeDefined();
    const { name } = await failure(as[NONPROD].ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: "t3.small" })));
    expect(name).toBe("InvalidAMIID.NotFound");
  });
});
