import { PolicyRule } from "./rule";

/** An AMI lookup without an owner can pick anybody's public AMI of the same name. */
export const amiLookupByOwner: PolicyRule = {
  id: "GAMI-AMI-OWNER",
  explanation: "Filter every AMI lookup by owner account id (owners = [the shared account]); a name alone can match someone else's public AMI.",
  check(type, config) {
    if (type !== "data.aws_ami" && type !== "data.aws_ami_ids") return "not-applicable";
    const owners = (config.owners as string[] | undefined) ?? [];
    return owners.length > 0 && owners.every((o) => /^\d{12}$/.test(o) || o.startsWith("${")) ? "compliant" : "non-compliant";
  },
};
