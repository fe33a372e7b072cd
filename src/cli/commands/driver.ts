import { formatTime, InputError, parseDuration } from "../../client/format";
import { parsePlace } from "../../client/location";
import type { RideCoopClient, TxResult } from "../../client/client";
import { parseRideId, txJson, txLine, type CommonArgs, command, type CommandSpec } from "../command";

/** The driver commands: one implementation each, for `ridecoop` and the Hardhat tasks. */
export const driverCommands: CommandSpec[] = [];

interface StakeArgs extends CommonArgs {
  stake: string;
}

driverCommands.push(
  command<StakeArgs>({
    task: "driver:register",
    description:
      "Registers as a driver with a stake (approves the market if needed; with --relay, a permit the relayer submits)",
    params: [{ name: "stake", description: "Stake, at least the minimum (gov:params), like 100" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const stake = client.parseFare(args.stake, "stake");
      const txs = await client.registerDriver(stake);
      ctx.report([`Registered as a driver with ${client.formatFare(stake)} of stake`, ...txs.map(txLine)], {
        stake,
        txs: txs.map(txJson),
      });
      return { stake, txs };
    },
  }),
);

interface NearArgs extends CommonArgs {
  near: string;
}

driverCommands.push(
  command<NearArgs>({
    task: "driver:requests",
    description: "Lists open requests picking up in your area and its eight neighbours",
    params: [{ name: "near", description: "Where you are: lat,lon or a geohash" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const place = parsePlace(args.near, "near");
      const [requests, now] = await Promise.all([client.openRequestsNear(place.cell), client.now()]);
      ctx.report(
        requests.length === 0
          ? [`No open requests near ${place.cell.slice(0, 5)}`]
          : [
              `Open requests near ${place.cell.slice(0, 5)}:`,
              ...requests.map(
                (r) =>
                  `  ride ${r.rideId}: ${r.pickupCell} -> ${r.dropoffCell}, up to ${client.formatFare(r.maxFare)}, until ${formatTime(r.expiresAt, now)}` +
                  (r.minRating > 0 ? `, min rating ${r.minRating / 100}` : ""),
              ),
              "Take one with driver:accept --ride <id> or driver:offer --ride <id> --fare <amount>",
            ],
        requests,
      );
      return requests;
    },
  }),
);

interface RideArgs extends CommonArgs {
  ride: string;
}

interface AcceptArgs extends RideArgs {
  fare?: string;
}

driverCommands.push(
  command<AcceptArgs>({
    task: "driver:accept",
    description: "Accepts a request at the rider's fare",
    params: [
      { name: "ride", description: "Ride id" },
      { name: "fare", description: "The fare you agree to (default: the rider's, as it stands now)", optional: true },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const rideId = parseRideId(args.ride);
      const fare = args.fare === undefined ? undefined : client.parseFare(args.fare, "fare");
      const tx = await client.accept(rideId, fare);
      const ride = await client.market.getRide(rideId);
      ctx.report([`Ride ${rideId} is yours at ${client.formatFare(ride.fare)}; drive to the pickup`, txLine(tx)], {
        rideId,
        fare: ride.fare,
        tx: txJson(tx),
      });
      return { rideId, tx };
    },
  }),
);

interface OfferArgs extends RideArgs {
  fare: string;
  expires: string;
}

driverCommands.push(
  command<OfferArgs>({
    task: "driver:offer",
    description: "Offers to drive a request for less than the rider's maximum",
    params: [
      { name: "ride", description: "Ride id" },
      { name: "fare", description: "Your price, like 9.75" },
      {
        name: "expires",
        description: "How long the offer stands (capped at the request's expiry)",
        optional: true,
        default: "5m",
      },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const rideId = parseRideId(args.ride);
      const fare = client.parseFare(args.fare, "fare");
      const ttl = parseDuration(args.expires, "expires");
      const tx = await client.offer(rideId, fare, ttl);
      ctx.report([`Offered ${client.formatFare(fare)} on ride ${rideId}`, txLine(tx)], {
        rideId,
        fare,
        tx: txJson(tx),
      });
      return { rideId, tx };
    },
  }),
);

/** The one-ride steps: same shape, different call. */
const steps: [string, string, string, (c: RideCoopClient, id: bigint) => Promise<TxResult>][] = [
  [
    "driver:arrived",
    "Marks arrival at the pickup (starts the rider's no-show window)",
    "arrived at the pickup",
    (c, id) => c.arrived(id),
  ],
  ["driver:pickup", "Marks the pickup: the ride starts", "started", (c, id) => c.pickup(id)],
  [
    "driver:complete",
    "Marks the drop-off when the rider did not confirm (starts the confirmation window)",
    "completed",
    (c, id) => c.complete(id),
  ],
  [
    "driver:no-show",
    "Cancels after the rider did not come within the no-show window (the fee is yours)",
    "cancelled as a rider no-show",
    (c, id) => c.riderNoShow(id),
  ],
];
for (const [name, description, done, step] of steps) {
  driverCommands.push(
    command<RideArgs>({
      task: name,
      description,
      params: [{ name: "ride", description: "Ride id" }],
      async run(ctx, args) {
        const client = await ctx.client();
        const rideId = parseRideId(args.ride);
        const tx = await step(client, rideId);
        ctx.report([`Ride ${rideId} ${done}`, txLine(tx)], { rideId, tx: txJson(tx) });
        return { rideId, tx };
      },
    }),
  );
}

driverCommands.push(
  command<CommonArgs>({
    task: "driver:claim",
    description: "Mints your accrued RIDE (one call for all rides)",
    params: [],
    async run(ctx) {
      const client = await ctx.client();
      const me = await client.address();
      const accrued = (await client.market.rewardsOf(me)).accrued;
      const tx = await client.claimRewards();
      const [balance, votes] = await Promise.all([client.token.balanceOf(me), client.token.getVotes(me)]);
      ctx.report(
        [
          `Claimed ${client.formatRide(accrued)}; you hold ${client.formatRide(balance)} with ${client.formatRide(votes)} of votes`,
          txLine(tx),
        ],
        { claimed: accrued, balance, votes, tx: txJson(tx) },
      );
      return { claimed: accrued, tx };
    },
  }),
);

interface UnstakeArgs extends CommonArgs {
  amount?: string;
  all: boolean;
}

driverCommands.push(
  command<UnstakeArgs>({
    task: "driver:unstake",
    description: "Withdraws stake above the minimum, or with --all deregisters and takes it all",
    params: [
      { name: "amount", description: "Stake to withdraw, like 25", optional: true },
      { name: "all", description: "Deregister and withdraw the whole stake", flag: true },
    ],
    async run(ctx, args) {
      if (args.all === (args.amount !== undefined)) {
        throw new InputError(
          args.all ? "all" : "amount",
          "give either --amount <stake> or --all, not both and not neither",
        );
      }
      const client = await ctx.client();
      const before = (await client.market.getAccount(await client.address())).stake;
      const tx = await client.unstake(args.all ? "all" : client.parseFare(args.amount as string, "amount"));
      const after = (await client.market.getAccount(await client.address())).stake;
      ctx.report(
        [`Withdrew ${client.formatFare(before - after)} of stake; ${client.formatFare(after)} left`, txLine(tx)],
        {
          withdrawn: before - after,
          stake: after,
          tx: txJson(tx),
        },
      );
      return { withdrawn: before - after, tx };
    },
  }),
);
