// globalSetup of the vitest project "e2e": these tests spawn bin/evalwire.js, which runs dist/.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "../helpers/cli.js";

export default function setup(): void {
  const main = join(root, "dist", "cli", "main.js");
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test and npm run test:e2e build it)`);
}
