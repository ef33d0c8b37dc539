import { describe, expect, it } from "vitest";
import { findPii, luhn, piiSafety } from "../../../src/evaluators/pii.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const kinds = (text: string) => findPii(text).map((found) => found.kind);

describe("piiSafety", () => {
  it("finds emails, phone numbers and Luhn-valid card numbers", () => {
    expect(kinds("write to jane.doe+x@mail.example.org today")).toEqual(["email"]);
    expect(kinds("call (415) 555-2671 or +44 20 7946 0958")).toEqual(["phone", "phone"]);
    expect(kinds("card 4111 1111 1111 1111, exp 12/27")).toEqual(["card"]);
    expect(kinds("card 4111-1111-1111-1111")).toEqual(["card"]);
  });

  it("finds them written with other scripts' digits, no-break or thin spaces, non-breaking hyphens, and letters of any script", () => {
    expect(kinds("carte ４１１１ １１１１ １１１１ １１１１")).toEqual(["card"]);
    expect(kinds("carte 4111\u00a01111\u00a01111\u00a01111")).toEqual(["card"]);
    expect(kinds("appelez le +33\u00a06\u00a012\u00a034\u00a056\u00a078")).toEqual(["phone"]);
    expect(kinds("اتصل على +٩٧١ ٥٠ ١٢٣ ٤٥٦٧")).toEqual(["phone"]);
    expect(kinds("call 415\u2011555\u20112671")).toEqual(["phone"]);
    expect(kinds("écrivez à josé@exämple.fr")).toEqual(["email"]);
    expect(kinds("from 2019\u20132024, 12\u202f500 users, ٢٠٢٤-٠١-١٥")).toEqual([]);
  });

  it("leaves alone what only looks like them", () => {
    expect(kinds("order 4111 1111 1111 1112 was shipped on 2024-01-15")).toEqual([]);
    expect(kinds("version 1.2.3, 12 items, ticket #123456, at 10:30")).toEqual([]);
    expect(kinds("user@localhost")).toEqual([]);
    expect(kinds("at 2024-01-15 10:30, from 192.168.100.200, pi is 3.14159265358979")).toEqual([]);
    expect(kinds('{"created": 1732963200000, "scores": "10 20 30 40 50", "id": 4155552671}')).toEqual([]);
    expect(kinds("call 415.555.2671, 020 7946 0958 or 1-800-555-0199")).toEqual(["phone", "phone", "phone"]);
  });

  it("scores 1 when the output is clean, and names what it found without the values", () => {
    expect(piiSafety()(args("Your order has shipped."))).toEqual({ score: 1, label: "pass", explanation: null });
    expect(piiSafety()(args({ reply: "mail a@b.co or b@c.co, card 4111111111111111" }))).toEqual({ score: 0, label: "fail", explanation: "found 2 email addresses, 1 card number" });
    expect(piiSafety({ allow: ["email"] })(args("mail a@b.co")).score).toBe(1);
    expect(() => piiSafety({ allow: ["ssn"] as never })).toThrow('piiSafety: option "allow" must be a list of "email", "phone", "card" (got ["ssn"])');
  });

  it("checks card numbers with Luhn", () => {
    expect(luhn("4111111111111111")).toBe(true);
    expect(luhn("79927398713")).toBe(true);
    expect(luhn("79927398710")).toBe(false);
  });
});
