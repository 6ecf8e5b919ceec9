// npm run emulator -- --port 4566: the emulated organization in the foreground, for anyone to point the
// AWS CLI or an SDK at. Prints the endpoint, accounts, OUs and roles as JSON, then serves until Ctrl-C.
import { Command, CommanderError, InvalidArgumentError } from "@commander-js/extra-typings";
import { Emulator, EmulatorPortInUse } from "./emulator";

const program = new Command("emulator")
  .description("Start the emulated AWS Organization (moto and its corrections) in the foreground and print its accounts as JSON.")
  .option("--port <port>", "port to listen on (127.0.0.1)", (value) => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`got "${value}", expected a port number from 1 to 65535`);
    return port;
  })
  .option("--region <region>", "default region of the printed environment", "ap-northeast-1")
  .addHelpText(
    "after",
    "\nExample:\n  npm run emulator -- --port 4566\n  AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… aws sts get-caller-identity",
  )
  .action(async (options) => {
    let emulator: Emulator;
    try {
      emulator = await Emulator.start({ region: options.region, port: options.port, log: (line) => console.error(line) });
    } catch (error) {
      if (error instanceof EmulatorPortInUse) {
        console.error(error.message);
        process.exit(2);
      }
      throw error;
    }
    const { administrator, ...organization } = emulator.organization;
    console.log(
      JSON.stringify(
        {
          endpoint: emulator.endpoint,
          environment: {
            AWS_ENDPOINT_URL: emulator.endpoint,
            AWS_ACCESS_KEY_ID: administrator.access_key_id,
            AWS_SECRET_ACCESS_KEY: administrator.secret_access_key,
            AWS_REGION: options.region,
          },
          administrator: administrator.arn,
          ...organization,
        },
        null,
        2,
      ),
    );
    console.error("Serving until Ctrl-C. Reach an account by assuming its access_role_arn with the administrator's keys.");
    const stop = () => void emulator.stop().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

program
  .exitOverride()
  .parseAsync()
  .catch((error: unknown) => {
    // A wrong option or value: commander has printed it in one line; exit 2, as every project command does.
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
