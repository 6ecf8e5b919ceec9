import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformResource, TerraformStack, Token } from "cdktf";
import { ConfigError, Problem } from "../config/problems";

/** Resource types whose `name` AWS keeps unique per account and region (IAM: per account). */
const REGIONAL_NAMES = new Set([
  "aws_autoscaling_group",
  "aws_cloudwatch_event_rule",
  "aws_imagebuilder_component",
  "aws_imagebuilder_distribution_configuration",
  "aws_imagebuilder_image_pipeline",
  "aws_imagebuilder_image_recipe",
  "aws_imagebuilder_infrastructure_configuration",
  "aws_imagebuilder_lifecycle_policy",
  "aws_kms_alias",
  "aws_launch_template",
  "aws_lb_target_group",
  "aws_security_group",
  "aws_sns_topic",
  "aws_ssm_parameter",
]);
const ACCOUNT_NAMES = new Set(["aws_iam_role", "aws_iam_instance_profile", "aws_iam_service_linked_role"]);

export interface StackPlacement {
  readonly stack: TerraformStack;
  readonly accountId: string;
  readonly region: string;
}

/**
 * One check across all stacks: no two stacks (or two resources of one) claim the same AWS name in
 * the same account and region. AWS would refuse the second at apply, half-applied, or (target groups,
 * KMS grants) silently hand back the first one. Throws ConfigError before anything is synthesized.
 */
export function checkNameClaims(placements: ReadonlyArray<StackPlacement>): void {
  const claims = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { stack, accountId, region } of placements) {
    for (const resource of stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource)) {
      const type = resource.terraformResourceType;
      const regional = REGIONAL_NAMES.has(type);
      if (!regional && !ACCOUNT_NAMES.has(type)) continue;
      const attributes = Object.values((resource.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource[type])[0];
      const name = type === "aws_iam_service_linked_role" ? attributes.aws_service_name : attributes.name;
      if (typeof name !== "string" || Token.isUnresolved(name) || name.includes("${")) continue;
      const where = regional ? `account ${accountId}, ${(resource.provider as AwsProvider | undefined)?.region ?? region}` : `account ${accountId}`;
      const key = `${where} ${type} ${name}`;
      const owner = `${stack.node.id} (${resource.node.path})`;
      const first = claims.get(key);
      if (first === undefined) claims.set(key, owner);
      else
        problems.push({
          path: `${type} ${JSON.stringify(name)}`,
          message: `claimed by ${first} and by ${owner} in ${where}; expected each name once per ${regional ? "account and region" : "account"} (rename a workload, or set it in one stack only)`,
        });
    }
  }
  if (problems.length > 0) throw new ConfigError("stacks", problems);
}
