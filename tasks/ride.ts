import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatBps, formatTime, parseStars } from "../src/client/format";
import { clientFor, parseRideId, report, roleTask, txJson, txLine, type CommonArgs } from "./lib/common";

interface RideArgs extends CommonArgs {
  ride: string;
}

roleTask(
  task("ride:show", "Shows a ride: state, parties, fare, deadlines, and what each party can do next").addParam(
    "ride",
    "Ride id",
  ),
  async (args: RideArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const view = await client.showRide(parseRideId(args.ride));
    const when = (t: bigint | undefined, word: string) =>
      t === undefined ? "" : ` ${word} ${formatTime(t, view.now)}`;
    report(
      args,
      [
        `Ride ${view.rideId}: ${view.state}${view.arrived ? " (driver arrived)" : ""}`,
        `  rider   ${view.rider}`,
        `  driver  ${view.driver === "0x0000000000000000000000000000000000000000" ? "none yet" : view.driver}`,
        `  fare    ${client.formatFare(view.fare)}${view.feeBps > 0 ? `, fee ${formatBps(view.feeBps)}` : ""}`,
        ...Object.entries(view.deadlines).map(([k, t]) => `  ${k.padEnd(16)} ${formatTime(t, view.now)}`),
        view.next.length === 0 ? "Nothing more can happen to this ride." : "Next:",
        ...view.next.map((n) => `  ${n.who}: ${n.action} (${n.task})${when(n.from, "from")}${when(n.until, "until")}`),
      ],
      view,
    );
    return view;
  },
);

interface RateArgs extends RideArgs {
  rating: string;
}

roleTask(
  task("ride:rate", "Rates the other party of a finalized ride, once")
    .addParam("ride", "Ride id")
    .addParam("rating", "Stars, 1 to 5"),
  async (args: RateArgs, hre: HardhatRuntimeEnvironment) => {
    const client = await clientFor(hre, args);
    const rideId = parseRideId(args.ride);
    const rating = parseStars(args.rating, "rating");
    const tx = await client.rate(rideId, rating);
    report(args, [`Rated ride ${rideId} with ${rating} star(s)`, txLine(tx)], { rideId, rating, tx: txJson(tx) });
    return { rideId, tx };
  },
);
