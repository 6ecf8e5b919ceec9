// Promotion trusts evidence, not a template version: soak counts from the start of the newest unbroken
// run of launch template versions with the AMI, and with instance refresh from the end of a refresh
// that succeeded. The emulator has no instance refresh, so the Auto Scaling answers here are shaped as
// DescribeInstanceRefreshes returns them (EC2 Auto Scaling API reference, DescribeInstanceRefreshes:
// Status is Pending | InProgress | Successful | Failed | Cancelling | Cancelled | RollbackInProgress |
// RollbackFailed | RollbackSuccessful | Baking).
import type { InstanceRefresh } from "@aws-sdk/client-auto-scaling";
import type { LaunchTemplateVersion } from "@aws-sdk/client-ec2";
import { soakStart } from "../../lib/promote";

const OLD = "ami-0aaaaaaaaaaaaaaa1";
const NEW = "ami-0bbbbbbbbbbbbbbb2";
const version = (n: number, ami: string, created: string): LaunchTemplateVersion => ({
  VersionNumber: n,
  CreateTime: new Date(created),
  LaunchTemplateData: { ImageId: ami },
});
const refresh = (id: string, status: InstanceRefresh["Status"], start: string, end?: string, reason?: string): InstanceRefresh => ({
  InstanceRefreshId: id,
  AutoScalingGroupName: "web-staging",
  Status: status,
  StartTime: new Date(start),
  ...(end ? { EndTime: new Date(end) } : {}),
  ...(reason ? { StatusReason: reason } : {}),
});

const versions = [version(1, OLD, "2026-11-01T00:00:00Z"), version(2, NEW, "2026-11-10T00:00:00Z"), version(3, NEW, "2026-11-11T00:00:00Z")];

describe("soak start, from launch template versions", () => {
  it("counts from the oldest version of the newest unbroken run with the AMI", () => {
    expect(soakStart(versions, undefined, NEW)).toEqual({ since: new Date("2026-11-10T00:00:00Z") });
  });

  it("a rollback and return restarts the count: the earlier run is not evidence for now", () => {
    const returned = [...versions, version(4, OLD, "2026-11-12T00:00:00Z"), version(5, NEW, "2026-11-20T00:00:00Z")];
    expect(soakStart(returned, undefined, NEW)).toEqual({ since: new Date("2026-11-20T00:00:00Z") });
  });

  it("an AMI the newest version does not run has no soak start", () => {
    expect(soakStart(versions, undefined, OLD)).toEqual({ since: undefined });
  });
});

describe("soak start, with instance refresh", () => {
  it("counts from the end of the refresh that rolled the AMI out successfully", () => {
    const refreshes = [
      refresh("r-old", "Successful", "2026-11-01T00:05:00Z", "2026-11-01T00:30:00Z"),
      refresh("r-new", "Successful", "2026-11-10T00:05:00Z", "2026-11-10T02:00:00Z"),
    ];
    expect(soakStart(versions, refreshes, NEW)).toEqual({ since: new Date("2026-11-10T02:00:00Z") });
  });

  it.each([
    ["Failed", "ended Failed (Instance refresh failed: health checks)"],
    ["Cancelled", "ended Cancelled"],
    ["RollbackSuccessful", "ended RollbackSuccessful"],
    ["RollbackFailed", "ended RollbackFailed"],
  ] as const)("refuses when the last refresh %s: the fleet does not run the AMI", (status, expected) => {
    const refreshes = [
      refresh("r-ok", "Successful", "2026-11-10T00:05:00Z", "2026-11-10T02:00:00Z"),
      refresh("r-bad", status, "2026-11-11T00:05:00Z", "2026-11-11T01:00:00Z", status === "Failed" ? "Instance refresh failed: health checks" : undefined),
    ];
    expect(soakStart(versions, refreshes, NEW)).toEqual({
      refused: `its last instance refresh (r-bad, started 2026-11-11T00:05:00.000Z) ${expected}: the fleet does not run ${NEW}`,
    });
  });

  it.each(["InProgress", "Pending", "Baking", "RollbackInProgress", "Cancelling"] as const)("refuses while the last refresh is %s", (status) => {
    const refreshes = [refresh("r-now", status, "2026-11-10T00:05:00Z")];
    expect(soakStart(versions, refreshes, NEW)).toEqual({
      refused: `its last instance refresh (r-now, started 2026-11-10T00:05:00.000Z) is ${status}: ${NEW} has not soaked while it rolls out`,
    });
  });

  it("refuses when no refresh started since the AMI's version: the template changed, the fleet did not", () => {
    const refreshes = [refresh("r-old", "Successful", "2026-11-01T00:05:00Z", "2026-11-01T00:30:00Z")];
    expect(soakStart(versions, refreshes, NEW)).toEqual({
      refused: `no instance refresh has rolled ${NEW} out since its launch template version 2 (2026-11-10T00:00:00.000Z); apply, or wait for the refresh`,
    });
  });
});
