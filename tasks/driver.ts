import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatTime, InputError, parseDuration } from "../src/client/format";
import { parsePlace } from "../src/client/location";
import type { RideCoopClient, TxResult } from "../src/client/client";
import { clientFor, parseRideId, report, roleTask, txJson, txLine, type CommonArgs } from "./lib/common";

interface StakeArgs extends CommonArgs {
  stake: string;
}

roleTask(
  task("driver:register", "Registers as a driver with a stake (approves the market if needed)").addParam(
    "stake",
    "Stake, at least the minimum (gov:params), like 100",
  ),
  async (args: StakeArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const stake = client.parseFare(args.stake, "stake");
    const txs = await client.registerDriver(stake);
    report(args, [`Registered as a driver with ${client.formatFare(stake)} of stake`, ...txs.map(txLine)], {
      stake,
      txs: txs.map(txJson),
    });
    return { stake, txs };
  },
);

interface NearArgs extends CommonArgs {
  near: string;
}

roleTask(
  task("driver:requests", "Lists open requests picking up in your area and its eight neighbours").addParam(
    "near",
    "Where you are: lat,lon or a geohash",
  ),
  async (args: NearArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const place = parsePlace(args.near, "near");
    const [requests, now] = await Promise.all([client.openRequestsNear(place.cell), client.now()]);
    report(
      args,
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
);

interface RideArgs extends CommonArgs {
  ride: string;
}

interface AcceptArgs extends RideArgs {
  fare?: string;
}

roleTask(
  task("driver:accept", "Accepts a request at the rider's fare")
    .addParam("ride", "Ride id")
    .addOptionalParam("fare", "The fare you agree to (default: the rider's, as it stands now)"),
  async (args: AcceptArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const fare = args.fare === undefined ? undefined : client.parseFare(args.fare, "fare");
    const tx = await client.accept(rideId, fare);
    const ride = await client.market.getRide(rideId);
    report(args, [`Ride ${rideId} is yours at ${client.formatFare(ride.fare)}; drive to the pickup`, txLine(tx)], {
      rideId,
      fare: ride.fare,
      tx: txJson(tx),
    });
    return { rideId, tx };
  },
);

interface OfferArgs extends RideArgs {
  fare: string;
  expires: string;
}

roleTask(
  task("driver:offer", "Offers to drive a request for less than the rider's maximum")
    .addParam("ride", "Ride id")
    .addParam("fare", "Your price, like 9.75")
    .addOptionalParam("expires", "How long the offer stands (capped at the request's expiry)", "5m"),
  async (args: OfferArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const fare = client.parseFare(args.fare, "fare");
    const ttl = parseDuration(args.expires, "expires");
    const tx = await client.offer(rideId, fare, ttl);
    report(args, [`Offered ${client.formatFare(fare)} on ride ${rideId}`, txLine(tx)], {
      rideId,
      fare,
      tx: txJson(tx),
    });
    return { rideId, tx };
  },
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
  roleTask(
    task(name, description).addParam("ride", "Ride id"),
    async (args: RideArgs, hre: HardhatRuntimeEnvironment) => {
      const client = await clientFor(hre, args);
      const rideId = parseRideId(args.ride);
      const tx = await step(client, rideId);
      report(args, [`Ride ${rideId} ${done}`, txLine(tx)], { rideId, tx: txJson(tx) });
      return { rideId, tx };
    },
  );
}

roleTask(
  task("driver:claim", "Mints your accrued RIDE (one call for all rides)"),
  async (args: CommonArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const me = await client.address();
    const accrued = (await client.market.rewardsOf(me)).accrued;
    const tx = await client.claimRewards();
    const [balance, votes] = await Promise.all([client.token.balanceOf(me), client.token.getVotes(me)]);
    report(
      args,
      [
        `Claimed ${client.formatRide(accrued)}; you hold ${client.formatRide(balance)} with ${client.formatRide(votes)} of votes`,
        txLine(tx),
      ],
      { claimed: accrued, balance, votes, tx: txJson(tx) },
    );
    return { claimed: accrued, tx };
  },
);

interface UnstakeArgs extends CommonArgs {
  amount?: string;
  all: boolean;
}

roleTask(
  task("driver:unstake", "Withdraws stake above the minimum, or with --all deregisters and takes it all")
    .addOptionalParam("amount", "Stake to withdraw, like 25")
    .addFlag("all", "Deregister and withdraw the whole stake"),
  async (args: UnstakeArgs, hre: HardhatRuntimeEnvironment) => {
    if (args.all === (args.amount !== undefined)) {
      throw new InputError(
        args.all ? "all" : "amount",
        "give either --amount <stake> or --all, not both and not neither",
      );
    }
    const client = await clientFor(hre, args);
    const before = (await client.market.getAccount(await client.address())).stake;
    const tx = await client.unstake(args.all ? "all" : client.parseFare(args.amount as string, "amount"));
    const after = (await client.market.getAccount(await client.address())).stake;
    report(
      args,
      [`Withdrew ${client.formatFare(before - after)} of stake; ${client.formatFare(after)} left`, txLine(tx)],
      {
        withdrawn: before - after,
        stake: after,
        tx: txJson(tx),
      },
    );
    return { withdrawn: before - after, tx };
  },
);
