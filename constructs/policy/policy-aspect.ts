import { Annotations, IAspect, TerraformDataSource, TerraformResource } from "cdktf";
import { IConstruct } from "constructs";
import { amiLookupByOwner } from "./ami-lookup-by-owner";
import { amiNeverPublic } from "./ami-never-public";
import { ebsEncrypted } from "./ebs-encrypted";
import { imdsv2Required } from "./imdsv2-required";
import { noSshIngress } from "./no-ssh-ingress";
import { PolicyRule } from "./rule";

const GOLDEN_AMI_RULES: ReadonlyArray<PolicyRule> = [amiNeverPublic, imdsv2Required, ebsEncrypted, amiLookupByOwner, noSshIngress];

const SUPPRESSIONS = "golden-ami/policy-suppressions";

/** Exempts one resource from one rule; the reason is required and printed at synth. */
export function suppressRule(resource: IConstruct, ruleId: string, reason: string): void {
  if (reason.trim().length < 10) throw new Error(`suppression of ${ruleId} on ${resource.node.path}: expected a written reason, got "${reason}"`);
  resource.node.addMetadata(SUPPRESSIONS, { ruleId, reason });
}

/** Checks every resource of a stack against the rules; a violation is a synth error naming the resource. */
export class PolicyAspect implements IAspect {
  constructor(private readonly rules: ReadonlyArray<PolicyRule> = GOLDEN_AMI_RULES) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) && !(node instanceof TerraformDataSource)) return;
    const type = node instanceof TerraformDataSource ? `data.${node.terraformResourceType}` : node.terraformResourceType;
    const config = (node.toTerraform() as Record<string, Record<string, Record<string, Record<string, unknown>>>>)[
      node instanceof TerraformDataSource ? "data" : "resource"
    ][node.terraformResourceType][node.friendlyUniqueId];
    const suppressed = node.node.metadata.filter((m) => m.type === SUPPRESSIONS).map((m) => m.data as { ruleId: string; reason: string });
    for (const rule of this.rules) {
      if (rule.check(type, config) !== "non-compliant") continue;
      const suppression = suppressed.find((s) => s.ruleId === rule.id);
      if (suppression) Annotations.of(node).addInfo(`[${rule.id}] suppressed on ${type}.${node.friendlyUniqueId}: ${suppression.reason}`);
      else Annotations.of(node).addError(`[${rule.id}] ${type}.${node.friendlyUniqueId} (${node.node.path}): ${rule.explanation}`);
    }
  }
}
