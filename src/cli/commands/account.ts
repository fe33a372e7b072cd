import { parseAddress, txJson, txLine, type CommonArgs, command, type CommandSpec } from "../command";

/** The account commands: one implementation each, for `ridecoop` and the Hardhat tasks. */
export const accountCommands: CommandSpec[] = [];

interface FaucetArgs extends CommonArgs {
  amount: string;
}

accountCommands.push(
  command<FaucetArgs>({
    task: "faucet",
    description: "Draws TestUSD from the faucet (local chains; 1,000 per day)",
    params: [{ name: "amount", description: "Amount, like 1000 or 250.5", optional: true, default: "1000" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const amount = client.parseFare(args.amount, "amount");
      const tx = await client.faucet(amount);
      const balance = await client.fare.balanceOf(await client.address());
      ctx.report([`Drew ${client.formatFare(amount)}; balance ${client.formatFare(balance)}`, txLine(tx)], {
        amount,
        balance,
        tx: txJson(tx),
      });
      return { amount, balance, tx };
    },
  }),
);

interface BalanceArgs extends CommonArgs {
  of?: string;
}

accountCommands.push(
  command<BalanceArgs>({
    task: "balance",
    description: "Shows fare token, market credit, stake, RIDE, votes, rewards and fee revenue",
    params: [{ name: "of", description: "Address to show (default: --account)", optional: true }],
    async run(ctx, args) {
      const client = await ctx.client();
      const b = await client.balances(args.of === undefined ? undefined : parseAddress(args.of, "of"));
      const f = (v: bigint) => client.formatFare(v);
      const r = (v: bigint) => client.formatRide(v);
      ctx.report(
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
  }),
);

interface WithdrawArgs extends CommonArgs {
  to?: string;
}

accountCommands.push(
  command<WithdrawArgs>({
    task: "withdraw",
    description: "Withdraws the market and court credits and claims RIDE fee revenue and RIDE slash credits",
    params: [{ name: "to", description: "Recipient (default: --account)", optional: true }],
    async run(ctx, args) {
      const client = await ctx.client();
      const me = await client.address();
      const before = await client.fare.balanceOf(args.to ?? me);
      const txs = await client.withdraw(args.to === undefined ? undefined : parseAddress(args.to, "to"));
      const received = (await client.fare.balanceOf(args.to ?? me)) - before;
      ctx.report([`Withdrew ${client.formatFare(received)}`, ...txs.map(txLine)], { received, txs: txs.map(txJson) });
      return { received, txs };
    },
  }),
);
