// The emulator's snapshots (emulation/snapshots.py): the whole world saved to a file and restored,
// into the same emulator or another, with every account's resources, their ids and the references
// between services; what the scenario cache of the end-to-end suite stands on.
import { CreateVpcCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { CreateComponentCommand, GetComponentCommand, ImagebuilderClient } from "@aws-sdk/client-imagebuilder";
import { CreateKeyCommand, DescribeKeyCommand } from "@aws-sdk/client-kms";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { networkOf } from "../../tools/emulator/scenario";
import { PROD, SHARED, failure, freshOrganization } from "./accounts";

const DOCUMENT =
  "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: A\n        action: ExecuteBash\n        inputs:\n          commands: ['true']\n";

it("restores every account's resources with their ids, after a reset emptied them", async () => {
  const { emulator, admin } = await freshOrganization();
  const shared = await admin(SHARED);
  const prod = await admin(PROD);
  const { Vpc } = await prod.ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }));
  const { KeyMetadata } = await shared.kms.send(new CreateKeyCommand({ Description: "kept" }));
  const imageBuilder = new ImagebuilderClient(emulator.clientConfig({ credentials: shared.credentials }));
  const { componentBuildVersionArn } = await imageBuilder.send(
    new CreateComponentCommand({ name: "kept", semanticVersion: "1.0.0", platform: "Linux", data: DOCUMENT }),
  );
  const file = join(mkdtempSync(join(tmpdir(), "snapshot-")), "world.pickle");
  await emulator.snapshot(file);

  await emulator.reset();
  const afterReset = await admin(PROD);
  expect((await afterReset.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "vpc-id", Values: [Vpc!.VpcId!] }] }))).Vpcs).toEqual([]);

  await emulator.restore(file);
  // Credentials issued before the restore belong to the world they were issued in: new ones are asked for.
  const [sharedAgain, prodAgain] = [await admin(SHARED), await admin(PROD)];
  expect((await prodAgain.ec2.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }))).Vpcs![0].CidrBlock).toBe("10.9.0.0/16");
  expect((await sharedAgain.kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).KeyMetadata!.Description).toBe("kept");
  const restored = new ImagebuilderClient(emulator.clientConfig({ credentials: sharedAgain.credentials }));
  expect((await restored.send(new GetComponentCommand({ componentBuildVersionArn }))).component!.data).toBe(DOCUMENT);
  // New resources after a restore get ids of their own, not the restored ones'.
  const { Vpc: another } = await prodAgain.ec2.send(new CreateVpcCommand({ CidrBlock: "10.10.0.0/16" }));
  expect(another!.VpcId).not.toBe(Vpc!.VpcId);
});

it("refuses to restore what is not a snapshot, naming the file, and keeps the world it has", async () => {
  const { emulator, admin } = await freshOrganization();
  const prod = await admin(PROD);
  const { Vpc } = await prod.ec2.send(new CreateVpcCommand({ CidrBlock: "10.11.0.0/16" }));
  const missing = join(tmpdir(), "no-such-snapshot.pickle");
  const error = await failure(emulator.restore(missing));
  expect(error.message).toContain(`the emulator's restore of ${missing} answered 500`);
  expect(error.message).toContain("No such file or directory");
  expect((await prod.ec2.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }))).Vpcs).toHaveLength(1);
});

it("a scenario's network is made again in a new world: after a reset the same Emulator never hands out a VPC that is gone", async () => {
  const { emulator, admin } = await freshOrganization();
  const before = await networkOf(emulator, PROD);
  expect(await networkOf(emulator, PROD)).toBe(before);
  await emulator.reset();
  const after = await networkOf(emulator, PROD);
  const prod = await admin(PROD);
  // Found by the benchmark: the cached VPC of the last world made the provider's security group fail.
  expect((await prod.ec2.send(new DescribeVpcsCommand({ VpcIds: [after.vpcId] }))).Vpcs).toHaveLength(1);
  expect((await prod.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "vpc-id", Values: [before.vpcId] }] }))).Vpcs).toEqual([]);
});
