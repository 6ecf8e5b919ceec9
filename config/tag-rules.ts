import { Problem } from "./problems";
import type { Config } from "./schema";
import { stackTags } from "../conventions/names";

/** AWS allows at most 50 user tags per resource (tag policies and EC2 alike). */
const MAX_TAGS_PER_RESOURCE = 50;

// Tags the stacks add themselves, by where they land.
const STACK_TAGS = Object.keys(stackTags(""));
const WORKLOAD_TAGS = [...STACK_TAGS, "Environment", "Workload", "Image", "Name", "Colour"];
const AMI_TAGS = [...STACK_TAGS, "Image", "Recipe", "RecipeVersion", "ParentImage", "SourceCommit"];

/** Every resource's tags, configured and added, stay within AWS's limit. */
export function tagLimitProblems(config: Config): Problem[] {
  const count = (...sets: ReadonlyArray<Iterable<string>>) => new Set(sets.flatMap((s) => [...s])).size;
  const problem = (path: string, total: number, what: string): Problem => ({
    path,
    message: `gives ${what} ${total} tags with the ones the project adds; expected at most ${MAX_TAGS_PER_RESOURCE} (AWS's limit per resource)`,
  });
  return [
    ...config.workloads.flatMap((workload, i) => {
      const total = count(Object.keys(config.tags), Object.keys(workload.tags), WORKLOAD_TAGS);
      return total > MAX_TAGS_PER_RESOURCE ? [problem(`workloads[${i}].tags`, total, `the resources of ${workload.name}`)] : [];
    }),
    ...config.images.flatMap((image, i) => {
      const total = count(Object.keys(config.tags), Object.keys(image.distribution.ami_tags), AMI_TAGS);
      return total > MAX_TAGS_PER_RESOURCE ? [problem(`images[${i}].distribution.ami_tags`, total, `every AMI of ${image.name}`)] : [];
    }),
    ...(count(Object.keys(config.tags), STACK_TAGS, ["Image"]) > MAX_TAGS_PER_RESOURCE
      ? [problem("tags", count(Object.keys(config.tags), STACK_TAGS, ["Image"]), "the shared stack's resources")]
      : []),
  ];
}
