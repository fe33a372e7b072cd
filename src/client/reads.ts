// Shared reads: a ride with its deadlines and what each party may do next.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { explainError, RIDE_STATES } from "./errors";
import { type NextAction, type RideView, ARRIVED, RIDER_RATED, DRIVER_RATED } from "./types";
import type { RideCoopClient } from "./client";

export const readOps = {
  /** A ride's state, parties, fare, deadlines, and what each party can do next. */
  async showRide(this: RideCoopClient, rideId: bigint): Promise<RideView> {
    const [ride, [params], now, keeperDelay] = await Promise.all([
      this.market.getRide(rideId),
      this.market.parameters(),
      this.now(),
      this.market.KEEPER_DELAY(),
    ]);
    const state = RIDE_STATES[Number(ride.state)];
    if (state === "None") {
      throw explainError(
        { data: this.market.interface.encodeErrorResult("RideUnknown", [rideId]) },
        this.errorContext(now),
      );
    }
    const flags = Number(ride.flags);
    const arrived = (flags & ARRIVED) !== 0;
    const s = ride.stamp;
    const deadlines: Record<string, bigint> = {};
    const next: NextAction[] = [];
    const id = `--ride ${rideId}`;
    switch (state) {
      case "Requested":
        deadlines.expiresAt = s;
        next.push({ who: "driver", action: "accept or make an offer", task: `driver:accept ${id}`, until: s });
        next.push({ who: "rider", action: "accept an offer", task: `rider:offers ${id}`, until: s });
        next.push({ who: "rider", action: "cancel (full refund)", task: `rider:cancel ${id}` });
        next.push({ who: "anyone", action: "expire (refund to the rider)", task: "keeper:run", from: s + 1n });
        break;
      case "Accepted":
        if (!arrived) {
          deadlines.freeCancelUntil = s + params.gracePeriod;
          deadlines.pickupBy = s + params.pickupWindow;
          next.push({
            who: "driver",
            action: "mark arrival",
            task: `driver:arrived ${id}`,
            until: s + params.pickupWindow,
          });
          next.push({
            who: "rider",
            action: "cancel after the pickup window (driver no-show: refund and penalty)",
            task: `rider:cancel ${id}`,
            from: s + params.pickupWindow + 1n,
          });
          next.push({
            who: "anyone",
            action: "cancel as a driver no-show",
            task: "keeper:run",
            from: s + params.pickupWindow + keeperDelay + 1n,
          });
        } else {
          // While arrived, minRating holds the seconds from acceptance to arrival.
          const graceEnd = s - ride.minRating + params.gracePeriod;
          const noticeEnd = s + (await this.market.ARRIVAL_NOTICE());
          const freeUntil = graceEnd < noticeEnd ? graceEnd : noticeEnd;
          if (freeUntil >= s) deadlines.freeCancelUntil = freeUntil;
          deadlines.riderNoShowAt = s + params.noShowWindow;
          next.push({
            who: "driver",
            action: "cancel as a rider no-show",
            task: `driver:no-show ${id}`,
            from: s + params.noShowWindow + 1n,
          });
          next.push({
            who: "anyone",
            action: "cancel as a rider no-show",
            task: "keeper:run",
            from: s + params.noShowWindow + keeperDelay + 1n,
          });
        }
        next.push({ who: "driver", action: "pick up", task: `driver:pickup ${id}` });
        next.push({ who: "rider", action: "cancel", task: `rider:cancel ${id}` });
        next.push({ who: "either party", action: "open a dispute", task: `ride:dispute ${id}` });
        break;
      case "Started":
        deadlines.completeBy = s + params.rideWindow;
        next.push({ who: "rider", action: "confirm and rate", task: `rider:confirm ${id} --rating 5` });
        next.push({ who: "driver", action: "mark completion", task: `driver:complete ${id}` });
        next.push({ who: "either party", action: "open a dispute", task: `ride:dispute ${id}` });
        next.push({
          who: "anyone",
          action: "refund the abandoned ride",
          task: "keeper:run",
          from: s + params.rideWindow + 1n,
        });
        break;
      case "Completed":
        deadlines.confirmBy = s + params.confirmWindow;
        next.push({
          who: "rider",
          action: "confirm and rate",
          task: `rider:confirm ${id} --rating 5`,
          until: s + params.confirmWindow,
        });
        next.push({ who: "either party", action: "open a dispute", task: `ride:dispute ${id}` });
        next.push({
          who: "anyone",
          action: "finalize (pay the driver)",
          task: "keeper:run",
          from: s + params.confirmWindow + 1n,
        });
        break;
      case "Finalized":
        if ((flags & RIDER_RATED) === 0)
          next.push({ who: "rider", action: "rate the driver", task: `ride:rate ${id}` });
        if ((flags & DRIVER_RATED) === 0)
          next.push({ who: "driver", action: "rate the rider", task: `ride:rate ${id}` });
        break;
      case "Disputed":
        next.push({
          who: "either party",
          action: "settle together or await the arbiter",
          task: `ride:settle --dispute ${rideId} --split <rider %>`,
        });
        next.push({ who: "anyone", action: "follow the dispute", task: `dispute:show --dispute ${rideId}` });
        break;
      default:
        break;
    }
    return {
      rideId,
      state,
      rider: ride.rider,
      driver: ride.driver,
      fare: ride.fare,
      feeBps: Number(ride.feeBps),
      arrived,
      riderRated: (flags & RIDER_RATED) !== 0,
      driverRated: (flags & DRIVER_RATED) !== 0,
      stamp: s,
      now,
      deadlines,
      next,
    };
  },
};

export type ReadOps = typeof readOps;
