// Child process of bench/large-dataset.ts: the least any tool must do to take a JSONL file's
// records, read as a stream and parsed line by line, and nothing else. Prints one JSON line.
// argv[2]: the file.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

const start = performance.now();
let records = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  if (line === "") continue;
  try {
    JSON.parse(line);
    records++;
  } catch {
    // A torn last line, as a crash leaves it.
  }
}
process.stdout.write(`${JSON.stringify({ records, ms: performance.now() - start, maxRssKb: process.resourceUsage().maxRSS })}\n`);
