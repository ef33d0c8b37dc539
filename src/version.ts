import { readFileSync } from "node:fs";

/** evalwire's own version, read from package.json beside dist/ (or src/). */
export const version: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
