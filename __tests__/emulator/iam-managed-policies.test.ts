// AWS managed policies exist in every account (corrections/iam_managed_policies.py; IAM user guide,
// "AWS managed policies"): the shared stack attaches EC2InstanceProfileForImageBuilder to its build role.
import { AttachRolePolicyCommand, GetPolicyCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { SHARED, SANDBOX, createRole, failure, freshOrganization } from "./accounts";

const PROFILE_POLICY = "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder";

it("an AWS managed policy attaches in any account and reads back as AWS's", async () => {
  const { admin } = await freshOrganization();
  for (const account of [SHARED, SANDBOX]) {
    const { iam } = await admin(account);
    await createRole(iam, "builder", `arn:aws:iam::${account}:root`, []);
    await iam.send(new AttachRolePolicyCommand({ RoleName: "builder", PolicyArn: PROFILE_POLICY }));
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "builder" }));
    expect(AttachedPolicies).toEqual([{ PolicyName: "EC2InstanceProfileForImageBuilder", PolicyArn: PROFILE_POLICY }]);
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: PROFILE_POLICY }));
    expect(Policy).toMatchObject({ Arn: PROFILE_POLICY, Path: "/" });
  }
});

it("a managed policy AWS does not have is NoSuchEntity", async () => {
  const { admin } = await freshOrganization();
  const { iam } = await admin(SHARED);
  await createRole(iam, "builder", `arn:aws:iam::${SHARED}:root`, []);
  const error = await failure(iam.send(new AttachRolePolicyCommand({ RoleName: "builder", PolicyArn: "arn:aws:iam::aws:policy/NoSuchManagedPolicy" })));
  expect(error.name).toBe("NoSuchEntityException");
});
