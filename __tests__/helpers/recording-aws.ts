// A local AWS endpoint that records which identity signed each call: STS AssumeRole hands out one
// access key per role, so every later EC2, Auto Scaling or S3 call is attributed to the role whose
// credentials signed it. It answers with empty results (and `true` for writes): enough for the CLI's
// commands to run through, and to pin the account and role each of them uses.
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";

export interface RecordedCall {
  readonly service: string;
  readonly action: string;
  /** The role ARN whose assumed credentials signed the call, or "environment". */
  readonly identity: string;
  readonly region: string;
  /** For AssumeRole: the role asked for and the session name. */
  readonly roleArn?: string;
  readonly sessionName?: string;
}

export interface RecordingAws {
  readonly endpoint: string;
  readonly calls: RecordedCall[];
  /** What ec2:DescribeImages answers (every image, whatever the filters): none unless a test sets them. */
  images: { id: string; name: string; state?: string }[];
  /** `env` pointed at this endpoint, with the environment's own (dummy) credentials. */
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const ENVIRONMENT_KEY = "AKIAENVIRONMENT00001";

export async function startRecordingAws(): Promise<RecordingAws> {
  const calls: RecordedCall[] = [];
  const self = { images: [] as RecordingAws["images"] };
  const roleByKey = new Map<string, string>();
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? "");
    const [accessKey, region, service] = scope ? [scope[1], scope[2], scope[3]] : ["", "", "unsigned"];
    const form = new URLSearchParams(body);
    const action = form.get("Action") ?? `${request.method} ${request.url}`;
    const identity = roleByKey.get(accessKey) ?? (accessKey === ENVIRONMENT_KEY ? "environment" : `unknown key ${accessKey}`);
    if (service === "sts" && action === "AssumeRole") {
      const roleArn = form.get("RoleArn") ?? "";
      const key = `ASIA${String(roleByKey.size).padStart(16, "0")}`;
      roleByKey.set(key, roleArn);
      calls.push({ service, action, identity, region, roleArn, sessionName: form.get("RoleSessionName") ?? undefined });
      return xml(response, assumeRoleAnswer(key, roleArn));
    }
    calls.push({ service, action, identity, region });
    if (service === "s3") {
      response.writeHead(404, { "content-type": "application/xml" });
      return response.end("<Error><Code>NoSuchKey</Code><Message>none</Message></Error>");
    }
    const namespace = service === "ec2" ? "http://ec2.amazonaws.com/doc/2016-11-15/" : "http://autoscaling.amazonaws.com/doc/2011-01-01/";
    const images = self.images
      .map((i) => `<item><imageId>${i.id}</imageId><name>${i.name}</name><imageState>${i.state ?? "available"}</imageState></item>`)
      .join("");
    const result =
      service !== "ec2"
        ? `<${action}Result/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>`
        : action === "DescribeImages"
          ? `<requestId>r</requestId><imagesSet>${images}</imagesSet>`
          : `<requestId>r</requestId><return>true</return>`;
    return xml(response, `<${action}Response xmlns="${namespace}">${result}</${action}Response>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(self, {
    endpoint,
    calls,
    env: (base = process.env) => ({
      ...base,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: ENVIRONMENT_KEY,
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
    }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk));
    request.on("end", () => resolve(text));
  });
}

function xml(response: import("node:http").ServerResponse, text: string): void {
  response.writeHead(200, { "content-type": "text/xml" });
  response.end(text);
}

function assumeRoleAnswer(accessKey: string, roleArn: string): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${accessKey}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:session</AssumedRoleId><Arn>${roleArn}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}
