// The ride tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/ride.ts).
import { rideCommands } from "../src/cli/commands/ride";
import { registerTasks } from "./lib/common";

registerTasks(rideCommands);
