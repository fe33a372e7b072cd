import type { ContractTransactionResponse } from "ethers";
import type { EthereumProvider } from "hardhat/types";
import type { GasTally } from "./stats";
import { explainError } from "../client/errors";

/**
 * The simulation's time. Every transaction is mined at the next second of this clock, so the
 * same seed gives the same chain (and the same report) whatever the machine's speed.
 */
export class SimClock {
  private nowSeconds: number;

  constructor(
    private readonly provider: EthereumProvider,
    start: number,
    private readonly gas: GasTally,
  ) {
    this.nowSeconds = start;
  }

  get now(): number {
    return this.nowSeconds;
  }

  /** Moves the clock forward (never back). */
  advanceTo(t: number): void {
    if (t > this.nowSeconds) this.nowSeconds = Math.floor(t);
  }

  advance(seconds: number): void {
    this.nowSeconds += Math.max(0, Math.floor(seconds));
  }

  /** Sends one transaction at the next second, records its gas under `op`, returns the gas. */
  async send(op: string, tx: () => Promise<ContractTransactionResponse>): Promise<bigint> {
    let receipt;
    try {
      receipt = await (await this.at(tx)).wait();
    } catch (err) {
      // A revert reaches the person running the simulation as the decoded custom error.
      const explained = explainError(err);
      throw new Error(`${op}: ${explained instanceof Error ? explained.message : String(explained)}`);
    }
    if (receipt === null) throw new Error(`${op}: the transaction was not mined`);
    this.gas.add(op, receipt.gasUsed);
    return receipt.gasUsed;
  }

  /**
   * Runs one client operation (one transaction) at the next second and records its gas: the
   * simulation acts through the same client the tasks use.
   */
  async act<T extends { gasUsed: bigint }>(op: string, call: () => Promise<T>): Promise<T> {
    const result = await this.at(call);
    this.gas.add(op, result.gasUsed);
    return result;
  }

  /**
   * Runs `call` (one transaction: a contract call, a client operation or a deployment) at the
   * next second, so the chain's time never runs ahead of the clock's.
   */
  async at<T>(call: () => Promise<T>): Promise<T> {
    this.nowSeconds += 1;
    await this.provider.send("evm_setNextBlockTimestamp", [this.nowSeconds]);
    return call();
  }

  /** Mines an empty block at the clock's time, so views (governor state, deadlines) see it. */
  async sync(): Promise<void> {
    this.nowSeconds += 1;
    await this.provider.send("evm_mine", [this.nowSeconds]);
  }

  /** Mines `n` empty blocks, one second apart (for randomness that waits on future blocks). */
  async mine(n: number): Promise<void> {
    await this.provider.send("hardhat_mine", [`0x${n.toString(16)}`, "0x1"]);
    this.nowSeconds += n;
  }
}
