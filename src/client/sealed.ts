/**
 * Sealed evidence: a route reveal encrypted to each seated arbiter, so the exact pickup and
 * drop-off never appear in plaintext on chain (docs/DISPUTES.md, "Private evidence").
 *
 * Cryptography is eciesjs (x25519 key agreement, HKDF-SHA256, XChaCha20-Poly1305), pinned in
 * package.json; nothing here combines primitives itself. An arbiter's x25519 secret is the
 * keccak256 of its wallet's signature over a fixed message naming the chain and the key
 * registry, so nothing new is stored and any machine holding the wallet derives the same key.
 */
import { ECIES_CONFIG, PrivateKey, decrypt, encrypt } from "eciesjs";
import { getAddress, getBytes, hexlify, keccak256, toUtf8Bytes, toUtf8String, type Signer } from "ethers";
import { routeCommitment, type LatLon } from "../geo";

/** The rider's reveal of a route: the exact points and the salt behind the ride's commitment. */
export interface RouteReveal {
  type: "ridecoop/route-reveal";
  rideId: string;
  pickup: LatLon;
  dropoff: LatLon;
  salt: string;
}

/** One box of an envelope: the reveal sealed to `to`'s registered `key`. */
export interface SealedBox {
  to: string;
  key: string;
  box: string;
}

/** What a sealed route reveal posts as its evidence URI (a data: URI of this JSON). */
export interface SealedEnvelope {
  type: "ridecoop/sealed-route-reveal";
  v: 1;
  rideId: string;
  round: number;
  boxes: SealedBox[];
}

/** An x25519 key pair for reading sealed evidence; `publicKey` is what KeyRegistry stores. */
export interface EvidenceKey {
  publicKey: string;
  secret: Uint8Array;
}

const ENVELOPE_PREFIX = "data:application/json,";
/** Plaintexts are padded to a multiple of this, so box sizes do not hint at the coordinates. */
const PAD_TO = 128;

/** The fixed message whose signature derives an account's evidence key on this deployment. */
export function evidenceKeyMessage(chainId: bigint, registry: string): string {
  return [
    "RideCoop evidence key v1",
    `chain ${chainId}`,
    `key registry ${getAddress(registry)}`,
    "Sign this only in the RideCoop client: the signature decrypts dispute evidence sealed to you.",
  ].join("\n");
}

/** Runs `fn` with eciesjs set to x25519 + XChaCha20 (its configuration is a module global). */
function withX25519<T>(fn: () => T): T {
  const saved = { curve: ECIES_CONFIG.ellipticCurve, sym: ECIES_CONFIG.symmetricAlgorithm };
  ECIES_CONFIG.ellipticCurve = "x25519";
  ECIES_CONFIG.symmetricAlgorithm = "xchacha20";
  try {
    return fn();
  } finally {
    ECIES_CONFIG.ellipticCurve = saved.curve;
    ECIES_CONFIG.symmetricAlgorithm = saved.sym;
  }
}

/** The evidence key of `signer` on this deployment (deterministic: same wallet, same key). */
export async function deriveEvidenceKey(signer: Signer, chainId: bigint, registry: string): Promise<EvidenceKey> {
  const signature = await signer.signMessage(evidenceKeyMessage(chainId, registry));
  const secret = getBytes(keccak256(signature));
  const publicKey = hexlify(new PrivateKey(secret, "x25519").publicKey.toBytes());
  return { publicKey, secret };
}

/** `plaintext` sealed to the x25519 public key `publicKey` (32-byte hex), as hex. */
export function seal(publicKey: string, plaintext: Uint8Array): string {
  return hexlify(withX25519(() => encrypt(getBytes(publicKey), plaintext)));
}

/** Opens a box sealed to `secret`'s public key; throws when it was sealed to another key or altered. */
export function unseal(secret: Uint8Array, box: string): Uint8Array {
  return withX25519(() => decrypt(secret, getBytes(box)));
}

/** The reveal as padded UTF-8 JSON (trailing spaces are valid JSON whitespace). */
export function encodeReveal(reveal: RouteReveal): Uint8Array {
  const json = JSON.stringify(reveal);
  const padded = Math.ceil((json.length + 1) / PAD_TO) * PAD_TO;
  return toUtf8Bytes(json.padEnd(padded, " "));
}

/** A decrypted reveal, or undefined when the plaintext is not one. */
export function decodeReveal(bytes: Uint8Array): RouteReveal | undefined {
  try {
    const v = JSON.parse(toUtf8String(bytes)) as Partial<RouteReveal>;
    if (v.type !== "ridecoop/route-reveal" || typeof v.rideId !== "string" || typeof v.salt !== "string") {
      return undefined;
    }
    const point = (p: unknown): p is LatLon =>
      typeof p === "object" &&
      p !== null &&
      typeof (p as LatLon).lat === "number" &&
      typeof (p as LatLon).lon === "number";
    if (!point(v.pickup) || !point(v.dropoff)) return undefined;
    return v as RouteReveal;
  } catch {
    return undefined;
  }
}

/** Whether `reveal` is ride `rideId`'s and hashes to its on-chain commitment. */
export function revealMatches(reveal: RouteReveal, rideId: bigint, commitment: string | undefined): boolean {
  return (
    commitment !== undefined &&
    reveal.rideId === rideId.toString() &&
    routeCommitment(reveal.pickup, reveal.dropoff, reveal.salt) === commitment
  );
}

/** The envelope's data: URI. */
export function envelopeUri(envelope: SealedEnvelope): string {
  return `${ENVELOPE_PREFIX}${encodeURIComponent(JSON.stringify(envelope))}`;
}

/** The envelope inside an evidence URI, or undefined for any other URI. */
export function parseEnvelope(uri: string): SealedEnvelope | undefined {
  if (!uri.startsWith(ENVELOPE_PREFIX)) return undefined;
  try {
    const v = JSON.parse(decodeURIComponent(uri.slice(ENVELOPE_PREFIX.length))) as Partial<SealedEnvelope>;
    if (v.type !== "ridecoop/sealed-route-reveal" || v.v !== 1 || !Array.isArray(v.boxes)) return undefined;
    if (typeof v.rideId !== "string" || typeof v.round !== "number") return undefined;
    const ok = v.boxes.every(
      (b: Partial<SealedBox>) => typeof b.to === "string" && typeof b.key === "string" && typeof b.box === "string",
    );
    return ok ? (v as SealedEnvelope) : undefined;
  } catch {
    return undefined;
  }
}
