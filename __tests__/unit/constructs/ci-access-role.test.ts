import { CiAccessRole } from "../../../constructs/ci-access-role";
import { only, synthBare } from "../../helpers/bare-stack";

describe("CiAccessRole", () => {
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DescribeImages", Resource: "*" }] };
  const synthesized = synthBare(
    (stack) =>
      new CiAccessRole(stack, "Plan", {
        roleName: "golden-ami-plan",
        description: "plans",
        trustedBy: ["arn:aws:iam::111122223333:role/golden-ami-ci-plan"],
        policy,
      }),
  );

  it("is assumable by the named CI principals only, for an hour at most", () => {
    const role = only(synthesized, "aws_iam_role");
    expect(role.max_session_duration).toBe(3600);
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111122223333:role/golden-ami-ci-plan"] }, Action: "sts:AssumeRole" }],
    });
  });

  it("holds exactly the policy it is given, inline", () => {
    expect(JSON.parse(only(synthesized, "aws_iam_role_policy").policy as string)).toEqual(policy);
  });
});
