// Closed sets of values AWS takes, named once: the configuration's schema offers exactly these and the
// constructs' props are typed by them, so a value one accepts the other cannot refuse.

/** EBS volume types (EC2 API reference, EbsBlockDevice VolumeType). */
export const EBS_VOLUME_TYPES = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"] as const;
export type EbsVolumeType = (typeof EBS_VOLUME_TYPES)[number];

/** When an Image Builder pipeline's schedule starts a build (Image Builder API reference, Schedule). */
export const PIPELINE_START_CONDITIONS = ["EXPRESSION_MATCH_ONLY", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"] as const;
export type PipelineStartCondition = (typeof PIPELINE_START_CONDITIONS)[number];
