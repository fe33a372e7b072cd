import fs from "node:fs";
import path from "node:path";
import type { LatLon } from "../geo";

/** What a rider keeps off chain about a request: the exact points and the commitment's salt. */
export interface RideSecret {
  rideId: string;
  rider: string;
  pickup: LatLon;
  dropoff: LatLon;
  pickupCell: string;
  dropoffCell: string;
  salt: string;
  commitment: string;
  requestedAt: string;
}

/**
 * .ridecoop/<network>/rides.json: the rider's secrets by ride id, so a dispute can reveal the
 * points that the on-chain commitment hides. Never committed (git-ignored).
 */
export class RideStore {
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
