// The arbiter tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/arbiter.ts).
import { arbiterCommands } from "../src/cli/commands/arbiter";
import { registerTasks } from "./lib/common";

registerTasks(arbiterCommands);
