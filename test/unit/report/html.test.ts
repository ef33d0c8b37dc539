// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators; innerText is the text a person sees
// The HTML report opened in a real headless chromium: what a person sees, and a filter that works.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReporters } from "../../../src/report/index.js";
import { chromiumMissing, launchChromium } from "../../helpers/chromium.js";
import { root, tempDir } from "../../helpers/cli.js";
import { sampleExperiments as experiments, simulateRun } from "../../helpers/simulated-run.js";

const missing = chromiumMissing();
const artifacts = join(root, "test", "artifacts");

describe.skipIf(missing !== null)("html reporter in headless chromium", () => {
  let browser: Browser;
  const { dir, remove } = tempDir();
  const path = join(dir, "report", "index.html");

  beforeAll(async () => {
    await simulateRun(createReporters({ out: { write: () => true }, live: false, quiet: true, verbose: false, dryRun: false, reporters: [{ name: "html", path }] }), experiments);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    remove();
  });

  it("shows the scorecard, gates, distributions and every task call, loads nothing from the network, and filters", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const requests: string[] = [];
    page.on("request", (request) => void requests.push(request.url()));
    await page.goto(pathToFileURL(path).href);

    await expect(page.locator("h1").innerText()).resolves.toBe("evalwire: 3 of 3 experiments failed");
    const scorecard = await page.locator("#scorecard tbody tr").allInnerTexts();
    expect(scorecard).toHaveLength(3);
    expect(scorecard[0]).toMatch(/^failed\tsearch\t5\t0\ttop_k 0\.60 · exact 0\.80\t1\.2s\t\/tmp\/runs\/eval_search\ttop_k mean 0\.60 < 0\.80$/);
    expect(await page.locator("#gates tbody tr").allInnerTexts()).toContain("search\ttop_k mean\t0.60\t0.80\tfail");
    expect(await page.locator("figure.histogram figcaption").allInnerTexts()).toEqual(["search · top_k", "search · exact", "router · is_in"]);

    const visible = () => page.locator("#examples tbody tr:not([hidden])");
    await expect(visible().count()).resolves.toBe(8);
    await expect(page.locator("#shown").innerText()).resolves.toBe("8 of 8 task calls shown");
    const firstRow = await visible().first().locator("td").allInnerTexts();
    expect(firstRow.slice(0, 3)).toEqual(["search", "s1", "pass"]);
    expect(JSON.parse(firstRow[3]!)).toEqual({ question: "q-s1" });

    await page.locator("#filter").fill("q-s2");
    await expect(visible().count()).resolves.toBe(1);
    await expect(visible().first().locator("td").nth(1).innerText()).resolves.toBe("s2");

    await page.locator("#filter").fill("");
    await page.locator("#status-filter").selectOption("error");
    expect(await visible().evaluateAll((rows) => rows.map((row) => row.children[1]!.textContent))).toEqual(["r2", "r3"]);
    await expect(page.locator("#shown").innerText()).resolves.toBe("2 of 8 task calls shown");

    await page.locator("#status-filter").selectOption("");
    await page.locator("#experiment-filter").selectOption("search");
    await expect(visible().count()).resolves.toBe(5);

    mkdirSync(artifacts, { recursive: true });
    await page.locator("#status-filter").selectOption("");
    await page.locator("#experiment-filter").selectOption("");
    await page.screenshot({ path: join(artifacts, "html-report.png"), fullPage: true });
    expect(requests.every((url) => url.startsWith("file:"))).toBe(true);
    expect(requests).toHaveLength(1);
  });
});
