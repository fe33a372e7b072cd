// The driver tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/driver.ts).
import { driverCommands } from "../src/cli/commands/driver";
import { registerTasks } from "./lib/common";

registerTasks(driverCommands);
