// The driver: register, stake, open requests nearby, accept or offer, arrive, pick up, complete, claim.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { getAddress, ZeroAddress } from "ethers";
import { areaTopic, areaWithNeighbours, bytes6ToCell } from "../geo";
import { ClientStateError, RIDE_STATES } from "./errors";
import type { TxResult, OpenRequest } from "./types";
import type { RideCoopClient } from "./client";

export const driverOps = {
  /**
   * Registers with `stake`, approving the market first if needed (through a relayer: a permit the
   * relayer submits).
   */
  async registerDriver(this: RideCoopClient, stake: bigint): Promise<TxResult[]> {
    const txs: TxResult[] = [];
    const allowed = await this.allow("fare", await this.market.getAddress(), stake, "");
    if (allowed !== undefined) txs.push(allowed);
    txs.push(await this.send("register driver", () => this.market.registerDriver(stake)));
    return txs;
  },

  async addStake(this: RideCoopClient, amount: bigint): Promise<TxResult[]> {
    const txs: TxResult[] = [];
    const allowed = await this.allow("fare", await this.market.getAddress(), amount, "");
    if (allowed !== undefined) txs.push(allowed);
    txs.push(await this.send("add stake", () => this.market.addStake(amount)));
    return txs;
  },

  /** Withdraws `amount` of stake, or with `all` deregisters and takes the whole stake back. */
  async unstake(this: RideCoopClient, amount: bigint | "all"): Promise<TxResult> {
    if (amount === "all") return this.send("deregister", () => this.market.deregisterDriver());
    return this.send("withdraw stake", () => this.market.withdrawStake(amount));
  },

  /** Open, unexpired requests whose pickup lies in `cell`'s area or one of its eight neighbours. */
  async openRequestsNear(this: RideCoopClient, cell: string): Promise<OpenRequest[]> {
    const areas = areaWithNeighbours(cell).map(areaTopic);
    const topic = this.market.interface.getEvent("RideRequested").topicHash;
    const now = await this.now();
    // A request lives at most MAX_REQUEST_TTL: older logs cannot be open.
    const since = await this.firstBlockSince(now - (await this.market.MAX_REQUEST_TTL()));
    const logs = await this.rawLogs([topic, null, null, areas], since);
    const out: OpenRequest[] = [];
    for (const log of logs) {
      const parsed = this.market.interface.parseLog(log);
      if (parsed === null) continue;
      const rideId = parsed.args.getValue("rideId") as bigint;
      const ride = await this.market.getRide(rideId);
      if (RIDE_STATES[Number(ride.state)] !== "Requested" || ride.stamp < now) continue;
      out.push({
        rideId,
        rider: parsed.args.getValue("rider") as string,
        pickupCell: bytes6ToCell(parsed.args.getValue("pickupCell") as string),
        dropoffCell: bytes6ToCell(parsed.args.getValue("dropoffCell") as string),
        maxFare: ride.fare,
        expiresAt: ride.stamp,
        minRating: Number(ride.minRating),
        driver: ride.driver,
      });
    }
    return out;
  },

  /** Accepts at the rider's fare; `fare` pins it (default: the escrow as read now). */
  async accept(this: RideCoopClient, rideId: bigint, fare?: bigint): Promise<TxResult> {
    const [ride, me] = await Promise.all([this.market.getRide(rideId), this.address()]);
    refuseOwnRide(rideId, ride.rider, me);
    const agreed = fare ?? ride.fare;
    return this.send("accept", () => this.market.acceptRide(rideId, agreed));
  },

  /** Offers to drive for `fare` for `ttl` seconds (capped at the request's own expiry). */
  async offer(this: RideCoopClient, rideId: bigint, fare: bigint, ttl: number): Promise<TxResult> {
    const [ride, now, me] = await Promise.all([this.market.getRide(rideId), this.now(), this.address()]);
    refuseOwnRide(rideId, ride.rider, me);
    const wanted = now + BigInt(ttl);
    const expiresAt = ride.stamp > 0n && wanted > ride.stamp ? ride.stamp : wanted;
    return this.send("offer", () => this.market.makeOffer(rideId, fare, expiresAt));
  },

  async arrived(this: RideCoopClient, rideId: bigint): Promise<TxResult> {
    return this.send("arrived", () => this.market.markArrived(rideId));
  },

  async pickup(this: RideCoopClient, rideId: bigint): Promise<TxResult> {
    return this.send("pickup", () => this.market.startRide(rideId));
  },

  async complete(this: RideCoopClient, rideId: bigint): Promise<TxResult> {
    return this.send("complete", () => this.market.completeRide(rideId));
  },

  /** The driver cancels after waiting the no-show window for a rider who did not come. */
  async riderNoShow(this: RideCoopClient, rideId: bigint): Promise<TxResult> {
    return this.send("cancel (rider no-show)", () => this.market.cancelRiderNoShow(rideId));
  },

  async claimRewards(this: RideCoopClient): Promise<TxResult> {
    return this.send("claim rewards", () => this.market.claimRewards());
  },
};

export type DriverOps = typeof driverOps;

/** A rider cannot drive their own request: say so before the market answers DriverNotAllowed. */
function refuseOwnRide(rideId: bigint, rider: string, me: string): void {
  if (rider !== ZeroAddress && getAddress(rider) === getAddress(me)) {
    throw new ClientStateError(
      `ride ${rideId} is your own request (${me} asked for it), and a rider cannot drive their own ride. Hint: drive it from another account (--account), or cancel it with rider:cancel --ride ${rideId}`,
    );
  }
}
