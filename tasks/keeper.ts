// The keeper tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/keeper.ts).
import { keeperCommands } from "../src/cli/commands/keeper";
import { registerTasks } from "./lib/common";

registerTasks(keeperCommands);
