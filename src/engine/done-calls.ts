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
    const [id, bit] = place(exampleId, repetition);
    return ((this.table.get(id) ?? 0) & bit) !== 0;
  }

  /** False when the call was already there. */
  add(exampleId: string, repetition: number): boolean {
    const [id, bit] = place(exampleId, repetition);
    const bits = this.table.get(id) ?? 0;
    if ((bits & bit) !== 0) return false;
    this.table.set(id, (bits | bit) >>> 0);
    this.count++;
    return true;
  }
}

function place(exampleId: string, repetition: number): [string, number] {
  return repetition >= 1 && repetition <= 32 ? [exampleId, (1 << (repetition - 1)) >>> 0] : [`${exampleId}\u0000${repetition}`, 1];
}
