// The time tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/time.ts).
import { timeCommands } from "../src/cli/commands/time";
import { registerTasks } from "./lib/common";

registerTasks(timeCommands);
