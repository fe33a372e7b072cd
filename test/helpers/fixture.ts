import { loadFixture as loadSnapshot, mine, time } from "@nomicfoundation/hardhat-network-helpers";

/**
 * `loadFixture`, with the chain's clock put back where the fixture left it. A revert to an old
 * snapshot otherwise jumps the next block to the wall clock: after a few minutes of other test
 * files (or on a slow machine) that is past every deadline a test computed from the latest
 * block, such as a request's expiry (issue 18). Here the first block after the fixture is
 * mined one second after its snapshot, and the chain's time goes on from there.
 */
export async function loadFixture<T>(fixture: () => Promise<T>): Promise<T> {
  const result = await loadSnapshot(fixture);
  await time.setNextBlockTimestamp((await time.latest()) + 1);
  await mine();
  return result;
}
