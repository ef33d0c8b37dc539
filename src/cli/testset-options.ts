import type { DatasetFlags, OnExist } from "../config/settings.js";
import { columnList, nonEmpty, type OptionSpec, onExist, repeatable } from "./flag-values.js";
import { runOptions } from "./options.js";

// The flags of the testset commands: validate, upload, pull.

/** The flags `validate` and `upload` share: where the testset is and how its CSV columns map. */
export interface TestsetFlags extends Omit<DatasetFlags, "onExist"> {
  config?: string;
  verbose?: boolean;
}
export const validateOptions = {
  csv: { flags: "--csv <path>", description: "testset to check, instead of FILE (default: [dataset] csv_path)" },
  inputKeys: { flags: "--input-keys <keys>", description: "CSV columns that make the input, comma-separated (default user_query)", parse: columnList("--input-keys", false) },
  outputKeys: { flags: "--output-keys <keys>", description: "CSV columns that make the expected output, comma-separated (default expected_output)", parse: columnList("--output-keys", true) },
  tagColumn: { flags: "--tag-column <column>", description: "CSV column naming each row's datasets (default tags)", parse: nonEmpty("--tag-column", "a column name") },
  delimiter: { flags: "--delimiter <text>", description: "splits tags, and CSV cells into lists (default |)", parse: nonEmpty("--delimiter", "a non-empty string such as |") },
  config: runOptions.config,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<TestsetFlags>]: OptionSpec };
export type ValidateFlags = TestsetFlags;

export interface UploadFlags extends TestsetFlags {
  onExist?: OnExist;
  strict?: boolean;
  name?: string;
  phoenixUrl?: string;
}
const { config: _config, verbose: _verbose, ...columnOptions } = validateOptions;
export const uploadOptions = {
  ...columnOptions,
  csv: { ...validateOptions.csv, description: "testset to upload, instead of FILE (default: [dataset] csv_path)" },
  onExist: { flags: "--on-exist <mode>", description: "when a dataset exists: skip it, overwrite it (one new version) or append new examples (default skip)", parse: onExist },
  strict: { flags: "--strict", description: "validate first, and upload nothing when any issue is found" },
  name: {
    flags: "--name <name>",
    description: "dataset name (default: the file's name, or its folder's for dataset.<ext>); a CSV becomes this one dataset instead of one per tag",
    parse: nonEmpty("--name", "a dataset name"),
  },
  phoenixUrl: runOptions.phoenixUrl,
  config: runOptions.config,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<UploadFlags>]: OptionSpec };

export interface PullFlags {
  output?: string;
  version?: string;
  split?: string[];
  experiments?: string;
  phoenixUrl?: string;
  config?: string;
  verbose?: boolean;
}
export const pullOptions = {
  output: { flags: "--output <path>", description: "file to write, .jsonl, .json, .yaml or .yml (default: dataset.jsonl in the experiment folder using the dataset, else ./NAME.jsonl)" },
  version: { flags: "--version <id>", description: "a dataset version id (default the latest)", parse: nonEmpty("--version", "a dataset version id") },
  split: { flags: "--split <name>", description: "only the examples in this split; repeat for several", parse: repeatable },
  experiments: { ...runOptions.experiments, description: "folder of experiments searched for the one using the dataset (default: [experiments] dir, else ./experiments)" },
  phoenixUrl: runOptions.phoenixUrl,
  config: runOptions.config,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<PullFlags>]: OptionSpec };
