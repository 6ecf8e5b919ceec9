import { amiNameFilter, amiNameRegex, amiNameTemplate, parseAmiName, renderAmiName } from "../../conventions/ami-names";

/** EC2's name filter: `*` any run, `?` one character; the rest literal. */
function matchesFilter(filter: string, name: string): boolean {
  const pattern = filter
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${pattern}$`).test(name);
}

/** What the workload's lookup accepts: the server-side filter, then the provider's name_regex. */
function selected(image: string, name: string): boolean {
  return matchesFilter(amiNameFilter(image), name) && new RegExp(amiNameRegex(image)).test(name);
}

describe("AMI naming conventions", () => {
  const built = renderAmiName("sample", 5, new Date("2026-11-22T03:04:05.678Z"));

  it("renders the distribution's template the way Image Builder does", () => {
    expect(amiNameTemplate("sample")).toBe("sample_v{{imagebuilder:buildVersion}}_{{imagebuilder:buildDate}}");
    expect(built).toBe("sample_v5_2026-11-22T03-04-05.678Z");
  });

  it("selects the image's own AMIs", () => {
    expect(selected("sample", built)).toBe(true);
    expect(selected("sample", "sample_v123_2026-01-02T00-00-00.000Z")).toBe(true);
  });

  it.each([
    ["another image whose name extends it", "sample-legacy_v9_2026-12-01T00-00-00.000Z"],
    ["a plural look-alike", "samples_v1_2026-12-01T00-00-00.000Z"],
    ["an image named sample_vx", "sample_vx_v2_2026-12-01T00-00-00.000Z"],
    ["a hand-made copy", "sample_v5_2026-11-22T03-04-05.678Z-copy"],
    ["a build with no number", "sample_v_2026-11-22T03-04-05.678Z"],
  ])("never selects %s (%s)", (_, name) => {
    expect(selected("sample", name)).toBe(false);
  });

  it("escapes regex characters of the image name", () => {
    expect(amiNameRegex("a.b")).toContain("^a\\.b_v");
    expect(selected("a.b", "axb_v1_2026-01-01T00-00-00.000Z")).toBe(false);
  });
});

describe("parseAmiName: the one reading of a build number (fleet, plan report, compare-reviewed)", () => {
  it.each([
    ["sample_v12_2026-11-20T03-04-05.678Z", { image: "sample", build: 12 }],
    ["web_v2_api_v7_2026-11-20T03-04-05.678Z", { image: "web_v2_api", build: 7 }],
    ["sample_vx_2026-11-20T03-04-05.678Z", undefined],
    ["ami-0123456789abcdef0", undefined],
    [undefined, undefined],
  ])("%s → %j", (name, expected) => {
    expect(parseAmiName(name)).toEqual(expected);
  });
});
