import { asList, PolicyRule } from "./rule";

/** Instances are reached through SSM; port 22 is never open. */
export const noSshIngress: PolicyRule = {
  id: "GAMI-NO-SSH",
  explanation: "Do not open SSH (port 22) in security groups: build and workload instances are managed through SSM Session Manager.",
  check(type, config) {
    const rules =
      type === "aws_security_group"
        ? asList(config.ingress)
        : type === "aws_vpc_security_group_ingress_rule" || (type === "aws_security_group_rule" && config.type === "ingress")
          ? [config]
          : undefined;
    if (!rules) return "not-applicable";
    const opensSsh = rules.some((r) => {
      if (r.protocol === "-1" || r.ip_protocol === "-1") return true;
      const from = Number(r.from_port ?? 0);
      const to = Number(r.to_port ?? from);
      return from <= 22 && 22 <= to;
    });
    return opensSsh ? "non-compliant" : "compliant";
  },
};
