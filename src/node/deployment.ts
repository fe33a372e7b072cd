import fs from "node:fs";
import path from "node:path";
import { DeploymentError, validateDeployment, type Deployment } from "../client/deployment";

// Node-only: the deployment file on disk (the client itself only checks a parsed one).

/** deployments/<network>.json under `root` (the project root). */
export function deploymentPath(network: string, root = process.cwd()): string {
  return path.join(root, "deployments", `${network}.json`);
}

/** Reads and checks deployments/<network>.json; says how to create it when it is missing. */
export function loadDeployment(network: string, root = process.cwd()): Deployment {
  const file = deploymentPath(network, root);
  if (!fs.existsSync(file)) {
    throw new DeploymentError(
      `no deployment for network "${network}" (${path.relative(root, file)} is missing). ` +
        `Deploy first: \`npx hardhat deploy --network ${network}\`.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new DeploymentError(
      `${file}: not valid JSON (${(err as Error).message}). Redeploy with \`npx hardhat deploy --network ${network} --fresh\`.`,
    );
  }
  return validateDeployment(parsed, path.relative(root, file));
}

export function saveDeployment(deployment: Deployment, root = process.cwd()): string {
  const file = deploymentPath(deployment.network, root);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
  return file;
}
