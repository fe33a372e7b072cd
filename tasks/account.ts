import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { clientFor, parseAddress, report, roleTask, txJson, txLine, type CommonArgs } from "./lib/common";

interface FaucetArgs extends CommonArgs {
  amount: string;
}

roleTask(
  task("faucet", "Draws TestUSD from the faucet (local chains; 1,000 per day)").addOptionalParam(
    "amount",
    "Amount, like 1000 or 250.5",
    "1000",
  ),
  async (args: FaucetArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const amount = client.parseFare(args.amount, "amount");
    const tx = await client.faucet(amount);
    const balance = await client.fare.balanceOf(await client.address());
    report(args, [`Drew ${client.formatFare(amount)}; balance ${client.formatFare(balance)}`, txLine(tx)], {
      amount,
      balance,
      tx: txJson(tx),
    });
    return { amount, balance, tx };
  },
);

interface BalanceArgs extends CommonArgs {
  of?: string;
}

roleTask(
  task("balance", "Shows fare token, market credit, stake, RIDE, votes, rewards and fee revenue").addOptionalParam(
    "of",
    "Address to show (default: --account)",
  ),
  async (args: BalanceArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const b = await client.balances(args.of === undefined ? undefined : parseAddress(args.of, "of"));
    const f = (v: bigint) => client.formatFare(v);
    const r = (v: bigint) => client.formatRide(v);
    report(
      args,
      [
        `Account ${b.account}`,
        `  wallet         ${f(b.fareToken)}`,
        `  market credit  ${f(b.credit)}${b.credit > 0n ? " (withdraw to take it)" : ""}`,
        `  driver stake   ${f(b.stake)}${b.registered ? ` (registered, ${b.openRides} open ride(s))` : " (not a driver)"}`,
        `  RIDE           ${r(b.ride)}, votes ${r(b.votes)}${b.ride > 0n && b.votes === 0n ? " (gov:delegate to vote)" : ""}`,
        `  RIDE accrued   ${r(b.rewardsAccrued)}${b.rewardsAccrued > 0n ? " (driver:claim)" : ""}`,
        `  fee revenue    ${f(b.revenueClaimable)}`,
        `  court credit   ${f(b.courtCredit)}${b.courtCredit > 0n ? " (withdraw to take it)" : ""}`,
        `  arbiter stake  ${r(b.arbiterStake)}${b.arbiterCredit > 0n ? `, RIDE credit ${r(b.arbiterCredit)} (withdraw)` : ""}`,
        `  rating         ${b.ratings === 0n ? "unrated" : `${Number(b.ratingX100) / 100} from ${b.ratings}`}`,
      ],
      b,
    );
    return b;
  },
);

interface WithdrawArgs extends CommonArgs {
  to?: string;
}

roleTask(
  task(
    "withdraw",
    "Withdraws the market and court credits and claims RIDE fee revenue and RIDE slash credits",
  ).addOptionalParam("to", "Recipient (default: --account)"),
  async (args: WithdrawArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const me = await client.address();
    const before = await client.fare.balanceOf(args.to ?? me);
    const txs = await client.withdraw(args.to === undefined ? undefined : parseAddress(args.to, "to"));
    const received = (await client.fare.balanceOf(args.to ?? me)) - before;
    report(args, [`Withdrew ${client.formatFare(received)}`, ...txs.map(txLine)], { received, txs: txs.map(txJson) });
    return { received, txs };
  },
);
