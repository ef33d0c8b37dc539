import type { EvaluatorArgs, Score } from "../types.js";
import type { BuiltInEvaluator } from "./built-in.js";
import { checkOptions, type FieldOptions, outputOf, rules } from "./options.js";
import { textOf, verdict } from "./values.js";

export interface LengthOptions extends FieldOptions {
  /** The limit, in characters (Unicode code points) of the output's text. Required. */
  value: number;
}

/** 1 when the output's text is at least `value` characters long. */
export function minLength(options: LengthOptions): BuiltInEvaluator {
  const { value, outputKey } = lengthOptions("minLength", options);
  return (args: EvaluatorArgs): Score => {
    const length = [...textOf(outputOf(args, { outputKey }))].length;
    return verdict(length >= value, length >= value ? null : `${length} characters, fewer than ${value}`);
  };
}

/** 1 when the output's text is at most `value` characters long. */
export function maxLength(options: LengthOptions): BuiltInEvaluator {
  const { value, outputKey } = lengthOptions("maxLength", options);
  return (args: EvaluatorArgs): Score => {
    const length = [...textOf(outputOf(args, { outputKey }))].length;
    return verdict(length <= value, length <= value ? null : `${length} characters, more than ${value}`);
  };
}

export interface DurationOptions extends FieldOptions {
  /** The longest the task may take, in milliseconds. Required. */
  value: number;
}

/** 1 when the task took at most `value` milliseconds. */
export function maxDurationMs(options: DurationOptions): BuiltInEvaluator {
  const { value } = checkOptions<DurationOptions>("maxDurationMs", options, { value: rules.positive });
  if (value === undefined) throw new TypeError(`maxDurationMs: option "value" is required (the longest the task may take, in ms)`);
  return ({ durationMs }: EvaluatorArgs): Score => verdict(durationMs <= value, durationMs <= value ? null : `took ${Math.round(durationMs)} ms, more than ${value} ms`);
}

function lengthOptions(factory: string, options: LengthOptions): LengthOptions {
  const checked = checkOptions<LengthOptions>(factory, options, { value: rules.wholeFrom(0) });
  if (checked.value === undefined) throw new TypeError(`${factory}: option "value" is required (a length in characters)`);
  return checked;
}
