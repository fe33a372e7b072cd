import { ethers } from "hardhat";
import { signBallot as clientSignBallot } from "../../src/client/signatures";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import type { CoopGovernor } from "../../typechain-types";

/** GovernorCountingSimple's vote types. */
export const enum VoteType {
  Against = 0,
  For = 1,
  Abstain = 2,
}

/** IGovernor.ProposalState. */
export const enum ProposalState {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}

/** One call the timelock makes when the proposal executes. */
export interface Call {
  target: string;
  value?: bigint;
  data: string;
}

/** A proposal as the Governor takes it: parallel arrays and a description. */
export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
  descriptionHash: string;
}

export interface Ballot {
  voter: HardhatEthersSigner;
  support: VoteType;
}

/** Receipts of each step, for gas figures. */
export interface ProposalRun {
  id: bigint;
  propose: ContractTransactionReceipt;
  votes: ContractTransactionReceipt[];
  queue: ContractTransactionReceipt;
  execute: ContractTransactionReceipt;
}

/** Builds a proposal from calls, e.g. `proposal([await call(market, "setParameter", [param("feeBps"), 300])], "…")`. */
export function proposal(calls: Call[], description: string): Proposal {
  return {
    targets: calls.map((c) => c.target),
    values: calls.map((c) => c.value ?? 0n),
    calldatas: calls.map((c) => c.data),
    description,
    descriptionHash: ethers.id(description),
  };
}

/** A call of `method(args)` on `contract`, encoded with its ABI. */
export async function call(contract: BaseContract, method: string, args: readonly unknown[]): Promise<Call> {
  return { target: await contract.getAddress(), data: contract.interface.encodeFunctionData(method, args) };
}

export async function proposalId(governor: CoopGovernor, p: Proposal): Promise<bigint> {
  return governor.getProposalId(p.targets, p.values, p.calldatas, p.descriptionHash);
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return receipt;
}

/** Proposes `p` as `proposer`; returns the proposal id and the receipt. */
export async function propose(
  governor: CoopGovernor,
  proposer: HardhatEthersSigner,
  p: Proposal,
): Promise<{ id: bigint; receipt: ContractTransactionReceipt }> {
  const receipt = await mined(governor.connect(proposer).propose(p.targets, p.values, p.calldatas, p.description));
  return { id: await proposalId(governor, p), receipt };
}

/** Moves time to the first second at which votes are accepted (snapshot + 1). */
export async function toVotingStart(governor: CoopGovernor, id: bigint): Promise<void> {
  await time.increaseTo((await governor.proposalSnapshot(id)) + 1n);
}

/** Moves time past the (possibly extended) deadline, so the vote is over. */
export async function toVotingEnd(governor: CoopGovernor, id: bigint): Promise<void> {
  await time.increaseTo((await governor.proposalDeadline(id)) + 1n);
}

/** Moves time to the timelock's eta for a queued proposal. */
export async function toEta(governor: CoopGovernor, id: bigint): Promise<void> {
  await time.increaseTo(await governor.proposalEta(id));
}

/** Casts each ballot with `castVote`; returns the receipts. */
export async function castVotes(
  governor: CoopGovernor,
  id: bigint,
  ballots: readonly Ballot[],
): Promise<ContractTransactionReceipt[]> {
  const receipts: ContractTransactionReceipt[] = [];
  for (const b of ballots) receipts.push(await mined(governor.connect(b.voter).castVote(id, b.support)));
  return receipts;
}

/** An EIP-712 Ballot signature for `castVoteBySig`, with the voter's current governor nonce. */
export async function signBallot(
  governor: CoopGovernor,
  voter: HardhatEthersSigner,
  id: bigint,
  support: VoteType,
): Promise<string> {
  return clientSignBallot(governor, voter, id, support);
}

/** Proposes, waits for the vote to open, casts the ballots and waits for the vote to close. */
export async function proposeAndVote(
  governor: CoopGovernor,
  proposer: HardhatEthersSigner,
  p: Proposal,
  ballots: readonly Ballot[],
): Promise<{ id: bigint; propose: ContractTransactionReceipt; votes: ContractTransactionReceipt[] }> {
  const { id, receipt } = await propose(governor, proposer, p);
  await toVotingStart(governor, id);
  const votes = await castVotes(governor, id, ballots);
  await toVotingEnd(governor, id);
  return { id, propose: receipt, votes };
}

/** Queues a succeeded proposal in the timelock (anyone may). */
export async function queue(
  governor: CoopGovernor,
  p: Proposal,
  caller?: HardhatEthersSigner,
): Promise<ContractTransactionReceipt> {
  const g = caller ? governor.connect(caller) : governor;
  return mined(g.queue(p.targets, p.values, p.calldatas, p.descriptionHash));
}

/** Executes a queued proposal whose delay has passed (anyone may). */
export async function execute(
  governor: CoopGovernor,
  p: Proposal,
  caller?: HardhatEthersSigner,
): Promise<ContractTransactionReceipt> {
  const g = caller ? governor.connect(caller) : governor;
  return mined(g.execute(p.targets, p.values, p.calldatas, p.descriptionHash));
}

/** Proposes, votes, queues and waits out the timelock delay, leaving the proposal ready to execute. */
export async function passAndQueue(
  governor: CoopGovernor,
  proposer: HardhatEthersSigner,
  p: Proposal,
  ballots: readonly Ballot[],
): Promise<{
  id: bigint;
  propose: ContractTransactionReceipt;
  votes: ContractTransactionReceipt[];
  queue: ContractTransactionReceipt;
}> {
  const voted = await proposeAndVote(governor, proposer, p, ballots);
  const queued = await queue(governor, p);
  await toEta(governor, voted.id);
  return { ...voted, queue: queued };
}

/** The whole life of a proposal: propose → vote → queue → execute, with time travel in between. */
export async function runProposal(
  governor: CoopGovernor,
  proposer: HardhatEthersSigner,
  p: Proposal,
  ballots: readonly Ballot[],
): Promise<ProposalRun> {
  const passed = await passAndQueue(governor, proposer, p, ballots);
  return { ...passed, execute: await execute(governor, p) };
}
