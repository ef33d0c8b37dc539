import { describe, expect, it } from "vitest";
import { ScoreMeans } from "../../../src/judge/score-means.js";

const scored = (name: string, score: number | null, error: string | null = null) => ({ name, score, error });

describe("ScoreMeans", () => {
  it("averages each evaluator's scores, leaving out errors and missing scores", () => {
    const means = new ScoreMeans();
    means.add([scored("a", 1), scored("b", 0.5)]);
    means.add([scored("a", 0), scored("b", null)]);
    means.add([scored("a", 1, "timed out"), scored("b", 0.25)]);
    expect(means.means()).toEqual({ a: 0.5, b: 0.375 });
  });

  it("gives null for an evaluator named up front or seen, with no score that counted", () => {
    const means = new ScoreMeans(["never_ran"]);
    means.add([scored("always_failed", 1, "threw")]);
    expect(means.means()).toEqual({ never_ran: null, always_failed: null });
  });
});
