// The emulator's EC2 Image Builder (tools/emulator/emulation/imagebuilder), driven by the AWS SDK as
// the provider and `golden-ami build` drive it: each operation valid, invalid, not found and in
// conflict, and a build that distributes AMIs the organization's rules make visible.
import { CreateKeyCommand, CreateAliasCommand } from "@aws-sdk/client-kms";
import { DescribeImagesCommand, DescribeSnapshotsCommand } from "@aws-sdk/client-ec2";
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand } from "@aws-sdk/client-iam";
import {
  CancelImageCreationCommand,
  CreateComponentCommand,
  CreateDistributionConfigurationCommand,
  CreateImagePipelineCommand,
  CreateImageRecipeCommand,
  CreateInfrastructureConfigurationCommand,
  CreateLifecyclePolicyCommand,
  DeleteComponentCommand,
  DeleteImageRecipeCommand,
  DeleteInfrastructureConfigurationCommand,
  GetComponentCommand,
  GetImageCommand,
  GetImagePipelineCommand,
  GetImageRecipeCommand,
  ImagebuilderClient,
  ListComponentsCommand,
  ListImagePipelineImagesCommand,
  ListTagsForResourceCommand,
  StartImagePipelineExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDistributionConfigurationCommand,
  type Image,
} from "@aws-sdk/client-imagebuilder";
import { EC2Client } from "@aws-sdk/client-ec2";
import { KMSClient } from "@aws-sdk/client-kms";
import { OU, OUTSIDER, PROD, REGION, SHARED, type Clients, clientsOf, createRole, failure, freshOrganization, ouArn } from "./accounts";
import type { Emulator } from "../../tools/emulator/emulator";

const OTHER_REGION = "eu-west-1";
const PARENT = `arn:aws:imagebuilder:${REGION}:aws:image/amazon-linux-2023-x86/x.x.x`;
const UPDATE_LINUX = `arn:aws:imagebuilder:${REGION}:aws:component/update-linux/x.x.x`;
const DOCUMENT = [
  "schemaVersion: 1.0",
  "phases:",
  "  - name: build",
  "    steps:",
  "      - name: Hello",
  "        action: ExecuteBash",
  "        inputs:",
  "          commands: ['echo hello']",
].join("\n");

let emulator: Emulator;
let shared: Clients;
let imageBuilder: ImagebuilderClient;
let prod: Clients;

beforeAll(async () => {
  const organization = await freshOrganization();
  emulator = organization.emulator;
  shared = await organization.admin(SHARED);
  prod = await organization.admin(PROD);
  imageBuilder = new ImagebuilderClient(emulator.clientConfig({ region: REGION, credentials: shared.credentials }));
  await shared.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "builder" }));
  await createRole(shared.iam, "builder", "arn:aws:iam::111122223333:root", []);
  await shared.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "builder", RoleName: "builder" }));
});

let serial = 0;
const unique = (prefix: string) => `${prefix}-${++serial}`;

async function component(name = unique("component"), data = DOCUMENT, semanticVersion = "1.0.0") {
  const answer = await imageBuilder.send(new CreateComponentCommand({ name, semanticVersion, platform: "Linux", data }));
  return answer.componentBuildVersionArn!;
}

async function recipe(components: string[], name = unique("recipe"), extra: object = {}) {
  const answer = await imageBuilder.send(
    new CreateImageRecipeCommand({
      name,
      semanticVersion: "1.0.0",
      parentImage: PARENT,
      components: components.map((componentArn) => ({ componentArn })),
      ...extra,
    }),
  );
  return answer.imageRecipeArn!;
}

async function infrastructure(name = unique("infrastructure")) {
  const answer = await imageBuilder.send(new CreateInfrastructureConfigurationCommand({ name, instanceProfileName: "builder" }));
  return answer.infrastructureConfigurationArn!;
}

async function regionalKey(region: string, alias: string) {
  const kms = new KMSClient(emulator.clientConfig({ region, credentials: shared.credentials }));
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId! }));
  return KeyMetadata!.Arn!;
}

