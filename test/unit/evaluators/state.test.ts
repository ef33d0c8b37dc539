import { describe, expect, it } from "vitest";
import { stateVerification } from "../../../src/evaluators/state.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const state = { order: { id: 7, status: "shipped", items: [{ sku: "A1" }] }, user: { tier: "gold" } };

describe("stateVerification", () => {
  it("scores the share of dot paths holding the expected values", () => {
    expect(stateVerification({ expect: { "order.status": "shipped", "order.items.0.sku": "A1" } })(args(state)).score).toBe(1);
    expect(stateVerification({ expect: { "order.status": "shipped", "user.tier": "silver" } })(args(state))).toEqual({
      score: 0.5,
      label: null,
      explanation: 'user.tier: expected "silver", got "gold"',
    });
    expect(stateVerification({ expect: { "order.refund": null } })(args(state)).score).toBe(1);
  });

  it("finds only the output's own fields: a path named like an Object method is missing, so null", () => {
    expect(stateVerification({ expect: { "order.toString": null, constructor: null, "user.tier.length": null, "order.items.length": 1 } })(args(state)).score).toBe(1);
  });

  it("reads the expected state from the example, compares objects by value, and narrows with outputKey", () => {
    expect(stateVerification()(args(state, { expected_state: { order: { items: [{ sku: "A1" }], status: "shipped", id: 7 } } })).score).toBe(1);
    expect(stateVerification({ outputKey: "state", expectedKey: "after" })(args({ state }, { after: '{"user.tier": "gold"}' })).score).toBe(1);
    expect(() => stateVerification()(args(state, {}))).toThrow("stateVerification: expected.expected_state must be an object of dot paths to values (got undefined); set expect or expectedKey");
    expect(() => stateVerification({ expect: {} })).toThrow('stateVerification: option "expect" must be a non-empty object of dot paths to values (got {})');
  });
});
