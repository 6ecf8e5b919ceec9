// The guard against rolling back: a deploy run plans and applies only the commit at the head of its
// branch. "Re-run all jobs" on an old run, or an older run finishing after a newer one, would
// otherwise plan and apply an old commit (Atlantis calls the same check "undiverged").
import { GoldenAmiError } from "../../conventions/errors";

export interface BranchHeadRequest {
  /** The commit this run deploys (GITHUB_SHA). */
  readonly commit: string;
  /** owner/name (GITHUB_REPOSITORY). */
  readonly repository: string;
  readonly branch: string;
  /** A token that may read the repository's contents (the job's GITHUB_TOKEN). */
  readonly token: string;
  /** @default "https://api.github.com" (GITHUB_API_URL on GitHub Enterprise) */
  readonly apiUrl?: string;
}

/** Thrown when the commit is not the branch head, or the head cannot be read: either way, nothing is deployed. */
export class NotBranchHead extends GoldenAmiError {}

/** The branch's head commit, from the GitHub REST API ("Get a reference"). */
export async function branchHead(request: Omit<BranchHeadRequest, "commit">): Promise<string> {
  const url = `${request.apiUrl ?? "https://api.github.com"}/repos/${request.repository}/git/ref/heads/${encodeURIComponent(request.branch)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/vnd.github+json", Authorization: `Bearer ${request.token}`, "X-GitHub-Api-Version": "2022-11-28" },
    });
  } catch (error) {
    throw new NotBranchHead(`cannot read the head of ${request.branch} (${url}): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new NotBranchHead(`cannot read the head of ${request.branch} (${url}): HTTP ${response.status}`);
  const body = (await response.json()) as { object?: { sha?: unknown } };
  const sha = body.object?.sha;
  if (typeof sha !== "string" || !/^[0-9a-f]{40}$/.test(sha)) throw new NotBranchHead(`the head of ${request.branch} answered no commit (${url})`);
  return sha;
}

/** Resolves when `commit` is the branch's head; throws NotBranchHead, naming both commits, otherwise. */
export async function assertBranchHead(request: BranchHeadRequest): Promise<void> {
  const head = await branchHead(request);
  if (head !== request.commit) {
    throw new NotBranchHead(
      `refusing to deploy ${request.commit}: the head of ${request.branch} is ${head}. A re-run of an old run, or a run overtaken by a newer push, would roll back; the newest run deploys.`,
    );
  }
}
