// golden-ami build: run an image's pipeline in the shared account and follow the build to its AMIs.
// The same SDK calls against AWS and the emulator: GetImagePipeline, ListImagePipelineImages,
// StartImagePipelineExecution, GetImage (EC2 Image Builder API reference), with the shared account's
// deploy role (config/roles.ts, the rule the shared stack's provider follows).
import {
  GetImageCommand,
  GetImagePipelineCommand,
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
  StartImagePipelineExecutionCommand,
  type ImageSummary,
} from "@aws-sdk/client-imagebuilder";
import { randomUUID } from "node:crypto";
import { partitionOf } from "../config/roles";
import type { Config, ImageConfig } from "../config/schema";
import { SHARED_STACK_NAME } from "../conventions/names";
import { AwsAccess, stackTarget } from "./aws-access";
import { GoldenAmiError, refuseUnknown, UsageError } from "../conventions/errors";

/** ImageState.status values that end a build (API reference, ImageState). */
const TERMINAL = new Set(["AVAILABLE", "FAILED", "CANCELLED", "DEPRECATED", "DELETED", "DISABLED"]);

export interface BuiltAmi {
  readonly region: string;
  readonly imageId: string;
  readonly name: string;
}

export interface BuildOutcome {
  readonly image: string;
  /** `…:image/<recipe>/<version>/<build>`: the build, as GetImage and the console name it. */
  readonly imageBuildVersionArn: string;
  readonly status: string;
  readonly reason?: string;
  /** Each distribution region's AMI (AVAILABLE only), filtered to `region` when one was asked for. */
  readonly amis: ReadonlyArray<BuiltAmi>;
  /** True when the build had not ended when waiting stopped (timeout or interrupt). */
  readonly stillRunning: boolean;
}

/** Why `build` cannot start or follow a build: shown as it is, exit 1. */
export class BuildRefused extends GoldenAmiError {}

/**
 * The ARN the shared stack's pipeline of an image has: Image Builder ARNs name the resource
 * lower-cased, spaces as hyphens (API reference, ImageBuilderArn).
 */
function pipelineArnOf(config: Config, image: ImageConfig): string {
  const name = image.name.toLowerCase().replace(/ /g, "-");
  return `arn:${partitionOf(config.organization.arn)}:imagebuilder:${config.shared.region}:${config.shared.account_id}:image-pipeline/${name}`;
}

export interface BuildOptions {
  /** Start a build even while one runs. */
  readonly force?: boolean;
  /** Follow the running build instead of starting one. */
  readonly attach?: boolean;
  /** Wait for the end (else return once started). */
  readonly wait?: boolean;
  /** Stop waiting after this long (the build keeps running). */
  readonly timeoutMs: number;
  /** Only this distribution region's AMI in the outcome. */
  readonly region?: string;
  /** Each status seen, once, in order, with the time since waiting began. */
  readonly onStatus?: (status: string, elapsedMs: number) => void;
  /** Aborting stops waiting (Ctrl-C); the build keeps running. */
  readonly signal?: AbortSignal;
  readonly access?: AwsAccess;
  /** Polls start at 1 s and double up to this. @default 15000 */
  readonly maxPollMs?: number;
}

/** The configuration's image of that name, checked to be distributed to `region` when one is asked for. */
export function imageToBuild(config: Config, name: string, region: string | undefined): ImageConfig {
  refuseUnknown(
    [name],
    config.images.map((i) => i.name),
    "image",
  );
  const image = config.images.find((i) => i.name === name)!;
  const regions = image.distribution.regions ?? [config.shared.region];
  if (region && !regions.includes(region))
    throw new UsageError(`option '--region <region>' argument '${region}' is invalid. expected a region ${name} is distributed to: ${regions.join(", ")}`);
  return image;
}

export async function buildImage(config: Config, image: ImageConfig, options: BuildOptions): Promise<BuildOutcome> {
  const access = options.access ?? new AwsAccess("build");
  const imageBuilder = access.client(ImagebuilderClient, stackTarget(config, SHARED_STACK_NAME, "deploy"));
  const pipelineArn = pipelineArnOf(config, image);
  try {
    await imageBuilder.send(new GetImagePipelineCommand({ imagePipelineArn: pipelineArn }));
  } catch (error) {
    if ((error as Error).name !== "ResourceNotFoundException") throw error;
    throw new BuildRefused(
      `the pipeline of ${image.name} (${pipelineArn}) does not exist in account ${config.shared.account_id}, ${config.shared.region}: apply the shared stack first (npx golden-ami plan shared && npx golden-ami apply shared)`,
    );
  }
  const running = await runningBuilds(imageBuilder, pipelineArn);
  let arn: string;
  if (options.attach) {
    if (running.length === 0) throw new BuildRefused(`no build of ${image.name} is running; start one with npx golden-ami build ${image.name}`);
    arn = running[0].arn!;
  } else {
    if (running.length > 0 && !options.force) {
      const build = running[0];
      throw new BuildRefused(
        `a build of ${image.name} is running: ${build.arn} (${build.state?.status}, started ${build.dateCreated}); follow it with npx golden-ami build ${image.name} --attach, or start another with --force`,
      );
    }
    const started = await imageBuilder.send(new StartImagePipelineExecutionCommand({ imagePipelineArn: pipelineArn, clientToken: randomUUID() }));
    arn = started.imageBuildVersionArn!;
  }
  if (!options.wait && !options.attach) return { image: image.name, imageBuildVersionArn: arn, status: "PENDING", amis: [], stillRunning: true };
  return follow(imageBuilder, image.name, arn, options);
}

/** Builds of the pipeline that have not ended, newest first. */
async function runningBuilds(imageBuilder: ImagebuilderClient, pipelineArn: string): Promise<ImageSummary[]> {
  const builds: ImageSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await imageBuilder.send(new ListImagePipelineImagesCommand({ imagePipelineArn: pipelineArn, nextToken }));
    builds.push(...(page.imageSummaryList ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return builds.filter((b) => !TERMINAL.has(b.state?.status ?? "")).sort((a, b) => String(b.dateCreated).localeCompare(String(a.dateCreated)));
}

async function follow(imageBuilder: ImagebuilderClient, imageName: string, arn: string, options: BuildOptions): Promise<BuildOutcome> {
  const began = Date.now();
  const maxPoll = options.maxPollMs ?? 15_000;
  let poll = 1000;
  let last: string | undefined;
  for (;;) {
    let image;
    try {
      ({ image } = await imageBuilder.send(new GetImageCommand({ imageBuildVersionArn: arn }), { abortSignal: options.signal }));
    } catch (error) {
      if (options.signal?.aborted) return { image: imageName, imageBuildVersionArn: arn, status: last ?? "UNKNOWN", amis: [], stillRunning: true };
      throw error;
    }
    const status = image?.state?.status ?? "UNKNOWN";
    if (status !== last) options.onStatus?.(status, Date.now() - began);
    last = status;
    if (TERMINAL.has(status)) {
      const amis = (image?.outputResources?.amis ?? [])
        .filter((ami) => !options.region || ami.region === options.region)
        .map((ami) => ({ region: ami.region!, imageId: ami.image!, name: ami.name! }));
      return { image: imageName, imageBuildVersionArn: arn, status, reason: image?.state?.reason, amis, stillRunning: false };
    }
    const left = options.timeoutMs - (Date.now() - began);
    if (left <= 0 || options.signal?.aborted) return { image: imageName, imageBuildVersionArn: arn, status, amis: [], stillRunning: true };
    await sleep(Math.min(poll, left), options.signal);
    poll = Math.min(poll * 2, maxPoll);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}
