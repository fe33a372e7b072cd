// The rider tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/rider.ts).
import { riderCommands } from "../src/cli/commands/rider";
import { registerTasks } from "./lib/common";

registerTasks(riderCommands);
