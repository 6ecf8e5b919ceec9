// A fact of the offline build machines, not of the product: the filesystem mirror that holds the AWS
// provider. lib/terraform-env.ts points `terraform init` at it when it exists (TF_PLUGIN_MIRROR overrides).
export const DEFAULT_PLUGIN_MIRROR = "/opt/tf-plugins";
