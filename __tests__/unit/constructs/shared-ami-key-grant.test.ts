import { SharedAmiKeyGrant } from "../../../constructs/shared-ami-key-grant";
import { only, synthBare } from "../../helpers/bare-stack";

const build = (createServiceLinkedRole: boolean) =>
  synthBare(
    (stack) =>
      new SharedAmiKeyGrant(stack, "Grant", {
        keyArn: "arn:aws:kms:eu-west-1:111122223333:alias/golden-ami",
        workloadAccountId: "444455556666",
        partition: "aws",
        grantName: "golden-ami-autoscaling-web",
        createServiceLinkedRole,
      }),
  );

describe("SharedAmiKeyGrant", () => {
  it("grants this account's Auto Scaling service-linked role the key, retirable by this account only", () => {
    const grant = only(build(false), "aws_kms_grant");
    expect(grant).toMatchObject({
      name: "golden-ami-autoscaling-web",
      grantee_principal: "arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
      retiring_principal: "arn:aws:iam::444455556666:root",
      retire_on_delete: true,
    });
    expect(grant.operations).toEqual(expect.arrayContaining(["Decrypt", "GenerateDataKeyWithoutPlaintext", "CreateGrant", "DescribeKey"]));
  });

  it("creates the service-linked role first when asked, and nothing of the kind otherwise", () => {
    const created = build(true);
    expect(only(created, "aws_iam_service_linked_role")).toMatchObject({ aws_service_name: "autoscaling.amazonaws.com" });
    expect(only(created, "aws_kms_grant").depends_on).toEqual([expect.stringMatching(/^aws_iam_service_linked_role\./)]);
    expect(build(false).resource.aws_iam_service_linked_role).toBeUndefined();
  });
});
