import { boundedName } from "../../../constructs/aws-names";
import { serviceTrustPolicy } from "../../../constructs/service-role-trust";

describe("boundedName", () => {
  it("keeps a name that fits", () => {
    expect(boundedName("web-staging", 32)).toBe("web-staging");
  });

  it("shortens a long name to the limit, keeping its beginning and a hash of the whole", () => {
    const a = boundedName(`golden-ami-${"a".repeat(40)}-blue`, 32);
    const b = boundedName(`golden-ami-${"a".repeat(40)}-green`, 32);
    expect(a.length).toBeLessThanOrEqual(32);
    expect(a.startsWith("golden-ami-aaaa")).toBe(true);
    expect(a).not.toBe(b);
  });
});

describe("serviceTrustPolicy", () => {
  it("lets exactly one AWS service assume the role", () => {
    expect(JSON.parse(serviceTrustPolicy("ec2.amazonaws.com"))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });
});
