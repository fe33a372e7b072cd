// The parties of a dispute: open it, post evidence, settle, appeal, and seal the route to the panel.
// Methods of RideCoopClient (client.ts mixes them in); `this` is the client.
import { getAddress, ZeroAddress, ZeroHash } from "ethers";
import { DISPUTE_OUTCOMES, DISPUTE_STATUSES, ClientStateError, explainError } from "./errors";
import type { RideSecret } from "./rides-store";
import {
  decodeReveal,
  deriveEvidenceKey,
  encodeReveal,
  envelopeUri,
  parseEnvelope,
  revealMatches,
  seal,
  unseal,
  type EvidenceKey,
  type RouteReveal,
  type SealedBox,
} from "./sealed";
import type { TxResult, EvidenceInput, EvidenceItem, SealedRevealResult, DisputeView } from "./types";
import type { RideCoopClient } from "./client";

export const disputePartyOps = {
  /** The commitment posted with the request, from its RideRequested event. */
  async rideCommitment(this: RideCoopClient, rideId: bigint): Promise<string | undefined> {
    const logs = await this.events(this.market.filters.RideRequested(rideId), this.market);
    return logs[0]?.args.commitment;
  },

  /**
   * Opens a dispute on `rideId`, paying the dispute fee (approving the court when the allowance
   * is short; through a relayer, a permit the relayer submits), then posts each piece of evidence. A dispute's id is its ride's id.
   */
  async openDispute(
    this: RideCoopClient,
    rideId: bigint,
    evidence: EvidenceInput[] = [],
  ): Promise<{ disputeId: bigint; fee: bigint; txs: TxResult[] }> {
    const court = this.court;
    const fee = (await court.parameters()).disputeFee;
    const txs: TxResult[] = [];
    const allowed = await this.allow("fare", await court.getAddress(), fee, "court");
    if (allowed !== undefined) txs.push(allowed);
    txs.push(await this.send("open dispute", () => court.openDispute(rideId)));
    for (const item of evidence) txs.push(await this.submitEvidence(rideId, item));
    return { disputeId: rideId, fee, txs };
  },

  async submitEvidence(this: RideCoopClient, disputeId: bigint, evidence: EvidenceInput): Promise<TxResult> {
    return this.send("evidence", () => this.court.submitEvidence(disputeId, evidence.uri, evidence.hash));
  },

  /**
   * Settles on `riderBps` of the fare to the rider: accepts when the other party's standing
   * proposal is the same split (a different one reverts with SettlementMismatch), proposes
   * otherwise. `counter` proposes even over the other party's proposal.
   */
  async settle(
    this: RideCoopClient,
    disputeId: bigint,
    riderBps: number,
    counter = false,
  ): Promise<{ action: "proposed" | "accepted"; tx: TxResult }> {
    const [proposal, me] = await Promise.all([this.court.getProposal(disputeId), this.address()]);
    const theirs = proposal.proposer !== ZeroAddress && getAddress(proposal.proposer) !== me;
    if (theirs && !counter) {
      return {
        action: "accepted",
        tx: await this.send("accept settlement", () => this.court.acceptSettlement(disputeId, riderBps)),
      };
    }
    return {
      action: "proposed",
      tx: await this.send("propose settlement", () => this.court.proposeSettlement(disputeId, riderBps)),
    };
  },

  /** The losing party appeals the round's ruling, paying the next round's appeal fee. */
  async appeal(this: RideCoopClient, disputeId: bigint): Promise<{ fee: bigint; txs: TxResult[] }> {
    const court = this.court;
    const d = await this.read(() => court.getDispute(disputeId));
    const fee = await this.read(() => court.appealFee(disputeId, Number(d.round) + 1));
    const txs: TxResult[] = [];
    const allowed = await this.allow("fare", await court.getAddress(), fee, "court");
    if (allowed !== undefined) txs.push(allowed);
    txs.push(await this.send("appeal", () => court.appeal(disputeId, fee)));
    return { fee, txs };
  },

  /** This account's evidence key, derived from its signature over a fixed message (never stored). */
  async evidenceKey(this: RideCoopClient): Promise<EvidenceKey> {
    this.evidenceKeyCache ??= (async () =>
      deriveEvidenceKey(this.signer, (await this.provider.getNetwork()).chainId, await this.keys.getAddress()))();
    return this.evidenceKeyCache;
  },

  /** Registers this account's evidence key in the KeyRegistry (nothing is sent when it is already there). */
  async registerEvidenceKey(this: RideCoopClient): Promise<{ publicKey: string; tx?: TxResult }> {
    const [{ publicKey }, me] = await Promise.all([this.evidenceKey(), this.address()]);
    if ((await this.keys.keyOf(me)) === publicKey) return { publicKey };
    return { publicKey, tx: await this.send("register evidence key", () => this.keys.registerKey(publicKey)) };
  },

  /**
   * Seals the rider's exact route to each arbiter seated in the dispute's current round (with
   * `court.getSeat`) and posts the boxes as one piece of evidence whose hash is the ride's
   * commitment: only that commitment and ciphertext go on chain. Run it once the panel is
   * seated (Voting), and again after an appeal seats a new panel.
   */
  async revealRouteToPanel(this: RideCoopClient, disputeId: bigint, secret: RideSecret): Promise<SealedRevealResult> {
    const court = this.court;
    const commitment = await this.rideCommitment(disputeId);
    const reveal: RouteReveal = {
      type: "ridecoop/route-reveal",
      rideId: secret.rideId,
      pickup: secret.pickup,
      dropoff: secret.dropoff,
      salt: secret.salt,
    };
    if (!revealMatches(reveal, disputeId, commitment)) {
      throw new ClientStateError(
        `the kept route of ride ${secret.rideId} does not hash to ride ${disputeId}'s commitment ${commitment ?? "(none)"}: it is for another ride or deployment`,
      );
    }
    const d = await this.read(() => court.getDispute(disputeId));
    const status = DISPUTE_STATUSES[Number(d.status)];
    if (status !== "Voting") {
      throw new ClientStateError(
        `dispute ${disputeId} is ${status}: its panel is not seated, so there is nobody to seal the route to yet; reveal once it is Voting (dispute:show --dispute ${disputeId})`,
      );
    }
    const round = Number(d.round);
    const size = Number(await court.panelSize(round));
    const seats = await Promise.all(Array.from({ length: size }, (_, s) => court.getSeat(disputeId, round, s)));
    const arbiters = [...new Set(seats.map((s) => getAddress(s.arbiter)).filter((a) => a !== ZeroAddress))];
    const plaintext = encodeReveal(reveal);
    const boxes: SealedBox[] = [];
    const missingKey: string[] = [];
    for (const arbiter of arbiters) {
      const key = await this.keys.keyOf(arbiter);
      if (key === ZeroHash) missingKey.push(arbiter);
      else boxes.push({ to: arbiter, key, box: seal(key, plaintext) });
    }
    if (boxes.length === 0) {
      throw new ClientStateError(
        `no arbiter seated in dispute ${disputeId} has registered an evidence key, so the route cannot be sealed to anyone; ask them to run arbiter:register-key, then reveal again`,
      );
    }
    const uri = envelopeUri({ type: "ridecoop/sealed-route-reveal", v: 1, rideId: disputeId.toString(), round, boxes });
    const tx = await this.submitEvidence(disputeId, { uri, hash: commitment! });
    return { round, sealedTo: boxes.map((b) => b.to), missingKey, tx };
  },

  /**
   * Evidence posted in a dispute. A sealed reveal addressed to this account is opened with its
   * evidence key and checked against the ride's on-chain commitment (not against the hash its
   * poster chose); reveals sealed to others stay closed.
   */
  async evidence(this: RideCoopClient, disputeId: bigint): Promise<EvidenceItem[]> {
    const logs = await this.events(this.court.filters.Evidence(disputeId), this.court);
    const me = await this.address();
    let commitment: Promise<string | undefined> | undefined;
    const out: EvidenceItem[] = [];
    for (const l of logs) {
      const item: EvidenceItem = { party: l.args.party, uri: l.args.uri, hash: l.args.hash };
      const envelope = parseEnvelope(l.args.uri);
      if (envelope !== undefined) {
        item.sealed = { round: envelope.round, recipients: envelope.boxes.map((b) => b.to) };
        const mine = envelope.boxes.find((b) => b.to.toLowerCase() === me.toLowerCase());
        if (mine !== undefined) {
          commitment ??= this.rideCommitment(disputeId);
          Object.assign(item, await this.openBox(mine, disputeId, await commitment));
        }
      }
      out.push(item);
    }
    return out;
  },

  /** @internal */
  async openBox(
    this: RideCoopClient,
    box: SealedBox,
    disputeId: bigint,
    commitment: string | undefined,
  ): Promise<Pick<EvidenceItem, "revealVerified" | "reveal" | "problem">> {
    const key = await this.evidenceKey();
    if (box.key !== key.publicKey) {
      return {
        revealVerified: false,
        problem: `it was sealed to key ${box.key}, not to your current key ${key.publicKey}`,
      };
    }
    let reveal: RouteReveal | undefined;
    try {
      reveal = decodeReveal(unseal(key.secret, box.box));
    } catch {
      return { revealVerified: false, problem: "the box does not open with your key: it was altered" };
    }
    if (reveal === undefined) return { revealVerified: false, problem: "the box holds no route reveal" };
    if (!revealMatches(reveal, disputeId, commitment)) {
      return { revealVerified: false, reveal, problem: "the revealed route does not match the ride's commitment" };
    }
    return { revealVerified: true, reveal };
  },

  /** A dispute: status, parties, panel, proposal, evidence, deadline. */
  async showDispute(this: RideCoopClient, disputeId: bigint): Promise<DisputeView> {
    const court = this.court;
    const [d, proposal, now] = await Promise.all([
      court.getDispute(disputeId),
      court.getProposal(disputeId),
      this.now(),
    ]);
    if (d.rider === ZeroAddress) {
      throw explainError(
        { data: court.interface.encodeErrorResult("DisputeUnknown", [disputeId]) },
        this.errorContext(now),
      );
    }
    const round = Number(d.round);
    const size = Number(await court.panelSize(round));
    const seats = await Promise.all(Array.from({ length: size }, (_, s) => court.getSeat(disputeId, round, s)));
    const status = DISPUTE_STATUSES[Number(d.status)];
    const [randomness, evidence, resolved] = await Promise.all([
      this.drawRandomness(d.drawEpoch),
      this.evidence(disputeId),
      status === "Resolved" ? this.events(court.filters.DisputeResolved(disputeId), court) : Promise.resolve([]),
    ]);
    return {
      disputeId,
      status,
      outcome: resolved.length > 0 ? DISPUTE_OUTCOMES[Number(resolved[0].args.outcome)] : undefined,
      rider: d.rider,
      driver: d.driver,
      fare: d.fare,
      openedByRider: d.openedByRider,
      round,
      failedDraws: Number(d.failedDraws),
      riderBps: Number(d.riderBps),
      deadline: d.deadline,
      randomness,
      proposal:
        proposal.proposer === ZeroAddress
          ? undefined
          : { proposer: proposal.proposer, riderBps: Number(proposal.riderBps) },
      seats: seats
        .filter((s) => s.arbiter !== ZeroAddress)
        .map((s) => ({ arbiter: s.arbiter, locked: s.locked, riderBps: Number(s.riderBps), voted: s.voted })),
      evidence,
      now,
    };
  },
};

export type DisputePartyOps = typeof disputePartyOps;

/** One line about a piece of evidence, as the tasks print it. */
export function describeEvidence(e: EvidenceItem): string {
  if (e.sealed === undefined) return e.uri;
  const what = `sealed route reveal for round ${e.sealed.round}`;
  if (e.revealVerified === undefined) return `${what}, readable by ${e.sealed.recipients.length} seated arbiter(s)`;
  if (!e.revealVerified) return `${what}: UNVERIFIED, ${e.problem ?? "it does not check out"}`;
  const p = (x: { lat: number; lon: number }) => `${x.lat},${x.lon}`;
  return `${what}, opened with your key: pickup ${p(e.reveal!.pickup)}, drop-off ${p(e.reveal!.dropoff)} (matches the ride's commitment)`;
}
