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

/** Where a rider's secrets are kept: a file under Node (src/node/rides-store.ts), storage in a browser. */
export interface RideSecretStore {
  get(rideId: bigint): RideSecret | undefined;
  put(secret: RideSecret): void;
}