async function waitFor(arn: string, statuses: string[]): Promise<Image> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { image } = await imageBuilder.send(new GetImageCommand({ imageBuildVersionArn: arn }));
    if (statuses.includes(image!.state!.status!)) return image!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the image ${arn} never reached ${statuses.join(" or ")}`);
}

describe("components", () => {
  it("are created and read back as sent, with what Image Builder adds", async () => {
    const arn = await component("hello-world");
    expect(arn).toBe(`arn:aws:imagebuilder:${REGION}:${SHARED}:component/hello-world/1.0.0/1`);
    const { component: read } = await imageBuilder.send(new GetComponentCommand({ componentBuildVersionArn: arn }));
    expect(read).toMatchObject({
      name: "hello-world",
      version: "1.0.0",
      platform: "Linux",
      type: "BUILD",
      owner: SHARED,
      data: DOCUMENT,
      state: { status: "ACTIVE" },
    });
  });

  it("refuse a version that exists: components are immutable, a change needs a new version", async () => {
    const name = unique("immutable");
    await component(name);
    const error = await failure(component(name, DOCUMENT.replace("hello", "changed")));
    expect(error.name).toBe("ResourceAlreadyExistsException");
    expect(error.message).toContain(`component/${name}/1.0.0`);
    await expect(component(name, DOCUMENT.replace("hello", "changed"), "1.0.1")).resolves.toContain(`${name}/1.0.1/1`);
  });

  it("refuse a version that is not MAJOR.MINOR.PATCH, and a document that is not one, naming the parameter", async () => {
    const version = await failure(component(unique("bad"), DOCUMENT, "1.0"));
    expect(version).toMatchObject({ name: "InvalidParameterValueException" });
    expect(version.message).toMatch(/parameter 'semanticVersion' is not valid.*got '1\.0'/);
    const document = await failure(component(unique("bad"), "phases: [oops"));
    expect(document.name).toBe("InvalidParameterValueException");
    expect(document.message).toContain("parameter 'data'");
  });

  it("are not found by an ARN that names nothing; AWS-managed ones resolve in every Region, wildcards to the newest", async () => {
    const missing = await failure(
      imageBuilder.send(new GetComponentCommand({ componentBuildVersionArn: `arn:aws:imagebuilder:${REGION}:${SHARED}:component/nosuch/1.0.0/1` })),
    );
    expect(missing.name).toBe("ResourceNotFoundException");
    const { component: managed } = await imageBuilder.send(new GetComponentCommand({ componentBuildVersionArn: UPDATE_LINUX }));
    expect(managed).toMatchObject({ name: "update-linux", version: "1.0.2", owner: "Amazon" });
    const { componentVersionList } = await imageBuilder.send(
      new ListComponentsCommand({ owner: "Amazon", byName: true, filters: [{ name: "name", values: ["update-linux"] }] }),
    );
    expect(componentVersionList!.map((c) => c.version)).toEqual(["1.0.2"]);
  });

  it("answer a retried create (same clientToken, same request) with the first answer, and refuse the token with another request", async () => {
    const name = unique("token");
    const request = { name, semanticVersion: "1.0.0", platform: "Linux" as const, data: DOCUMENT, clientToken: `token-${name}` };
    const first = await imageBuilder.send(new CreateComponentCommand(request));
    const retry = await imageBuilder.send(new CreateComponentCommand(request));
    expect(retry.componentBuildVersionArn).toBe(first.componentBuildVersionArn);
    const other = await failure(imageBuilder.send(new CreateComponentCommand({ ...request, description: "another request" })));
    expect(other.name).toBe("IdempotentParameterMismatchException");
  });

  it("in use by a recipe cannot be deleted; once the recipe is gone they can", async () => {
    const arn = await component();
    const recipeArn = await recipe([arn]);
    const inUse = await failure(imageBuilder.send(new DeleteComponentCommand({ componentBuildVersionArn: arn })));
    expect(inUse.name).toBe("ResourceDependencyException");
    await imageBuilder.send(new DeleteImageRecipeCommand({ imageRecipeArn: recipeArn }));
    await imageBuilder.send(new DeleteComponentCommand({ componentBuildVersionArn: arn }));
    expect((await failure(imageBuilder.send(new GetComponentCommand({ componentBuildVersionArn: arn })))).name).toBe("ResourceNotFoundException");
  });
});

describe("image recipes", () => {
  it("resolve an AWS-managed parent by version wildcard and keep what was sent", async () => {
    const arn = await recipe([UPDATE_LINUX], "web-server", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true, volumeSize: 16 } }] });
    const { imageRecipe } = await imageBuilder.send(new GetImageRecipeCommand({ imageRecipeArn: arn }));
    expect(imageRecipe).toMatchObject({
      name: "web-server",
      version: "1.0.0",
      platform: "Linux",
      parentImage: PARENT,
      components: [{ componentArn: UPDATE_LINUX }],
    });
    expect(imageRecipe!.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { encrypted: true, volumeSize: 16 } }]);
  });

  it("refuse a parent image nobody has, a component nobody has, and a version that exists", async () => {
    const parent = await failure(
      imageBuilder.send(
        new CreateImageRecipeCommand({
          name: unique("r"),
          semanticVersion: "1.0.0",
          parentImage: "ami-0123456789abcdef0",
          components: [{ componentArn: UPDATE_LINUX }],
        }),
      ),
    );
    expect(parent.name).toBe("InvalidParameterValueException");
    expect(parent.message).toContain("parameter 'parentImage'");
    const missing = await failure(recipe([`arn:aws:imagebuilder:${REGION}:${SHARED}:component/nosuch/1.0.0/1`]));
    expect(missing.name).toBe("ResourceNotFoundException");
    const name = unique("r");
    await recipe([UPDATE_LINUX], name);
    expect((await failure(recipe([UPDATE_LINUX], name))).name).toBe("ResourceAlreadyExistsException");
  });
});

describe("infrastructure configurations", () => {
  it("need an instance profile of the account, named in the error", async () => {
    const error = await failure(imageBuilder.send(new CreateInfrastructureConfigurationCommand({ name: unique("i"), instanceProfileName: "nosuch" })));
    expect(error.name).toBe("InvalidParameterValueException");
    expect(error.message).toContain("'nosuch'");
  });

  it("in use by a pipeline cannot be deleted", async () => {
    const infrastructureArn = await infrastructure();
    await imageBuilder.send(
      new CreateImagePipelineCommand({ name: unique("p"), imageRecipeArn: await recipe([UPDATE_LINUX]), infrastructureConfigurationArn: infrastructureArn }),
    );
    const error = await failure(imageBuilder.send(new DeleteInfrastructureConfigurationCommand({ infrastructureConfigurationArn: infrastructureArn })));
    expect(error.name).toBe("ResourceDependencyException");
  });
});

describe("distribution configurations", () => {
  it("refuse a launch permission that is not an organization ARN, naming the field", async () => {
    const error = await failure(
      imageBuilder.send(
        new CreateDistributionConfigurationCommand({
          name: unique("d"),
          distributions: [{ region: REGION, amiDistributionConfiguration: { launchPermission: { organizationArns: ["o-goldenami42"] } } }],
        }),
      ),
    );
    expect(error.name).toBe("InvalidParameterValueException");
    expect(error.message).toContain("organizationArns");
  });

  it("are not found when updated by an ARN that names nothing", async () => {
    const error = await failure(
      imageBuilder.send(
        new UpdateDistributionConfigurationCommand({
          distributionConfigurationArn: `arn:aws:imagebuilder:${REGION}:${SHARED}:distribution-configuration/nosuch`,
          distributions: [{ region: REGION }],
        }),
      ),
    );
    expect(error.name).toBe("ResourceNotFoundException");
  });
});

describe("lifecycle policies", () => {
  it("need an execution role of the account and a rule Image Builder knows", async () => {
    const roleArn = await createRole(shared.iam, unique("lifecycle"), "arn:aws:iam::111122223333:root", []);
    const base = {
      name: unique("l"),
      executionRole: roleArn,
      resourceType: "AMI_IMAGE" as const,
      resourceSelection: { recipes: [{ name: "web-server", semanticVersion: "1.0.0" }] },
    };
    const bad = await failure(
      imageBuilder.send(
        new CreateLifecyclePolicyCommand({ ...base, policyDetails: [{ action: { type: "ARCHIVE" as "DELETE" }, filter: { type: "COUNT", value: 5 } }] }),
      ),
    );
    expect(bad.message).toContain("policyDetails[0].action.type");
    const good = await imageBuilder.send(
      new CreateLifecyclePolicyCommand({ ...base, policyDetails: [{ action: { type: "DEPRECATE" }, filter: { type: "COUNT", value: 5 } }] }),
    );
    expect(good.lifecyclePolicyArn).toBe(`arn:aws:imagebuilder:${REGION}:${SHARED}:lifecycle-policy/${base.name}`);
  });
});

describe("tags", () => {
  it("are added, listed and removed on a resource, and refused on one that does not exist", async () => {
    const arn = await component();
    await imageBuilder.send(new TagResourceCommand({ resourceArn: arn, tags: { team: "platform", stage: "test" } }));
    await imageBuilder.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["stage"] }));
    expect((await imageBuilder.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ team: "platform" });
    const missing = await failure(
      imageBuilder.send(new TagResourceCommand({ resourceArn: arn.replace(/component\/[^/]+/, "component/nosuch"), tags: { a: "b" } })),
    );
    expect(missing.name).toBe("ResourceNotFoundException");
  });
});

describe("a pipeline's build", () => {
  it("moves to AVAILABLE and distributes an AMI per Region: rendered name, tags, launch permissions, snapshots encrypted as configured", async () => {
    const sourceKey = await regionalKey(REGION, "alias/golden-ami-test-source");
    const otherKey = await regionalKey(OTHER_REGION, "alias/golden-ami-test-other");
    const recipeArn = await recipe([await component()], "fleet", {
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true, kmsKeyId: sourceKey, volumeSize: 12 } }],
    });
    const launchPermission = { organizationalUnitArns: [ouArn(OU.prod)] };
    const { distributionConfigurationArn } = await imageBuilder.send(
      new CreateDistributionConfigurationCommand({
        name: unique("d"),
        distributions: [
          { region: REGION, amiDistributionConfiguration: { name: "fleet-{{ imagebuilder:buildDate }}", amiTags: { Image: "fleet" }, launchPermission } },
          { region: OTHER_REGION, amiDistributionConfiguration: { name: "fleet-{{ imagebuilder:buildDate }}", kmsKeyId: otherKey, launchPermission } },
        ],
      }),
    );
    const { imagePipelineArn } = await imageBuilder.send(
      new CreateImagePipelineCommand({
        name: unique("p"),
        imageRecipeArn: recipeArn,
        infrastructureConfigurationArn: await infrastructure(),
        distributionConfigurationArn,
      }),
    );
    const { imageBuildVersionArn } = await imageBuilder.send(new StartImagePipelineExecutionCommand({ imagePipelineArn, clientToken: unique("start") }));
    expect(imageBuildVersionArn).toBe(`arn:aws:imagebuilder:${REGION}:${SHARED}:image/fleet/1.0.0/1`);
    const running = await imageBuilder.send(new GetImageCommand({ imageBuildVersionArn }));
    expect(["PENDING", "BUILDING", "TESTING", "DISTRIBUTING"]).toContain(running.image!.state!.status);

    const image = await waitFor(imageBuildVersionArn!, ["AVAILABLE", "FAILED"]);
    expect(image.state).toEqual({ status: "AVAILABLE" });
    const amis = image.outputResources!.amis!;
    expect(amis.map((ami) => ami.region)).toEqual([REGION, OTHER_REGION]);
    for (const ami of amis) expect(ami.name).toMatch(/^fleet-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);

    const [source] = (await shared.ec2.send(new DescribeImagesCommand({ ImageIds: [amis[0].image!] }))).Images!;
    expect(source.Tags).toEqual(
      expect.arrayContaining([
        { Key: "Image", Value: "fleet" },
        { Key: "CreatedBy", Value: "EC2 Image Builder" },
        { Key: "Ec2ImageBuilderArn", Value: imageBuildVersionArn },
      ]),
    );
    const sourceSnapshot = source.BlockDeviceMappings![0].Ebs!.SnapshotId!;
    const [snapshot] = (await shared.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [sourceSnapshot] }))).Snapshots!;
    expect(snapshot).toMatchObject({ Encrypted: true, KmsKeyId: sourceKey });
    const otherEc2 = new EC2Client(emulator.clientConfig({ region: OTHER_REGION, credentials: shared.credentials }));
    const [copy] = (await otherEc2.send(new DescribeImagesCommand({ ImageIds: [amis[1].image!] }))).Images!;
    const [copied] = (await otherEc2.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.BlockDeviceMappings![0].Ebs!.SnapshotId!] }))).Snapshots!;
    expect(copied).toMatchObject({ Encrypted: true, KmsKeyId: otherKey });

    // The launch permission is the prod OU's: an account in it sees the AMI, one outside the organization does not.
    const seen = await prod.ec2.send(new DescribeImagesCommand({ Owners: [SHARED], Filters: [{ Name: "name", Values: [amis[0].name!] }] }));
    expect(seen.Images!.map((i) => i.ImageId)).toEqual([amis[0].image]);
    const outsider = clientsOf(emulator, await emulator.adminOf(OUTSIDER));
    const unseen = await outsider.ec2.send(new DescribeImagesCommand({ Owners: [SHARED], Filters: [{ Name: "name", Values: [amis[0].name!] }] }));
    expect(unseen.Images).toEqual([]);

    const { imagePipeline } = await imageBuilder.send(new GetImagePipelineCommand({ imagePipelineArn }));
    expect(imagePipeline!.lastRunStatus).toBe("AVAILABLE");
    const { imageSummaryList } = await imageBuilder.send(new ListImagePipelineImagesCommand({ imagePipelineArn }));
    expect(imageSummaryList!.map((summary) => summary.arn)).toEqual([imageBuildVersionArn]);
  });

  it("with the source Region's root device unmapped leaves that AMI unencrypted: the distribution key applies to copies only", async () => {
    const key = await regionalKey(REGION, `alias/${unique("golden-ami-unmapped")}`);
    const { distributionConfigurationArn } = await imageBuilder.send(
      new CreateDistributionConfigurationCommand({ name: unique("d"), distributions: [{ region: REGION, amiDistributionConfiguration: { kmsKeyId: key } }] }),
    );
    const image = await buildOf(await recipe([UPDATE_LINUX]), distributionConfigurationArn!);
    expect(image.state!.status).toBe("AVAILABLE");
    const [ami] = (await shared.ec2.send(new DescribeImagesCommand({ ImageIds: [image.outputResources!.amis![0].image!] }))).Images!;
    const [snapshot] = (await shared.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [ami.BlockDeviceMappings![0].Ebs!.SnapshotId!] }))).Snapshots!;
    expect(snapshot.Encrypted).toBe(false);
  });

  it("of a component AWSTOE cannot run is FAILED, with the step and the reason", async () => {
    const broken = DOCUMENT.replace("ExecuteBash", "ExecuteBashh");
    const image = await buildOf(await recipe([await component(unique("broken"), broken)]));
    expect(image.state!.status).toBe("FAILED");
    expect(image.state!.reason).toContain("phase build, step Hello: 'ExecuteBashh' is not an AWSTOE action module");
    expect(image.outputResources).toBeUndefined();
  });

  it("can be cancelled while it runs, and not once it has ended", async () => {
    const recipeArn = await recipe([UPDATE_LINUX]);
    const { imagePipelineArn } = await imageBuilder.send(
      new CreateImagePipelineCommand({ name: unique("p"), imageRecipeArn: recipeArn, infrastructureConfigurationArn: await infrastructure() }),
    );
    const { imageBuildVersionArn } = await imageBuilder.send(new StartImagePipelineExecutionCommand({ imagePipelineArn, clientToken: unique("start") }));
    await imageBuilder.send(new CancelImageCreationCommand({ imageBuildVersionArn, clientToken: unique("cancel") }));
    const image = await waitFor(imageBuildVersionArn!, ["CANCELLED", "AVAILABLE"]);
    expect(image.state!.status).toBe("CANCELLED");
    const again = await failure(imageBuilder.send(new CancelImageCreationCommand({ imageBuildVersionArn, clientToken: unique("cancel") })));
    expect(again.name).toBe("ResourceInUseException");
  });

  it("of a pipeline that does not exist is not started", async () => {
    const error = await failure(
      imageBuilder.send(
        new StartImagePipelineExecutionCommand({
          imagePipelineArn: `arn:aws:imagebuilder:${REGION}:${SHARED}:image-pipeline/nosuch`,
          clientToken: unique("start"),
        }),
      ),
    );
    expect(error.name).toBe("ResourceNotFoundException");
  });
});

async function buildOf(recipeArn: string, distributionConfigurationArn?: string): Promise<Image> {
  const { imagePipelineArn } = await imageBuilder.send(
    new CreateImagePipelineCommand({
      name: unique("p"),
      imageRecipeArn: recipeArn,
      infrastructureConfigurationArn: await infrastructure(),
      distributionConfigurationArn,
    }),
  );
  const { imageBuildVersionArn } = await imageBuilder.send(new StartImagePipelineExecutionCommand({ imagePipelineArn, clientToken: unique("start") }));
  return waitFor(imageBuildVersionArn!, ["AVAILABLE", "FAILED", "CANCELLED"]);
}
