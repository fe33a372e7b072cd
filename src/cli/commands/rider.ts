import { parseDuration, parseRating, parseStars, formatTime } from "../../client/format";
import { parsePlace } from "../../client/location";

import { parseAddress, parseRideId, txJson, txLine, type CommonArgs, command, type CommandSpec } from "../command";

/** The rider commands: one implementation each, for `ridecoop` and the Hardhat tasks. */
export const riderCommands: CommandSpec[] = [];

interface RequestArgs extends CommonArgs {
  from: string;
  to: string;
  maxFare: string;
  expires: string;
  minRating?: string;
  driver?: string;
}

riderCommands.push(
  command<RequestArgs>({
    task: "rider:request",
    description: "Requests a ride with the fare in escrow (a permit saves the approve)",
    params: [
      { name: "from", description: "Pickup: lat,lon or a geohash" },
      { name: "to", description: "Drop-off: lat,lon or a geohash" },
      { name: "maxFare", description: "Most you pay, like 12.50" },
      {
        name: "expires",
        description: "How long the request stays open (like 15m, at most 1d)",
        optional: true,
        default: "15m",
      },
      { name: "minRating", description: "Lowest average driver rating, like 4.5", optional: true },
      { name: "driver", description: "Only this driver may take it", optional: true },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const pickup = parsePlace(args.from, "from");
      const dropoff = parsePlace(args.to, "to");
      const maxFare = client.parseFare(args.maxFare, "max-fare");
      const ttl = parseDuration(args.expires, "expires");
      const minRating = args.minRating === undefined ? 0 : parseRating(args.minRating, "min-rating");
      const driver = args.driver === undefined ? undefined : parseAddress(args.driver, "driver");
      const r = await client.requestRide({ pickup, dropoff, maxFare, ttl, minRating, driver });
      const rider = await client.address();
      // The exact points and the salt stay here, so a dispute can reveal what the commitment hides.
      const store = ctx.rides();
      store.put({
        rideId: r.rideId.toString(),
        rider,
        pickup: pickup.point,
        dropoff: dropoff.point,
        pickupCell: pickup.cell,
        dropoffCell: dropoff.cell,
        salt: r.salt,
        commitment: r.commitment,
        requestedAt: new Date().toISOString(),
      });
      ctx.report(
        [
          `Ride ${r.rideId} requested: ${pickup.cell} -> ${dropoff.cell}, up to ${client.formatFare(maxFare)} in escrow${r.usedPermit ? " (permit, no approve)" : ""}`,
          `  open for ${args.expires}; secrets kept in ${store.file}`,
          ...r.txs.map(txLine),
        ],
        {
          rideId: r.rideId,
          pickupCell: pickup.cell,
          dropoffCell: dropoff.cell,
          maxFare,
          usedPermit: r.usedPermit,
          commitment: r.commitment,
          txs: r.txs.map(txJson),
        },
      );
      return r;
    },
  }),
);

interface RideArgs extends CommonArgs {
  ride: string;
}

riderCommands.push(
  command<RideArgs>({
    task: "rider:offers",
    description: "Lists the live offers on a ride, cheapest first",
    params: [{ name: "ride", description: "Ride id" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const rideId = parseRideId(args.ride);
      const [offers, now] = await Promise.all([client.offers(rideId), client.now()]);
      ctx.report(
        offers.length === 0
          ? [`No live offers on ride ${rideId}`]
          : [
              `Offers on ride ${rideId}:`,
              ...offers.map(
                (o) =>
                  `  ${o.driver}  ${client.formatFare(o.fare)}  rating ${o.ratings === 0n ? "none" : Number(o.ratingX100) / 100}  until ${formatTime(o.expiresAt, now)}`,
              ),
              `Accept one with rider:accept-offer --ride ${rideId} --driver <address>`,
            ],
        offers,
      );
      return offers;
    },
  }),
);

interface AcceptOfferArgs extends RideArgs {
  driver: string;
  fare?: string;
}

riderCommands.push(
  command<AcceptOfferArgs>({
    task: "rider:accept-offer",
    description: "Takes a driver's offer; the escrow above it comes back as credit",
    params: [
      { name: "ride", description: "Ride id" },
      { name: "driver", description: "The offering driver's address" },
      { name: "fare", description: "The fare you agree to (default: the offer as it stands now)", optional: true },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const rideId = parseRideId(args.ride);
      const driver = parseAddress(args.driver, "driver");
      const fare = args.fare === undefined ? undefined : client.parseFare(args.fare, "fare");
      const tx = await client.acceptOffer(rideId, driver, fare);
      const ride = await client.market.getRide(rideId);
      ctx.report([`Ride ${rideId} accepted with ${driver} at ${client.formatFare(ride.fare)}`, txLine(tx)], {
        rideId,
        driver,
        fare: ride.fare,
        tx: txJson(tx),
      });
      return { rideId, tx };
    },
  }),
);

riderCommands.push(
  command<RideArgs>({
    task: "rider:cancel",
    description: "Cancels a request or an accepted ride (a driver no-show is refunded with the penalty)",
    params: [{ name: "ride", description: "Ride id" }],
    async run(ctx, args) {
      const client = await ctx.client();
      const rideId = parseRideId(args.ride);
      const tx = await client.cancel(rideId);
      const credit = await client.market.creditOf(await client.address());
      ctx.report(
        [`Ride ${rideId} cancelled; your credit is ${client.formatFare(credit)} (withdraw to take it)`, txLine(tx)],
        {
          rideId,
          credit,
          tx: txJson(tx),
        },
      );
      return { rideId, tx };
    },
  }),
);

interface ConfirmArgs extends RideArgs {
  rating: string;
}

riderCommands.push(
  command<ConfirmArgs>({
    task: "rider:confirm",
    description: "Confirms the ride at drop-off and rates the driver: pays out, RIDE accrues",
    params: [
      { name: "ride", description: "Ride id" },
      { name: "rating", description: "Stars for the driver, 1 to 5" },
    ],
    async run(ctx, args) {
      const client = await ctx.client();
      const rideId = parseRideId(args.ride);
      const rating = parseStars(args.rating, "rating");
      const tx = await client.confirm(rideId, rating);
      ctx.report([`Ride ${rideId} confirmed with ${rating} star(s); the driver is paid`, txLine(tx)], {
        rideId,
        rating,
        tx: txJson(tx),
      });
      return { rideId, tx };
    },
  }),
);
