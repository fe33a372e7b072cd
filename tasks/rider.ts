import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { parseDuration, parseRating, parseStars, formatTime } from "../src/client/format";
import { parsePlace } from "../src/client/location";
import { RideStore } from "../src/node/rides-store";
import { clientFor, parseAddress, parseRideId, report, roleTask, txJson, txLine, type CommonArgs } from "./lib/common";

interface RequestArgs extends CommonArgs {
  from: string;
  to: string;
  maxFare: string;
  expires: string;
  minRating?: string;
  driver?: string;
}

roleTask(
  task("rider:request", "Requests a ride with the fare in escrow (a permit saves the approve)")
    .addParam("from", "Pickup: lat,lon or a geohash")
    .addParam("to", "Drop-off: lat,lon or a geohash")
    .addParam("maxFare", "Most you pay, like 12.50")
    .addOptionalParam("expires", "How long the request stays open (like 15m, at most 1d)", "15m")
    .addOptionalParam("minRating", "Lowest average driver rating, like 4.5")
    .addOptionalParam("driver", "Only this driver may take it"),
  async (args: RequestArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const pickup = parsePlace(args.from, "from");
    const dropoff = parsePlace(args.to, "to");
    const maxFare = client.parseFare(args.maxFare, "max-fare");
    const ttl = parseDuration(args.expires, "expires");
    const minRating = args.minRating === undefined ? 0 : parseRating(args.minRating, "min-rating");
    const driver = args.driver === undefined ? undefined : parseAddress(args.driver, "driver");
    const r = await client.requestRide({ pickup, dropoff, maxFare, ttl, minRating, driver });
    const rider = await client.address();
    // The exact points and the salt stay here, so a dispute can reveal what the commitment hides.
    const store = new RideStore(hre.network.name, hre.config.paths.root);
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
    report(
      args,
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
);

interface RideArgs extends CommonArgs {
  ride: string;
}

roleTask(
  task("rider:offers", "Lists the live offers on a ride, cheapest first").addParam("ride", "Ride id"),
  async (args: RideArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const [offers, now] = await Promise.all([client.offers(rideId), client.now()]);
    report(
      args,
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
);

interface AcceptOfferArgs extends RideArgs {
  driver: string;
  fare?: string;
}

roleTask(
  task("rider:accept-offer", "Takes a driver's offer; the escrow above it comes back as credit")
    .addParam("ride", "Ride id")
    .addParam("driver", "The offering driver's address")
    .addOptionalParam("fare", "The fare you agree to (default: the offer as it stands now)"),
  async (args: AcceptOfferArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const driver = parseAddress(args.driver, "driver");
    const fare = args.fare === undefined ? undefined : client.parseFare(args.fare, "fare");
    const tx = await client.acceptOffer(rideId, driver, fare);
    const ride = await client.market.getRide(rideId);
    report(args, [`Ride ${rideId} accepted with ${driver} at ${client.formatFare(ride.fare)}`, txLine(tx)], {
      rideId,
      driver,
      fare: ride.fare,
      tx: txJson(tx),
    });
    return { rideId, tx };
  },
);

roleTask(
  task(
    "rider:cancel",
    "Cancels a request or an accepted ride (a driver no-show is refunded with the penalty)",
  ).addParam("ride", "Ride id"),
  async (args: RideArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const tx = await client.cancel(rideId);
    const credit = await client.market.creditOf(await client.address());
    report(
      args,
      [`Ride ${rideId} cancelled; your credit is ${client.formatFare(credit)} (withdraw to take it)`, txLine(tx)],
      {
        rideId,
        credit,
        tx: txJson(tx),
      },
    );
    return { rideId, tx };
  },
);

interface ConfirmArgs extends RideArgs {
  rating: string;
}

roleTask(
  task("rider:confirm", "Confirms the ride at drop-off and rates the driver: pays out, RIDE accrues")
    .addParam("ride", "Ride id")
    .addParam("rating", "Stars for the driver, 1 to 5"),
  async (args: ConfirmArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const rating = parseStars(args.rating, "rating");
    const tx = await client.confirm(rideId, rating);
    report(args, [`Ride ${rideId} confirmed with ${rating} star(s); the driver is paid`, txLine(tx)], {
      rideId,
      rating,
      tx: txJson(tx),
    });
    return { rideId, tx };
  },
);
