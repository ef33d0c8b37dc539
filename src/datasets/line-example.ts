import { lazyFields } from "../engine/lazy-fields.js";
import { DatasetError } from "../errors.js";
import type { Example, Fields } from "../types.js";

// A JSONL example whose id can be read off its line's start is not parsed on the main thread: the
// worker running its calls is sent the line and parses it there. A no-op run's main thread spent
// about 2 µs an example parsing it and copying the parsed object to the worker, and the main
// thread is the busier of the two. Read here (a cache key, a trace, a reporter), it is parsed then.

type ExampleFields = Pick<Example, "input" | "output" | "metadata">;

const inspect = Symbol.for("nodejs.util.inspect.custom");

export class LineExample implements Example {
  #fields: ExampleFields | null = null;

  /** `line`: checked before (well-formed, its id `id`), in the file `source` (as shown). */
  constructor(
    readonly id: string,
    readonly line: string,
    private readonly source: string,
  ) {}

  /** True once a field was read here: the parsed example is then what the worker is sent. */
  get parsed(): boolean {
    return this.#fields !== null;
  }
  get input(): Fields {
    return this.fields().input;
  }
  get output(): Fields {
    return this.fields().output;
  }
  get metadata(): Fields {
    return this.fields().metadata;
  }

  toJSON(): Example {
    return { id: this.id, ...this.fields() };
  }

  /** console.log(example) shows the fields, not this class. */
  [inspect](): Example {
    // `this` may be the view (exampleView), which shows the fields only.
    const { id, input, output, metadata } = this;
    return { id, input, output, metadata };
  }

  /** What the run is told when this line no longer parses: the file changed since it was checked. */
  changed(): DatasetError {
    return datasetChanged(this.source);
  }

  private fields(): ExampleFields {
    if (this.#fields) return this.#fields;
    try {
      this.#fields = fieldsOf(this.line);
    } catch {
      // Edited in place since the check: said as the end of the file's read would say it.
      throw this.changed();
    }
    return this.#fields;
  }
}

export function datasetChanged(shown: string): DatasetError {
  return new DatasetError(`${shown} changed while the run read it; run again`);
}

const shown = lazyFields<Example>(["id", "input", "output", "metadata"]);

/**
 * The example as code outside the engine is given it (a listener): a LineExample behind a view whose
 * fields are own and enumerable, so spreading it or Object.keys see a plain example's.
 */
export function exampleView(example: Example): Example {
  return example instanceof LineExample ? shown(example) : example;
}

/** The worker's side: the example of a line the main thread sent (its id `id`); null when it is no longer JSON. */
export function exampleOfLine(id: string, line: string): Example | null {
  let example: Partial<Example>;
  try {
    example = JSON.parse(line) as Partial<Example>;
  } catch {
    return null;
  }
  // The parsed object itself, made an example: one object an example fewer than a copy.
  example.id = id;
  example.output ??= {};
  example.metadata ??= {};
  return example as Example;
}

function fieldsOf(line: string): ExampleFields {
  const { input, output = {}, metadata = {} } = JSON.parse(line) as Partial<Example>;
  return { input: input as Fields, output, metadata };
}
