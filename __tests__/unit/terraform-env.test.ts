// The environment golden-ami gives Terraform, and how many plans it runs at once.
import { defaultConcurrency } from "../../lib/plan";
import { terraformEnv } from "../../lib/terraform-env";

const GiB = 1024 ** 3;

describe("terraformEnv", () => {
  it("sets Go's GC target for Terraform and its providers (bench/RESULTS.md: ~20% less CPU per plan)", () => {
    expect(terraformEnv({ PATH: "/usr/bin" })).toMatchObject({ PATH: "/usr/bin", GOGC: "400", CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" });
  });

  it("leaves a GOGC the caller set (a runner short of memory can lower it), and treats an empty one as unset", () => {
    expect(terraformEnv({ GOGC: "100" }).GOGC).toBe("100");
    expect(terraformEnv({ GOGC: "off" }).GOGC).toBe("off");
    expect(terraformEnv({ GOGC: "" }).GOGC).toBe("400");
  });
});

describe("defaultConcurrency", () => {
  it("is the number of cores when memory allows it", () => {
    expect(defaultConcurrency(2, 24 * GiB)).toBe(2);
    expect(defaultConcurrency(4, 16 * GiB)).toBe(4);
  });

  it("is bounded by memory: three quarters of it, 700 MiB a plan", () => {
    // 7 GiB (a 2-core GitHub runner) holds 7; 2 GiB holds 2; half a gigabyte still plans, one at a time.
    expect(defaultConcurrency(16, 7 * GiB)).toBe(7);
    expect(defaultConcurrency(8, 2 * GiB)).toBe(2);
    expect(defaultConcurrency(4, 0.5 * GiB)).toBe(1);
  });
});
