import type { CommandSpec } from "../command";
import { accountCommands } from "./account";
import { arbiterCommands } from "./arbiter";
import { driverCommands } from "./driver";
import { govCommands } from "./gov";
import { keeperCommands } from "./keeper";
import { rideCommands } from "./ride";
import { riderCommands } from "./rider";
import { timeCommands } from "./time";

export { accountCommands, arbiterCommands, driverCommands, govCommands, keeperCommands, rideCommands, riderCommands };
export { timeCommands };

/** Every role command, in the order `ridecoop --help` lists them. */
export const ALL_COMMANDS: CommandSpec[] = [
  ...accountCommands,
  ...riderCommands,
  ...driverCommands,
  ...rideCommands,
  ...govCommands,
  ...keeperCommands,
  ...arbiterCommands,
  ...timeCommands,
];
