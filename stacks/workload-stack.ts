import { Fn, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { Config, WorkloadConfig } from "../config/schema";
import { EgressOnlySecurityGroup } from "../constructs/egress-only-security-group";
import { LatestSharedAmi } from "../constructs/latest-shared-ami";
import { RollingLaunchTemplate } from "../constructs/rolling-launch-template";
import { awsProvider, configureState, StateLocation } from "./stack-foundation";

export interface WorkloadStackProps {
  readonly config: Config;
  readonly workload: WorkloadConfig;
  readonly state: StateLocation;
  /** Absolute path of the workload's cloud-init template. @default - no user data */
  readonly userDataTemplate?: string;
}

/** One workload account/region/environment: the newest shared AMI in a launch template. */
export class WorkloadStack extends TerraformStack {
  readonly ami: LatestSharedAmi;
  readonly launchTemplate: RollingLaunchTemplate;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id);
    const { config, workload } = props;
    configureState(this, id, props.state);
    awsProvider(this, {
      region: workload.region,
      roleArn: workload.role_arn,
      sessionName: `golden-ami-${workload.name}`,
      defaultTags: { ...config.tags, ...workload.tags, ManagedBy: "cdktf", Stack: id, Environment: workload.environment },
    });

    this.ami = new LatestSharedAmi(this, "Ami", { imageName: workload.image, ownerAccountId: config.shared.account_id });

    const securityGroupIds = workload.network.security_group_ids ?? [
      new EgressOnlySecurityGroup(this, "SecurityGroup", {
        vpcId: workload.network.vpc_id,
        namePrefix: workload.name,
        description: `Instances of ${workload.name}: no ingress, HTTPS out`,
      }).securityGroup.id,
    ];

    this.launchTemplate = new RollingLaunchTemplate(this, "LaunchTemplate", {
      namePrefix: workload.name,
      imageId: this.ami.imageId,
      instanceType: workload.instance_type,
      rootVolume: {
        deviceName: workload.root_volume.device_name,
        sizeGib: workload.root_volume.size_gib,
        volumeType: workload.root_volume.volume_type,
        kmsKeyId: workload.root_volume.kms_key_arn,
      },
      securityGroupIds,
      userDataBase64: props.userDataTemplate && workload.user_data ? renderUserData(this, props.userDataTemplate, workload.user_data.variables) : undefined,
      tags: { Workload: workload.name, Image: workload.image },
    });

    new TerraformOutput(this, "ami_id", { value: this.ami.imageId, description: "AMI the launch template runs" });
    new TerraformOutput(this, "ami_name", { value: this.ami.imageName });
    new TerraformOutput(this, "launch_template_id", { value: this.launchTemplate.id });
    new TerraformOutput(this, "launch_template_latest_version", { value: this.launchTemplate.latestVersion });
  }
}

/** Terraform renders the template at plan time, so a changed variable is an ordinary diff. */
function renderUserData(scope: Construct, templatePath: string, variables: Record<string, string>): string {
  const asset = new TerraformAsset(scope, "UserDataTemplate", { path: templatePath });
  return Fn.base64encode(Fn.templatefile(asset.path, variables));
}
