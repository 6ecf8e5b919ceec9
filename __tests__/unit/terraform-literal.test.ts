// Configuration text is data: Terraform must never evaluate "${…}" or "%{…}" found in it.
import { terraformLiteral, terraformLiterals } from "../../constructs/terraform-literal";
import { exampleRaw, RawConfig, resourcesOf, synthAll } from "../helpers/example";

const HOSTILE = '${file("/etc/hostname")} %{ if true }x%{ endif }';
const ESCAPED = '$${file("/etc/hostname")} %%{ if true }x%%{ endif }';

describe("terraformLiteral", () => {
  it("escapes template openings and leaves everything else alone", () => {
    expect(terraformLiteral(HOSTILE)).toBe(ESCAPED);
    expect(terraformLiteral("echo $HOME ${HOME} ${f%.conf} 100%")).toBe("echo $HOME $${HOME} $${f%.conf} 100%");
    // An already escaped opening stays literal too: Terraform reads "$$${" back as "$${".
    expect(terraformLiteral("$${x}")).toBe("$$${x}");
  });

  it("escapes every string of a value, keys included", () => {
    expect(terraformLiterals({ [HOSTILE]: [HOSTILE, 1, true, null] })).toEqual({ [ESCAPED]: [ESCAPED, 1, true, null] });
  });
});

describe("configuration strings in the synthesized stacks", () => {
  const raw: RawConfig = exampleRaw();
  raw.tags.Hostile = HOSTILE;
  raw.images[0].description = HOSTILE;
  raw.images[0].components[0].parameters = { Greeting: HOSTILE };
  raw.images[0].distribution.ami_tags.Note = HOSTILE;
  raw.workloads[0].tags = { Hostile: HOSTILE };
  raw.workloads[0].user_data.variables.log_level = HOSTILE;
  const stacks = synthAll(raw);

  it("reach cdk.tf.json escaped wherever they land: tags, descriptions, parameters, AMI tags, user-data variables", () => {
    expect(JSON.parse(stacks.shared).provider.aws[0].default_tags[0].tags.Hostile).toBe(ESCAPED);
    const [recipe] = resourcesOf(stacks.shared, "aws_imagebuilder_image_recipe");
    expect(recipe.description).toBe(ESCAPED);
    expect(JSON.stringify(recipe.component)).toContain(JSON.stringify(ESCAPED));
    const [distribution] = resourcesOf(stacks.shared, "aws_imagebuilder_distribution_configuration");
    expect(JSON.stringify(distribution.distribution)).toContain(JSON.stringify(ESCAPED));
    expect(JSON.parse(stacks["web-staging"]).provider.aws[0].default_tags[0].tags.Hostile).toBe(ESCAPED);
    expect(JSON.parse(stacks["web-staging"]).locals.user_data_variables.log_level).toBe(ESCAPED);
  });

  it("leaves no unescaped template opening from the configuration anywhere", () => {
    for (const stack of Object.values(stacks)) expect(stack).not.toMatch(/(?<![$])\$\{file|(?<!%)%\{ if/);
  });

  it("escapes component documents: shell variables stay shell variables", () => {
    for (const component of resourcesOf(synthAll().shared, "aws_imagebuilder_component")) {
      expect(component.data).not.toMatch(/(?<![$])\$\{|(?<!%)%\{/);
    }
  });
});
