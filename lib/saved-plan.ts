// A saved plan belongs to one stack. Terraform applies a saved plan with the configuration and backend
// recorded inside it, whatever directory it lies in: web-staging's plan copied into web-production/
// would change web-staging. So before anything is applied, each plan is read (a saved plan is a zip
// holding the configuration it was made from, tfconfig/m-/cdk.tf.json) and must be the plan of that
// stack: cdktf's stack name, a state file named after the stack, and the very configuration
// synthesized in the directory (same backend, same provider accounts and roles).
import AdmZip from "adm-zip";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

import { STACK_FILES } from "../conventions/names";
import { GoldenAmiError } from "../conventions/errors";

/** Where Terraform keeps the root module's configuration inside a saved plan. */
const ROOT_MODULE_CONFIG = "tfconfig/m-/cdk.tf.json";

export class SavedPlanRefused extends GoldenAmiError {}

interface StackJson {
  readonly "//"?: { readonly metadata?: { readonly stackName?: string } };
  readonly terraform?: { readonly backend?: Record<string, Record<string, unknown>> };
}

/** Throws SavedPlanRefused, naming the stack and the reason, unless `dir/plan` is a saved plan of `stack` made from `dir/cdk.tf.json`. */
export function checkSavedPlan(stack: string, dir: string): void {
  const planFile = join(dir, STACK_FILES.savedPlan);
  if (existsSync(join(dir, STACK_FILES.planError))) throw new SavedPlanRefused(`${stack}: its plan failed (${STACK_FILES.planError}); plan it again`);
  if (!existsSync(planFile)) throw new SavedPlanRefused(`${stack}: no saved plan; run \`golden-ami plan\` first`);
  const embedded = embeddedConfiguration(stack, planFile);
  const planned = parseStack(stack, embedded, `the configuration inside ${planFile}`);
  const madeFor = planned["//"]?.metadata?.stackName;
  if (madeFor !== stack) throw new SavedPlanRefused(`${stack}: the saved plan was made for stack "${madeFor ?? "(none)"}", not for ${stack}`);
  const stateName = stateFileOf(planned);
  // S3: <prefix>/<stack>.tfstate; local: terraform.<stack>.tfstate (stacks/stack-foundation.ts).
  if (!stateName || ![`${stack}.tfstate`, `terraform.${stack}.tfstate`].includes(basename(stateName))) {
    throw new SavedPlanRefused(`${stack}: the saved plan writes state "${stateName ?? "(no backend)"}", which is not ${stack}'s state`);
  }
  const synthesized = readFileSync(join(dir, "cdk.tf.json"), "utf8");
  if (embedded !== synthesized) {
    throw new SavedPlanRefused(
      `${stack}: the saved plan was made from another configuration than ${join(dir, "cdk.tf.json")} (synthesized again since, or copied from elsewhere); plan again`,
    );
  }
}

function embeddedConfiguration(stack: string, planFile: string): string {
  let entry;
  try {
    entry = new AdmZip(planFile).getEntry(ROOT_MODULE_CONFIG);
  } catch (error) {
    throw new SavedPlanRefused(`${stack}: ${planFile} is not a Terraform saved plan (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!entry) throw new SavedPlanRefused(`${stack}: ${planFile} holds no ${ROOT_MODULE_CONFIG}; it is not a saved plan of a cdktf stack`);
  return entry.getData().toString("utf8");
}

function parseStack(stack: string, text: string, what: string): StackJson {
  try {
    return JSON.parse(text) as StackJson;
  } catch {
    throw new SavedPlanRefused(`${stack}: ${what} is not JSON`);
  }
}

/** The state's file name or key from the backend block: local `path`, S3 `key`. */
function stateFileOf(stack: StackJson): string | undefined {
  const [backend] = Object.values(stack.terraform?.backend ?? {});
  const name = backend?.key ?? backend?.path;
  return typeof name === "string" ? name : undefined;
}
