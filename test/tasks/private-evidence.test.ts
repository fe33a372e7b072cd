import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "../helpers/fixture";
import { hexlify, toUtf8Bytes } from "ethers";
import {
  RideCoopClient,
  encodeReveal,
  envelopeUri,
  parseEnvelope,
  seal,
  type EvidenceItem,
  type RequestResult,
  type RideSecret,
  type SealedRevealResult,
} from "../../src/client";
import { saveDeployment } from "../../src/node/deployment";
import { RideStore } from "../../src/node/rides-store";
import { unseal } from "../../src/client/sealed";
import { cellToBytes6, routeCommitment } from "../../src/geo";
import type { DeployResult } from "../../src/deploy";
import { DRIVER, OTHER_DRIVER, RIDER, deployedWithParties, run, takeOutput } from "./helpers";

const KEEPER = "4";
const STRANGER = "5";
const SEOUL = "37.4979,127.0276";
const JONGNO = "wydq8e";

/** Both drivers earned RIDE, staked 20 as arbiters and registered evidence keys; a ride (id 3) is disputed and its panel drawn. */
async function seatedFixture(): Promise<DeployResult & { id: string }> {
  const deployed = await deployedWithParties();
  await run("driver:register", { account: OTHER_DRIVER, stake: "100" });
  for (const driver of [DRIVER, OTHER_DRIVER]) {
    const { rideId } = await run<RequestResult>("rider:request", {
      account: RIDER,
      from: SEOUL,
      to: JONGNO,
      maxFare: "50",
      expires: "15m",
    });
    await run("driver:accept", { account: driver, ride: rideId.toString() });
    await run("driver:pickup", { account: driver, ride: rideId.toString() });
    await run("rider:confirm", { account: RIDER, ride: rideId.toString(), rating: "5" });
    await run("driver:claim", { account: driver });
    await run("withdraw", { account: driver });
    await run("arbiter:stake", { account: driver, amount: "20" });
    await run("arbiter:register-key", { account: driver });
  }
  const { rideId } = await run<RequestResult>("rider:request", {
    account: RIDER,
    from: SEOUL,
    to: JONGNO,
    maxFare: "20",
    expires: "15m",
  });
  const id = rideId.toString();
  await run("driver:accept", { account: DRIVER, ride: id });
  await run("driver:pickup", { account: DRIVER, ride: id });
  await run("ride:dispute", { account: RIDER, ride: id });
  await run("keeper:run", { account: KEEPER, once: true, mine: true });
  takeOutput();
  return { ...deployed, id };
}

async function load(): Promise<DeployResult & { id: string }> {
  const deployed = await loadFixture(seatedFixture);
  saveDeployment(deployed.deployment, hre.config.paths.root);
  return deployed;
}

async function clientOf(deployed: DeployResult, account: string): Promise<RideCoopClient> {
  const signers = await hre.ethers.getSigners();
  return new RideCoopClient(deployed.deployment, signers[Number(account)]);
}

function secretOf(id: string): RideSecret {
  return new RideStore(hre.network.name, hre.config.paths.root).get(BigInt(id))!;
}

/** Every spelling of the exact points a log could carry: decimal text, UTF-8 hex, fixed-point. */
function exactSpellings(secret: RideSecret): string[] {
  const out: string[] = [];
  for (const p of [secret.pickup, secret.dropoff]) {
    for (const v of [p.lat, p.lon]) {
      const text = String(v);
      out.push(text, hexlify(toUtf8Bytes(text)).slice(2), encodeURIComponent(text));
    }
  }
  return out;
}

