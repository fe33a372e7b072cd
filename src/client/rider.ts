// The rider: request, offers, accept an offer, cancel, confirm, rate.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { getAddress, hexlify, randomBytes, ZeroAddress } from "ethers";
import type { IRideMarket } from "../../typechain-types/contracts/market/RideMarket";
import { cellToBytes6, routeCommitment } from "../geo";
import { RIDE_STATES } from "./errors";
import { type TxResult, type LiveOffer, type RequestInput, type RequestResult, ARRIVED } from "./types";
import type { RideCoopClient } from "./client";

export const riderOps = {
  /**
   * Posts a request with the fare escrowed. When the allowance is short and the token has
   * EIP-2612, a permit signature replaces the approve transaction.
   */
  async requestRide(this: RideCoopClient, input: RequestInput): Promise<RequestResult> {
    const me = await this.address();
    const salt = hexlify(randomBytes(32));
    const commitment = routeCommitment(input.pickup.point, input.dropoff.point, salt);
    const now = await this.now();
    const request: IRideMarket.RideRequestStruct = {
      pickupCell: cellToBytes6(input.pickup.cell),
      dropoffCell: cellToBytes6(input.dropoff.cell),
      commitment,
      maxFare: input.maxFare,
      expiresAt: now + BigInt(input.ttl),
      minRating: input.minRating ?? 0,
      driver: input.driver === undefined ? ZeroAddress : getAddress(input.driver),
    };
    const rideId = (await this.market.totals()).nextRideId;
    const txs: TxResult[] = [];
    const allowance = await this.fare.allowance(me, await this.market.getAddress());
    let usedPermit = false;
    if (allowance >= input.maxFare) {
      txs.push(await this.send("request ride", () => this.market.requestRide(request)));
    } else {
      const permit = await this.signPermit(input.maxFare, now + 3600n).catch(() => undefined);
      if (permit !== undefined) {
        usedPermit = true;
        txs.push(
          await this.send("request ride (with permit)", () =>
            this.market.requestRideWithPermit(request, permit.deadline, permit.v, permit.r, permit.s),
          ),
        );
      } else {
        txs.push(await this.approveMarket(input.maxFare));
        txs.push(await this.send("request ride", () => this.market.requestRide(request)));
      }
    }
    const id = this.eventArg(txs[txs.length - 1], "RideRequested", 0) ?? rideId;
    return { rideId: id, salt, commitment, usedPermit, txs };
  },

  /** The live offers on a ride (latest per driver, not expired), cheapest first. */
  async offers(this: RideCoopClient, rideId: bigint): Promise<LiveOffer[]> {
    const logs = await this.events(this.market.filters.OfferMade(rideId), this.market);
    const drivers = [...new Set(logs.map((l) => l.args.driver))];
    const now = await this.now();
    const out: LiveOffer[] = [];
    for (const driver of drivers) {
      const [offer, [avg, count]] = await Promise.all([
        this.market.getOffer(rideId, driver),
        this.market.averageRating(driver),
      ]);
      if (offer.expiresAt >= now && offer.fare > 0n) {
        out.push({ rideId, driver, fare: offer.fare, expiresAt: offer.expiresAt, ratingX100: avg, ratings: count });
      }
    }
    return out.sort((a, b) => (a.fare < b.fare ? -1 : a.fare > b.fare ? 1 : 0));
  },

  /** Takes `driver`'s offer; `fare` pins the price agreed to (default: the offer as read now). */
  async acceptOffer(this: RideCoopClient, rideId: bigint, driver: string, fare?: bigint): Promise<TxResult> {
    const d = getAddress(driver);
    const agreed = fare ?? (await this.market.getOffer(rideId, d)).fare;
    return this.send("accept offer", () => this.market.acceptOffer(rideId, d, agreed));
  },

  /**
   * The rider cancels. An accepted ride whose driver missed the pickup window is cancelled as
   * a driver no-show (full refund plus the penalty) rather than with the cancellation fee.
   */
  async cancel(this: RideCoopClient, rideId: bigint): Promise<TxResult> {
    const [ride, params, now] = await Promise.all([this.market.getRide(rideId), this.market.parameters(), this.now()]);
    const state = RIDE_STATES[Number(ride.state)];
    const arrived = (Number(ride.flags) & ARRIVED) !== 0;
    if (state === "Accepted" && !arrived && now > ride.stamp + params[0].pickupWindow) {
      return this.send("cancel (driver no-show)", () => this.market.cancelDriverNoShow(rideId));
    }
    return this.send("cancel", () => this.market.cancelRide(rideId));
  },

  async confirm(this: RideCoopClient, rideId: bigint, rating: number): Promise<TxResult> {
    return this.send("confirm", () => this.market.confirmRide(rideId, rating));
  },

  async rate(this: RideCoopClient, rideId: bigint, rating: number): Promise<TxResult> {
    return this.send("rate", () => this.market.rate(rideId, rating));
  },
};

export type RiderOps = typeof riderOps;
