import { IdTable } from "../datasets/id-table.js";

/**
 * The (example, repetition) task calls a run already holds, for --resume and --retry-errors: a bit
 * per repetition kept with each example id, so a million recorded calls cost tens of MB and no
 * string is built per call. Repetitions past 32 are kept under an id of their own.
 */
export class DoneCalls {
  private readonly table = new IdTable();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(exampleId: string, repetition: number): boolean {
    const bit = bitOf(repetition);
    return ((this.table.get(keyOf(exampleId, repetition)) ?? 0) & bit) !== 0;
  }

  /** False when the call was already there. */
  add(exampleId: string, repetition: number): boolean {
    const bit = bitOf(repetition);
    if ((this.table.or(keyOf(exampleId, repetition), bit) & bit) !== 0) return false;
    this.count++;
    return true;
  }
}

const inBits = (repetition: number) => repetition >= 1 && repetition <= 32;
const bitOf = (repetition: number) => (inBits(repetition) ? (1 << (repetition - 1)) >>> 0 : 1);
const keyOf = (exampleId: string, repetition: number) => (inBits(repetition) ? exampleId : `${exampleId}\u0000${repetition}`);
