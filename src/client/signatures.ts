import { Signature, type Signer } from "ethers";
import type { CoopGovernor } from "../../typechain-types";

/** The EIP-712 domain and nonce source of a token with EIP-2612 permit. */
export interface PermitToken {
  eip712Domain(): Promise<
    [string, string, string, bigint, string, string, bigint[]] & {
      name: string;
      version: string;
      chainId: bigint;
      verifyingContract: string;
    }
  >;
  nonces(owner: string): Promise<bigint>;
}

/** An EIP-2612 permit by `owner` for `spender` to move `value` until `deadline`. */
export async function signPermit(
  token: PermitToken,
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<{ v: number; r: string; s: string; signature: string }> {
  const ownerAddress = await owner.getAddress();
  const domain = await token.eip712Domain();
  const signature = await owner.signTypedData(
    {
      name: domain.name,
      version: domain.version,
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: ownerAddress, spender, value, nonce: await token.nonces(ownerAddress), deadline },
  );
  const { v, r, s } = Signature.from(signature);
  return { v, r, s, signature };
}

/**
 * An EIP-712 ballot for `governor.castVoteBySig`: the voter signs, anyone relays and pays.
 * Bound to the voter's current governor nonce.
 */
export async function signBallot(
  governor: CoopGovernor,
  voter: Signer,
  proposalId: bigint,
  support: number,
): Promise<string> {
  const voterAddress = await voter.getAddress();
  const provider = voter.provider;
  if (provider === null) throw new Error("the voter's signer has no provider");
  const domain = {
    name: await governor.name(),
    version: await governor.version(),
    chainId: (await provider.getNetwork()).chainId,
    verifyingContract: await governor.getAddress(),
  };
  const types = {
    Ballot: [
      { name: "proposalId", type: "uint256" },
      { name: "support", type: "uint8" },
      { name: "voter", type: "address" },
      { name: "nonce", type: "uint256" },
    ],
  };
  const nonce = await governor.nonces(voterAddress);
  return voter.signTypedData(domain, types, { proposalId, support, voter: voterAddress, nonce });
}
