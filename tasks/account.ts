// The account tasks: thin wrappers over the commands `ridecoop` runs (src/cli/commands/account.ts).
import { accountCommands } from "../src/cli/commands/account";
import { registerTasks } from "./lib/common";

registerTasks(accountCommands);
