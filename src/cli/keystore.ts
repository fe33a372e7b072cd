// Encrypted JSON keystores (ethers' Wallet.encrypt, scrypt): the CLI's keys off a local node.
// A private key never appears on the command line: passwords come from an environment
// variable or a prompt that does not echo.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { Command, Option } from "commander";
import { Wallet } from "ethers";
import { InputError } from "../client/format";

export const PASSWORD_ENV = "RIDECOOP_KEYSTORE_PASSWORD";

/** The keystore password: $RIDECOOP_KEYSTORE_PASSWORD, or a prompt on the terminal without echo. */
export async function readPassword(prompt: string): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (!process.stdin.isTTY) {
    throw new InputError("keystore", `no terminal to ask for the password: set ${PASSWORD_ENV}`);
  }
  process.stderr.write(prompt);
  const rl = readline.createInterface({ input: process.stdin, terminal: true });
  // Mute the echo: readline writes what is typed through _writeToOutput.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stderr.write("\n");
  return answer;
}

/** `ridecoop keystore new|address`. */
export function keystoreCommand(): Command {
  const cmd = new Command("keystore").description("create or read an encrypted JSON keystore").exitOverride();
  cmd
    .command("new")
    .description("creates a new random key, encrypted with a password, and prints its address")
    .requiredOption("--out <file>", "where to write the keystore (never overwritten)")
    .addOption(new Option("--json", "print the result as JSON").default(false))
    .exitOverride()
    .action(async (opts: { out: string; json: boolean }) => {
      const file = path.resolve(opts.out);
      if (fs.existsSync(file)) throw new InputError("out", `${file} exists; choose another file`);
      const password = await readPassword("Password for the new keystore: ");
      if (password.length < 8) throw new InputError("keystore", "use a password of at least 8 characters");
      const wallet = Wallet.createRandom();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, await wallet.encrypt(password), { mode: 0o600 });
      if (opts.json) console.log(JSON.stringify({ address: wallet.address, file }, null, 2));
      else console.log(`Created ${file} for ${wallet.address}; fund it, then pass --keystore ${opts.out}`);
    });
  cmd
    .command("address")
    .description("prints a keystore's address (read from the file; no password needed)")
    .requiredOption("--keystore <file>", "the keystore")
    .exitOverride()
    .action((opts: { keystore: string }) => {
      const file = path.resolve(opts.keystore);
      if (!fs.existsSync(file)) throw new InputError("keystore", `${file} does not exist`);
      const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { address?: string };
      if (typeof parsed.address !== "string") throw new InputError("keystore", `${file} names no address`);
      console.log(`0x${parsed.address.replace(/^0x/, "")}`);
    });
  return cmd;
}
