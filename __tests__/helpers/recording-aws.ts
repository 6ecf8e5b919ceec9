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
  /** What ec2:DescribeImages answers (those asked for by id, else every one): none unless a test sets them. */
  images: { id: string; name: string; state?: string }[];
  /** Role ARNs whose AssumeRole is answered AccessDenied. */
  denyAssume: Set<string>;
  /** Role names iam:GetRole answers NoSuchEntity for. */
  missingRoles: Set<string>;
  /** Actions iam:SimulatePrincipalPolicy answers implicitDeny for (every other: allowed). */
  simulatorDenies: Set<string>;
  /** S3 objects by "bucket/key" (path-style requests): GetObject and ListObjectsV2 answer from here. */
  s3Objects: Map<string, string>;
  /** `env` pointed at this endpoint, with the environment's own (dummy) credentials. */
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const ENVIRONMENT_KEY = "AKIAENVIRONMENT00001";

export async function startRecordingAws(): Promise<RecordingAws> {
  const calls: RecordedCall[] = [];
  const self = {
    images: [] as RecordingAws["images"],
    denyAssume: new Set<string>(),
    missingRoles: new Set<string>(),
    simulatorDenies: new Set<string>(),
    s3Objects: new Map<string, string>(),
  };
  const roleByKey = new Map<string, string>();
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? "");
    const [accessKey, region, service] = scope ? [scope[1], scope[2], scope[3]] : ["", "", "unsigned"];
    const form = new URLSearchParams(body);
    const action = form.get("Action") ?? `${request.method} ${request.url}`;
    const identity = roleByKey.get(accessKey) ?? (accessKey === ENVIRONMENT_KEY ? "environment" : `unknown key ${accessKey}`);
    const target = request.headers["x-amz-target"];
    if (typeof target === "string") {
      // JSON protocols (KMS): the operation is the header's last part.
      const operation = target.split(".").pop()!;
      calls.push({ service, action: operation, identity, region });
      const answer =
        operation === "DescribeKey"
          ? { KeyMetadata: { KeyId: "k", Arn: `arn:aws:kms:${region}:111122223333:key/k` } }
          : operation === "ListGrants"
            ? { Grants: [] }
            : {};
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      return response.end(JSON.stringify(answer));
    }
    if (service === "sts" && action === "AssumeRole") {
      const roleArn = form.get("RoleArn") ?? "";
      if (self.denyAssume.has(roleArn)) {
        calls.push({ service, action, identity, region, roleArn });
        return error(response, 403, "AccessDenied", `User: ${identity} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      const key = `ASIA${String(roleByKey.size).padStart(16, "0")}`;
      roleByKey.set(key, roleArn);
      calls.push({ service, action, identity, region, roleArn, sessionName: form.get("RoleSessionName") ?? undefined });
      return xml(response, assumeRoleAnswer(key, roleArn));
    }
    calls.push({ service, action, identity, region });
    if (service === "sts" && action === "GetCallerIdentity") {
      const account = /::(\d{12}):/.exec(identity)?.[1] ?? "000000000000";
      return xml(
        response,
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Account>${account}</Account><Arn>${identity}</Arn><UserId>u</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`,
      );
    }
    if (service === "iam" && action === "GetRole") {
      const name = form.get("RoleName") ?? "";
      if (self.missingRoles.has(name)) return error(response, 404, "NoSuchEntity", `The role with name ${name} cannot be found.`);
    }
    if (service === "iam" && action === "SimulatePrincipalPolicy") {
      const actions = [...form.entries()].filter(([k]) => k.startsWith("ActionNames.member.")).map(([, v]) => v);
      const members = actions
        .map(
          (a) =>
            `<member><EvalActionName>${a}</EvalActionName><EvalDecision>${self.simulatorDenies.has(a) ? "implicitDeny" : "allowed"}</EvalDecision></member>`,
        )
        .join("");
      return xml(
        response,
        `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><EvaluationResults>${members}</EvaluationResults><IsTruncated>false</IsTruncated></SimulatePrincipalPolicyResult></SimulatePrincipalPolicyResponse>`,
      );
    }
    if (service === "s3") {
      const url = new URL(request.url ?? "/", "http://fake");
      const [, bucket, ...rest] = url.pathname.split("/").map(decodeURIComponent);
      const key = rest.join("/");
      if (request.method === "GET" && key === "" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const keys = [...self.s3Objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1));
        const contents = keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join("");
        return xml(
          response,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
      }
      const object = self.s3Objects.get(`${bucket}/${key}`);
      if (request.method === "GET" && object !== undefined) {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        return response.end(object);
      }
      response.writeHead(404, { "content-type": "application/xml" });
      return response.end("<Error><Code>NoSuchKey</Code><Message>none</Message></Error>");
    }
    const namespace = service === "ec2" ? "http://ec2.amazonaws.com/doc/2016-11-15/" : "http://autoscaling.amazonaws.com/doc/2011-01-01/";
    // DescribeImages by ImageId.N answers those images only, as EC2 does.
    const askedIds = [...form.entries()].filter(([k]) => k.startsWith("ImageId.")).map(([, v]) => v);
    const images = self.images
      .filter((i) => askedIds.length === 0 || askedIds.includes(i.id))
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

function error(response: import("node:http").ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { "content-type": "text/xml" });
  response.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
}

function xml(response: import("node:http").ServerResponse, text: string): void {
  response.writeHead(200, { "content-type": "text/xml" });
  response.end(text);
}

function assumeRoleAnswer(accessKey: string, roleArn: string): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${accessKey}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:session</AssumedRoleId><Arn>${roleArn}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}
