// The constructs' public surface: what a stack (ours, or a platform team's own) builds golden AMIs and
// fleets from. Each construct's file holds its props and its helpers; what is not listed here is theirs.

// The shared account: pipelines, the key AMIs are encrypted with, lifecycle and notifications.
export { GoldenImagePipeline } from "./golden-image-pipeline";
export type { GoldenImagePipelineProps, LaunchPermissions, PipelineComponent, PipelineSchedule, RecipeBlockDevice } from "./golden-image-pipeline";
export { ImageBuilderInstanceProfile } from "./image-builder-instance-profile";
export type { ImageBuilderInstanceProfileProps } from "./image-builder-instance-profile";
export { SharedAmiKey } from "./shared-ami-key";
export type { SharedAmiKeyProps } from "./shared-ami-key";
export { ImageLifecyclePolicy, LifecycleExecutionRole } from "./image-lifecycle";
export type { ImageLifecyclePolicyProps } from "./image-lifecycle";
export { RetainedAmis } from "./retained-amis";
export type { RetainedAmisProps } from "./retained-amis";
export { ImageBuilderNotifications } from "./image-builder-notifications";
export type { ImageBuilderNotificationsProps } from "./image-builder-notifications";

// A workload account: the AMI it runs, the key grant that lets it, and the fleet.
export { LatestSharedAmi, PinnedSharedAmi } from "./latest-shared-ami";
export type { AmiSharing, PinnedSharedAmiProps, SharedAmiProps } from "./latest-shared-ami";
export { SharedAmiKeyGrant } from "./shared-ami-key-grant";
export type { SharedAmiKeyGrantProps } from "./shared-ami-key-grant";
export { RollingLaunchTemplate } from "./rolling-launch-template";
export type { RollingLaunchTemplateProps, RootVolume } from "./rolling-launch-template";
export { RollingAutoScalingGroup } from "./rolling-auto-scaling-group";
export type { InstanceRefreshProps, RollingAutoScalingGroupProps } from "./rolling-auto-scaling-group";
export { BlueGreenFleet } from "./blue-green-fleet";
export type { BlueGreenFleetProps, Colour, ColourProps, Traffic } from "./blue-green-fleet";
export { EgressOnlySecurityGroup } from "./egress-only-security-group";
export type { EgressOnlySecurityGroupProps } from "./egress-only-security-group";

// Every account: the CI roles (bootstrap stacks) and the policy rules every stack is checked against.
export { CiAccessRole } from "./ci-access-role";
export type { CiAccessRoleProps } from "./ci-access-role";
export { PolicyAspect } from "./policy/policy-aspect";