describe("tasks: private evidence (sealed route reveals)", function () {
  it("arbiter:register-key registers the key derived from the wallet, and a second run sends nothing", async function () {
    const deployed = await load();
    const client = await clientOf(deployed, OTHER_DRIVER);
    const again = await run<{ publicKey: string; tx?: unknown }>("arbiter:register-key", { account: OTHER_DRIVER });
    expect(again.tx).to.equal(undefined);
    expect(await client.keys.keyOf(await client.address())).to.equal(again.publicKey);
    expect(again.publicKey).to.equal((await client.evidenceKey()).publicKey);
  });

  it("ride:reveal seals the route to the seated arbiter only", async function () {
    const { id } = await load();
    const r = await run<SealedRevealResult>("ride:reveal", { account: RIDER, dispute: id });
    const [arbiter] = await hre.ethers.getSigners().then((s) => [s[Number(OTHER_DRIVER)].address]);
    expect([r.round, r.sealedTo, r.missingKey]).to.deep.equal([0, [arbiter], []]);
    expect(takeOutput()).to.contain(`Sealed the route of ride ${id} to 1 arbiter(s) of round 0: ${arbiter}`);
  });

  it("a seated arbiter opens the reveal and sees the route verified against the ride's commitment", async function () {
    const { id } = await load();
    await run("ride:reveal", { account: RIDER, dispute: id });
    const evidence = await run<EvidenceItem[]>("arbiter:evidence", { account: OTHER_DRIVER, dispute: id });
    const secret = secretOf(id);
    expect(evidence).to.have.length(1);
    expect([evidence[0].revealVerified, evidence[0].reveal?.pickup, evidence[0].reveal?.dropoff]).to.deep.equal([
      true,
      secret.pickup,
      secret.dropoff,
    ]);
    expect(takeOutput()).to.contain("opened with your key: pickup ");
  });

  it("arbiter:disputes shows the seated arbiter its opened reveal", async function () {
    const { id } = await load();
    await run("ride:reveal", { account: RIDER, dispute: id });
    const duties = await run<{ evidence: EvidenceItem[] }[]>("arbiter:disputes", { account: OTHER_DRIVER });
    expect(duties[0].evidence.map((e) => e.revealVerified)).to.deep.equal([true]);
  });

  it("nobody else can open it: a party and a stranger see only that it is sealed", async function () {
    const { id } = await load();
    await run("ride:reveal", { account: RIDER, dispute: id });
    for (const account of [DRIVER, STRANGER]) {
      const evidence = await run<EvidenceItem[]>("arbiter:evidence", { account, dispute: id });
      expect([evidence[0].revealVerified, evidence[0].reveal, evidence[0].sealed?.round]).to.deep.equal([
        undefined,
        undefined,
        0,
      ]);
    }
  });

  it("a stranger's key does not open the box addressed to the arbiter", async function () {
    const deployed = await load();
    await run("ride:reveal", { account: RIDER, dispute: deployed.id });
    const stranger = await clientOf(deployed, STRANGER);
    const [log] = await stranger.events(stranger.court.filters.Evidence(BigInt(deployed.id)), stranger.court);
    const box = parseEnvelope(log.args.uri)!.boxes[0].box;
    const { secret } = await stranger.evidenceKey();
    expect(() => unseal(secret, box)).to.throw();
  });

  it("no log on chain carries the exact pickup or drop-off, and no court log their cells, in any spelling", async function () {
    const deployed = await load();
    await run("ride:reveal", { account: RIDER, dispute: deployed.id });
    const secret = secretOf(deployed.id);
    const court = deployed.deployment.contracts.DisputeCourt!.address.toLowerCase();
    const logs = await hre.ethers.provider.getLogs({ fromBlock: deployed.deployment.blockNumber, toBlock: "latest" });
    const courtContract = await hre.ethers.getContractAt("DisputeCourt", court);
    const evidenceTopic = courtContract.interface.getEvent("Evidence").topicHash;
    const evidenceLogs = logs.filter((l) => l.address.toLowerCase() === court && l.topics[0] === evidenceTopic);
    expect(evidenceLogs).to.have.length(1); // the sealed reveal is there, and is checked below
    const cells = [secret.pickupCell, secret.dropoffCell].flatMap((c) => [c, cellToBytes6(c).slice(2)]);
    for (const log of logs) {
      const hex = (log.data + log.topics.join("")).toLowerCase();
      const text = Buffer.from(log.data.slice(2), "hex").toString("latin1");
      let uri = text;
      try {
        uri = decodeURIComponent(text);
      } catch {
        // not URI text: the raw text is checked
      }
      const forbidden = [...exactSpellings(secret), ...(log.address.toLowerCase() === court ? cells : [])];
      for (const s of forbidden) {
        const where = `log ${log.index} of block ${log.blockNumber} (${log.address})`;
        expect(hex.includes(s.toLowerCase()), `${where} holds ${s}`).to.equal(false);
        expect(text.includes(s) || uri.includes(s), `${where} spells ${s}`).to.equal(false);
      }
    }
  });

  it("an altered box is reported unverified", async function () {
    const deployed = await load();
    const rider = await clientOf(deployed, RIDER);
    const { tx } = await rider.revealRouteToPanel(BigInt(deployed.id), secretOf(deployed.id));
    const [log] = await rider.events(rider.court.filters.Evidence(BigInt(deployed.id)), rider.court);
    expect(log.transactionHash).to.equal(tx.hash);
    const envelope = parseEnvelope(log.args.uri)!;
    const b = envelope.boxes[0].box;
    const flipped = b.slice(0, -2) + (b.endsWith("00") ? "01" : "00");
    await rider.submitEvidence(BigInt(deployed.id), {
      uri: envelopeUri({ ...envelope, boxes: [{ ...envelope.boxes[0], box: flipped }] }),
      hash: log.args.hash,
    });
    const evidence = await (await clientOf(deployed, OTHER_DRIVER)).evidence(BigInt(deployed.id));
    expect(evidence.map((e) => [e.revealVerified, e.problem])).to.deep.equal([
      [true, undefined],
      [false, "the box does not open with your key: it was altered"],
    ]);
  });

  it("a reveal that does not hash to the ride's commitment is reported unverified", async function () {
    const deployed = await load();
    const rider = await clientOf(deployed, RIDER);
    const arbiter = await clientOf(deployed, OTHER_DRIVER);
    const secret = secretOf(deployed.id);
    const moved = { ...secret.dropoff, lat: secret.dropoff.lat + 0.01 };
    const key = await arbiter.keys.keyOf(await arbiter.address());
    const plaintext = encodeReveal({
      type: "ridecoop/route-reveal",
      rideId: deployed.id,
      pickup: secret.pickup,
      dropoff: moved,
      salt: secret.salt,
    });
    await rider.submitEvidence(BigInt(deployed.id), {
      uri: envelopeUri({
        type: "ridecoop/sealed-route-reveal",
        v: 1,
        rideId: deployed.id,
        round: 0,
        boxes: [{ to: await arbiter.address(), key, box: seal(key, plaintext) }],
      }),
      // the poster's own hash of the false route: the reader checks the ride's commitment instead
      hash: routeCommitment(secret.pickup, moved, secret.salt),
    });
    const [e] = await arbiter.evidence(BigInt(deployed.id));
    expect([e.revealVerified, e.problem]).to.deep.equal([
      false,
      "the revealed route does not match the ride's commitment",
    ]);
  });

  it("ride:reveal before the panel is drawn says there is nobody to seal to yet", async function () {
    await load();
    const { rideId } = await run<RequestResult>("rider:request", {
      account: RIDER,
      from: SEOUL,
      to: JONGNO,
      maxFare: "20",
      expires: "15m",
    });
    const id = rideId.toString();
    await run("driver:accept", { account: DRIVER, ride: id });
    await run("driver:pickup", { account: DRIVER, ride: id });
    await run("ride:dispute", { account: RIDER, ride: id });
    await expect(run("ride:reveal", { account: RIDER, dispute: id })).to.be.rejectedWith(
      `dispute ${id} is Drawing: its panel is not seated, so there is nobody to seal the route to yet`,
    );
  });
});
