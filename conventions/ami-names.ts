/**
 * The one place that knows how AMIs of an image are named. The shared stack's distribution
 * configuration, the workload's lookup and the test publisher all derive from it, so the lookup
 * matches exactly what the pipeline produces.
 */

/** AMI name template handed to Image Builder's distribution configuration. */
export function amiNameTemplate(imageName: string): string {
  return `${imageName}_v{{imagebuilder:buildVersion}}_{{imagebuilder:buildDate}}`;
}

/** EC2 `name` filter (wildcards only): narrows the search server-side. */
export function amiNameFilter(imageName: string): string {
  return `${imageName}_v*_*`;
}

/**
 * Regular expression (RE2, as the provider's `name_regex` uses) for the full name: build number
 * and build date, so `sample_vx_…` or a wildcard match from another image never wins.
 */
export function amiNameRegex(imageName: string): string {
  return `^${escapeRegex(imageName)}_v[0-9]+_[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9][0-9.:-]*Z$`;
}

/**
 * The image and build number of an AMI name `<image>_v<build>_<date>` (the last `_v<n>_`: an image
 * name may hold one itself); undefined for any other name.
 */
export function parseAmiName(name: string | undefined): { image: string; build: number } | undefined {
  const match = name === undefined ? null : /^(.+)_v(\d+)_[^_]*$/.exec(name);
  return match ? { image: match[1], build: Number(match[2]) } : undefined;
}

/** The name Image Builder gives build `buildVersion` finished at `buildDate`. */
export function renderAmiName(imageName: string, buildVersion: number, buildDate: Date): string {
  const date = buildDate.toISOString().replace(/:/g, "-");
  return `${imageName}_v${buildVersion}_${date}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface ProvenanceProps {
  readonly imageName: string;
  readonly recipeVersion: string;
  /** The parent image as configured (AMI id, image ARN or managed image name). */
  readonly parentImage: string;
  /** Commit that built the image. @default - no SourceCommit tag */
  readonly commit?: string;
}

/** Tags that say where an AMI comes from; applied by the distribution configuration. */
export function provenanceTags(props: ProvenanceProps): Record<string, string> {
  return {
    Image: props.imageName,
    Recipe: `${props.imageName}/${props.recipeVersion}`,
    RecipeVersion: props.recipeVersion,
    ParentImage: props.parentImage,
    ...(props.commit ? { SourceCommit: props.commit } : {}),
  };
}

/** SSM parameter in which a workload publishes the AMI it runs, for environments that follow it. */
export function amiParameterName(imageName: string, environment: string): string {
  return `/golden-ami/${imageName}/${environment}`;
}
