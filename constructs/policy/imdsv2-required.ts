import { asList, PolicyRule } from "./rule";

/** Instance metadata only through IMDSv2 session tokens, on workloads and on build instances. */
export const imdsv2Required: PolicyRule = {
  id: "GAMI-IMDSV2",
  explanation:
    'Require IMDSv2: set http_tokens = "required" (metadata_options of launch templates, instance_metadata_options of Image Builder infrastructure).',
  check(type, config) {
    const requiresTokens = (block: unknown) => (asList(block)[0]?.http_tokens === "required" ? "compliant" : "non-compliant");
    if (type === "aws_launch_template") return requiresTokens(config.metadata_options);
    if (type === "aws_imagebuilder_infrastructure_configuration") return requiresTokens(config.instance_metadata_options);
    return "not-applicable";
  },
};
