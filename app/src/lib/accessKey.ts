/** The buyer's access key from the connected wallet: one signature of the SDK's fixed message. */
import { signMessage } from "viem/actions";
import { deriveAccessKey, type AccessKeyPair, type SignerClient } from "@gridlease/sdk";

/** Asks the signer to sign the access-key message and derives the key pair (the SDK's `deriveAccessKey`). */
export const signerAccessKey = (signer: SignerClient): Promise<AccessKeyPair> =>
  deriveAccessKey({
    signMessage: ({ message }) => signMessage(signer, { account: signer.account, message }),
  });
