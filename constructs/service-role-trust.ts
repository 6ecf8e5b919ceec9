/** The trust policy of a role that an AWS service assumes, such as ec2.amazonaws.com. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
}
