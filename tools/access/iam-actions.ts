// Recorded AWS requests (moto's recorder) as the IAM actions AWS would authorize them under.
import type { RecordedRequest } from "../emulator/emulator";

/** `<signing service>:<operation>`; for S3's REST API the action of the request's shape. */
export function iamActionOf(request: RecordedRequest): string {
  const header = (name: string) => Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(header("authorization") ?? "");
  const service = scope?.[1] ?? "unsigned";
  const target = header("x-amz-target");
  if (target) return `${service}:${target.split(".").pop()}`;
  const body = request.body_encoded ? Buffer.from(request.body ?? "", "base64").toString("utf8") : (request.body ?? "");
  const url = new URL(request.url, "http://emulator");
  const action = url.searchParams.get("Action") ?? new URLSearchParams(body).get("Action");
  if (action) return `${service}:${action}`;
  if (service === "s3") return `s3:${s3Action(request.method, url)}`;
  if (service === "imagebuilder") return `imagebuilder:${imageBuilderAction(request.method, url)}`;
  return `${service}:${request.method} ${url.pathname}`;
}

/**
 * Image Builder's REST API names the operation in the path (PUT /CreateComponent, GET /GetImage); tags
 * are /tags/<resource ARN> by method (API reference, TagResource, UntagResource, ListTagsForResource).
 */
function imageBuilderAction(method: string, url: URL): string {
  if (url.pathname.startsWith("/tags/")) return method === "GET" ? "ListTagsForResource" : method === "DELETE" ? "UntagResource" : "TagResource";
  return url.pathname.split("/")[1] || `${method} ${url.pathname}`;
}

/** S3 REST requests by method and path (path-style: /bucket/key). */
function s3Action(method: string, url: URL): string {
  const [, , ...key] = url.pathname.split("/");
  const onObject = key.join("/") !== "";
  if (method === "GET" || method === "HEAD") return onObject ? "GetObject" : "ListBucket";
  if (method === "PUT") return onObject ? "PutObject" : "CreateBucket";
  if (method === "DELETE") return onObject ? "DeleteObject" : "DeleteBucket";
  return `${method} ${onObject ? "object" : "bucket"}`;
}

/** The distinct IAM actions of some requests, sorted. */
export function iamActions(requests: ReadonlyArray<RecordedRequest>): string[] {
  return [...new Set(requests.map(iamActionOf))].sort();
}
