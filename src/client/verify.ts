import { getAddress, ZeroAddress, type Provider } from "ethers";
import {
  ArbiterPool__factory,
  CoopGovernor__factory,
  DisputeCourt__factory,
  CoopToken__factory,
  ERC2771Context__factory,
  RideMarket__factory,
  TimelockController__factory,
  VRFRandomness__factory,
} from "../../typechain-types";
import type { Deployment } from "./deployment";

/** TimelockController role ids, as the contract defines them. */
const ROLE_NAMES = ["DEFAULT_ADMIN_ROLE", "PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"] as const;

export interface WiringCheck {
  what: string;
  ok: boolean;
  expected: string;
  actual: string;
}

export class WiringError extends Error {
  constructor(readonly failed: WiringCheck[]) {
    super(
      `the deployment is not wired as it must be:\n` +
        failed.map((c) => `  - ${c.what}: expected ${c.expected}, found ${c.actual}`).join("\n"),
    );
    this.name = "WiringError";
  }
}

/**
 * Reads the chain and checks that every authority ends in the timelock: the market mints
 * RIDE, the timelock governs the market and the revenue share, the governor is the only
 * proposer and canceller, anyone executes, and nobody but the timelock itself is admin
 * (role members are counted from RoleGranted/RoleRevoked since the deployment block); and
 * every contract a user calls trusts the deployed ERC-2771 forwarder and no other.
 */
export async function checkWiring(deployment: Deployment, provider: Provider): Promise<WiringCheck[]> {
  const c = deployment.contracts;
  const timelockAddress = getAddress(c.Timelock.address);
  const market = RideMarket__factory.connect(c.RideMarket.address, provider);
  const token = CoopToken__factory.connect(c.CoopToken.address, provider);
  const governor = CoopGovernor__factory.connect(c.CoopGovernor.address, provider);
  const timelock = TimelockController__factory.connect(timelockAddress, provider);
  const checks: WiringCheck[] = [];
  const same = (what: string, expected: string, actual: string) =>
    checks.push({ what, ok: getAddress(expected) === getAddress(actual), expected, actual });

  for (const [name, record] of Object.entries(c)) {
    const code = await provider.getCode((record as { address: string }).address);
    checks.push({
      what: `${name} has code`,
      ok: code !== "0x",
      expected: "contract code",
      actual: `${code.length / 2 - 1} bytes`,
    });
  }
  same("RIDE minter is the market", c.RideMarket.address, await token.minter());
  same("market governance is the timelock", timelockAddress, await market.governance());
  same("revenue share governance is the timelock", timelockAddress, await token.governance());
  same("market fare token", deployment.fareToken.address, await market.fareToken());
  same("market RIDE token", c.CoopToken.address, await market.rideToken());
  same("RIDE revenue token is the fare token", deployment.fareToken.address, await token.revenueToken());
  same("governor timelock", timelockAddress, await governor.timelock());
  same("governor token", c.CoopToken.address, await governor.token());
  if (c.DisputeCourt !== undefined && c.ArbiterPool !== undefined) {
    const court = DisputeCourt__factory.connect(c.DisputeCourt.address, provider);
    const pool = ArbiterPool__factory.connect(c.ArbiterPool.address, provider);
    same("market court", c.DisputeCourt.address, await market.court());
    same("arbiter pool court", c.DisputeCourt.address, await pool.court());
    same("court governance is the timelock", timelockAddress, await court.governance());
    same("arbiter pool governance is the timelock", timelockAddress, await pool.governance());
    if (c.Randomness !== undefined) {
      same("arbiter pool randomness source", c.Randomness.address, await pool.randomnessSource());
      // A VRF adapter answers only its one requester, which must be the pool (it freezes the
      // draw weights before it asks); the blockhash source has no requester to check.
      const requester = await VRFRandomness__factory.connect(c.Randomness.address, provider)
        .requester()
        .catch(() => undefined);
      if (requester !== undefined)
        same("VRF randomness requester is the arbiter pool", c.ArbiterPool.address, requester);
    }
  }

  // Gasless requests: each user-facing contract trusts exactly the deployed forwarder.
  const forwarder = c.Forwarder?.address;
  checks.push({
    what: "the ERC-2771 forwarder is deployed",
    ok: forwarder !== undefined,
    expected: "contracts.Forwarder",
    actual: forwarder ?? "missing",
  });
  if (forwarder !== undefined) {
    const users: [string, string | undefined][] = [
      ["market", c.RideMarket.address],
      ["RIDE", c.CoopToken.address],
      ["governor", c.CoopGovernor.address],
      ["court", c.DisputeCourt?.address],
      ["arbiter pool", c.ArbiterPool?.address],
      ["key registry", c.KeyRegistry?.address],
    ];
    for (const [name, address] of users) {
      if (address === undefined) continue;
      const trusted = await ERC2771Context__factory.connect(address, provider).trustedForwarder();
      same(`${name} trusts the forwarder`, forwarder, trusted);
    }
  }

  // Role members from events: AccessControl does not enumerate them.
  const roles = Object.fromEntries(
    await Promise.all(ROLE_NAMES.map(async (n) => [await timelock[n](), n] as const)),
  ) as Record<string, (typeof ROLE_NAMES)[number]>;
  const members = new Map<string, Set<string>>(ROLE_NAMES.map((n) => [n, new Set<string>()]));
  const [granted, revoked] = await Promise.all([
    timelock.queryFilter(timelock.filters.RoleGranted(), deployment.blockNumber),
    timelock.queryFilter(timelock.filters.RoleRevoked(), deployment.blockNumber),
  ]);
  const ordered = [...granted.map((l) => ({ l, add: true })), ...revoked.map((l) => ({ l, add: false }))].sort(
    (a, b) => a.l.blockNumber - b.l.blockNumber || a.l.index - b.l.index,
  );
  for (const { l, add } of ordered) {
    const role = roles[l.args.role];
    if (role === undefined) continue;
    const set = members.get(role) as Set<string>;
    if (add) set.add(getAddress(l.args.account));
    else set.delete(getAddress(l.args.account));
  }
  const list = (s: Set<string> | undefined) => [...(s ?? [])].sort().join(", ") || "nobody";
  const exactly = (role: (typeof ROLE_NAMES)[number], expected: string[]) => {
    const actual = list(members.get(role));
    const want = [...expected]
      .map((a) => getAddress(a))
      .sort()
      .join(", ");
    checks.push({ what: `timelock ${role} members`, ok: actual === want, expected: want, actual });
  };
  exactly("DEFAULT_ADMIN_ROLE", [timelockAddress]);
  exactly("PROPOSER_ROLE", [c.CoopGovernor.address]);
  exactly("CANCELLER_ROLE", [c.CoopGovernor.address]);
  exactly("EXECUTOR_ROLE", [ZeroAddress]);
  const deployerAdmin = await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), deployment.deployer);
  checks.push({
    what: "deployer renounced the timelock admin role",
    ok: !deployerAdmin,
    expected: "false",
    actual: String(deployerAdmin),
  });
  return checks;
}

/** {@link checkWiring}, failing loudly with every check that is off. */
export async function verifyWiring(deployment: Deployment, provider: Provider): Promise<WiringCheck[]> {
  const checks = await checkWiring(deployment, provider);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) throw new WiringError(failed);
  return checks;
}
