// The gov tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/gov.ts).
import { govCommands } from "../src/cli/commands/gov";
import { registerTasks } from "./lib/common";

registerTasks(govCommands);
