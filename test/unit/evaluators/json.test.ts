import { describe, expect, it } from "vitest";
import { jsonMatch, schemaValid } from "../../../src/evaluators/json.js";
import { evaluatorArgs as args } from "../../helpers/evaluator-args.js";

const eo = (value: unknown) => ({ expected_output: value });

describe("jsonMatch", () => {
  it("scores the share of keys equal between output and expected objects", () => {
    expect(jsonMatch()(args('{"a": 1, "b": 2}', eo('{"a": 1, "b": 3}')))).toEqual({ score: 0.5, label: null, explanation: "differs at b" });
    expect(jsonMatch({ keys: ["a"] })(args('{"a": 1, "b": 2}', eo('{"a": 1, "b": 3}'))).score).toBe(1);
    expect(jsonMatch({ keys: ["a", "z"] })(args('{"a": 1}', eo('{"a": 1}'))).score).toBe(0.5);
  });

  it("does not score 0 when the expected JSON object is also a Python literal (Python passes a dict to json.loads)", () => {
    expect(jsonMatch()(args('{"a": 1}', eo('{"a": 1}'))).score).toBe(1);
    expect(jsonMatch()(args('{"a": 1}', eo("{'a': 1}"))).score).toBe(1);
  });

  it("takes an object output as it is, and compares nested values whatever their key order", () => {
    expect(jsonMatch()(args({ a: { y: [1], x: 2 } }, eo({ a: { x: 2, y: [1] } }))).score).toBe(1);
    expect(jsonMatch()(args({ a: 1 }, eo({ a: true }))).score).toBe(0);
  });

  it("reads a key missing from the output as null, even one named like an Object method (constructor, toString, __proto__)", () => {
    for (const key of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const expected = eo(`{"${key}": null, "b": true}`);
      expect(jsonMatch()(args('{"b": true}', expected)).score, key).toBe(1);
      expect(jsonMatch({ keys: [key] })(args("{}", expected)).score, key).toBe(1);
    }
  });

  it("scores 0 when either side is not an object, saying which", () => {
    expect(jsonMatch()(args("nope", eo('{"a": 1}')))).toMatchObject({ score: 0, explanation: "the output is not JSON" });
    expect(jsonMatch()(args("[1]", eo('{"a": 1}')))).toMatchObject({ score: 0, explanation: "the output is not a JSON object" });
    expect(jsonMatch()(args(null, eo('{"a": 1}')))).toMatchObject({ score: 0, explanation: "the output is missing" });
    expect(jsonMatch()(args("{}", eo([])))).toMatchObject({ score: 0, explanation: "the expected value is missing" });
    expect(jsonMatch()(args('{"a": 1}', eo("{}")))).toMatchObject({ score: 0, explanation: "no keys to compare" });
  });
});

describe("schemaValid", () => {
  const person = { type: "object", properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } }, required: ["name"] };

  it("validates a JSON string or an object against a draft 7 schema", () => {
    expect(schemaValid(person)(args('{"name": "Ann", "age": 3}')).score).toBe(1);
    expect(schemaValid(person)(args({ name: "Ann" })).score).toBe(1);
    expect(schemaValid(person)(args('{"age": -1}'))).toEqual({ score: 0, label: "fail", explanation: "output must have required property 'name', output/age must be >= 0" });
    expect(schemaValid(person)(args("not json"))).toMatchObject({ score: 0, explanation: "the output is not JSON" });
    expect(schemaValid(person, { outputKey: "person" })(args({ person: { name: "Ann" } })).score).toBe(1);
  });

  it("treats formats as annotations and ignores $schema, as Python's Draft7Validator", () => {
    expect(schemaValid({ type: "string", format: "email" })(args('"nope"')).score).toBe(1);
    expect(schemaValid({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" })(args("{}")).score).toBe(1);
  });

  it("reads pattern and patternProperties as Python's re (jsonschema uses re.search): Unicode \\d and \\w, \\Z, escaped punctuation", () => {
    expect(schemaValid({ type: "string", pattern: "^\\d+$" })(args('"٤٢"')).score).toBe(1);
    expect(schemaValid({ type: "string", pattern: "^\\w+\\Z" })(args('"café"')).score).toBe(1);
    expect(schemaValid({ type: "string", pattern: "^a\\:b$" })(args('"a:b"')).score).toBe(1);
    expect(schemaValid({ type: "object", patternProperties: { "^\\d$": { type: "integer" } } })(args('{"٤": "x"}')).score).toBe(0);
    expect(() => schemaValid({ type: "string", pattern: "(" })).toThrow(
      /^schemaValid: the schema is not a valid JSON Schema \(draft 7\): schemaValid: the pattern "\(" is not a valid regular expression/,
    );
  });

  it("throws when the factory is called with a schema that does not compile", () => {
    expect(() => schemaValid({ type: "nonsense" })).toThrow(/^schemaValid: the schema is not a valid JSON Schema \(draft 7\): /);
    expect(() => schemaValid("object" as never)).toThrow('schemaValid: the schema must be a JSON Schema object (got "object")');
  });
});
