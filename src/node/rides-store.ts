import fs from "node:fs";
import path from "node:path";
import type { RideSecret, RideSecretStore } from "../client/rides-store";

/**
 * .ridecoop/<network>/rides.json: the rider's secrets by ride id, so a dispute can reveal the
 * points that the on-chain commitment hides. Never committed (git-ignored).
 */
export class RideStore implements RideSecretStore {
  readonly file: string;

  constructor(network: string, root = process.cwd()) {
    this.file = path.join(root, ".ridecoop", network, "rides.json");
  }

  all(): Record<string, RideSecret> {
    if (!fs.existsSync(this.file)) return {};
    return JSON.parse(fs.readFileSync(this.file, "utf8")) as Record<string, RideSecret>;
  }

  get(rideId: bigint): RideSecret | undefined {
    return this.all()[rideId.toString()];
  }

  put(secret: RideSecret): void {
    const all = this.all();
    all[secret.rideId] = secret;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  }
}
