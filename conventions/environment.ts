// The names of the environment variables golden-ami and the app (main.ts) read: spelled here once, for
// the reader (config/environment.ts) and for the code that sets them for a child process (synth).

export const AMI_PIPELINE_CONFIG = "AMI_PIPELINE_CONFIG";
export const AMI_PIPELINE_STATE_DIR = "AMI_PIPELINE_STATE_DIR";
export const AMI_PIPELINE_ROLE_PURPOSE = "AMI_PIPELINE_ROLE_PURPOSE";
export const AMI_PIPELINE_ALLOW_LOCAL_STATE = "AMI_PIPELINE_ALLOW_LOCAL_STATE";
export const AMI_PIPELINE_BOOTSTRAP = "AMI_PIPELINE_BOOTSTRAP";
export const AMI_PIPELINE_COMMIT = "AMI_PIPELINE_COMMIT";
