import { asList, PolicyRule } from "./rule";

/** AMIs are shared with the organization, OUs or accounts, never with everyone. */
export const amiNeverPublic: PolicyRule = {
  id: "GAMI-AMI-NOT-PUBLIC",
  explanation: 'AMIs must never be public: remove launch permission group "all"; share with the organization, OU ARNs or account ids.',
  check(type, config) {
    if (type === "aws_imagebuilder_distribution_configuration") {
      const groups = asList(config.distribution)
        .flatMap((d) => asList(d.ami_distribution_configuration))
        .flatMap((a) => asList(a.launch_permission))
        .flatMap((p) => (p.user_groups as string[] | undefined) ?? []);
      return groups.includes("all") ? "non-compliant" : "compliant";
    }
    if (type === "aws_ami_launch_permission") return config.group === "all" ? "non-compliant" : "compliant";
    return "not-applicable";
  },
};
