// The contract factories the client uses, each from its own generated file: importing the
// typechain-types barrel would load every contract's bytecode (mocks included) at start-up.
export { ArbiterPool__factory } from "../../typechain-types/factories/contracts/disputes/ArbiterPool__factory";
export { BlockhashRandomness__factory } from "../../typechain-types/factories/contracts/disputes/BlockhashRandomness__factory";
export { DisputeCourt__factory } from "../../typechain-types/factories/contracts/disputes/DisputeCourt__factory";
export { KeyRegistry__factory } from "../../typechain-types/factories/contracts/disputes/KeyRegistry__factory";
export { CoopGovernor__factory } from "../../typechain-types/factories/contracts/governance/CoopGovernor__factory";
export { CoopToken__factory } from "../../typechain-types/factories/contracts/token/CoopToken__factory";
export { TimelockController__factory } from "../../typechain-types/factories/@openzeppelin/contracts/governance/TimelockController__factory";
export { ERC20Permit__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit__factory";
export { RideMarket__factory } from "../../typechain-types/factories/contracts/market/RideMarket__factory";
export { TestUSD__factory } from "../../typechain-types/factories/contracts/mocks/TestUSD__factory";
export type {
  ArbiterPool,
  BlockhashRandomness,
  DisputeCourt,
  KeyRegistry,
  CoopGovernor,
  CoopToken,
  TimelockController,
  ERC20Permit,
  RideMarket,
  TestUSD,
} from "../../typechain-types";
