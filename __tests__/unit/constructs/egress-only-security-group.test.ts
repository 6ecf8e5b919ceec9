import { EgressOnlySecurityGroup } from "../../../constructs/egress-only-security-group";
import { only, synthBare } from "../../helpers/bare-stack";

describe("EgressOnlySecurityGroup", () => {
  const group = only(
    synthBare((stack) => new EgressOnlySecurityGroup(stack, "Group", { vpcId: "vpc-0123456789abcdef0", namePrefix: "web", description: "web instances" })),
    "aws_security_group",
  );

  it("admits nothing in: instances are reached through SSM", () => {
    expect(group.ingress).toEqual([]);
  });

  it("lets out HTTPS only, over IPv4 and IPv6", () => {
    expect(group.egress).toEqual([
      expect.objectContaining({ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] }),
    ]);
  });

  it("is replaced before it is destroyed, under a generated name", () => {
    expect(group).toMatchObject({ name_prefix: "web-", vpc_id: "vpc-0123456789abcdef0", lifecycle: { create_before_destroy: true } });
  });
});
