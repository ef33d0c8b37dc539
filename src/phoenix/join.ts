import { createHash, randomUUID } from "node:crypto";
import { callPhoenix, type Phoenix, PhoenixError } from "./client.js";

/** What evalwire reads of a Phoenix experiment. */
export interface CreatedExperiment {
  id: string;
  project_name?: string | null;
  created_at?: string;
  metadata?: Record<string, unknown> | null;
}

/** A lock older than this was left by a process that died holding it: it is taken over. */
const staleLockMs = 180_000;
/** Give up waiting for a lock after this long (only reached when Phoenix keeps refusing to let go of one). */
const lockWaitMs = 600_000;

/**
 * The token that names one experiment of one sharded run: every shard with the same run id derives
 * the same token for the same experiment folder and dataset, and finds the experiment by it.
 */
export function runToken(runId: string, experiment: string, datasetId: string): string {
  return createHash("sha256").update(`${runId}\u0000${experiment}\u0000${datasetId}`, "utf8").digest("hex").slice(0, 32);
}

/**
 * The dataset's experiment whose metadata carries `evalwire_run: token`, or undefined. Phoenix lists
 * the newest first, so a recent one is on the first page; when several match, the oldest wins.
 */
export async function findByToken(phoenix: Phoenix, datasetId: string, token: string): Promise<CreatedExperiment | undefined> {
  const matches: CreatedExperiment[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await callPhoenix(
      "listing the dataset's experiments",
      phoenix.baseUrl,
      (signal) => phoenix.client.GET("/v1/datasets/{dataset_id}/experiments", { params: { path: { dataset_id: datasetId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } }, signal }),
      phoenix.retry,
    );
    matches.push(...(data!.data as CreatedExperiment[]).filter((experiment) => experiment.metadata?.evalwire_run === token));
    cursor = matches.length > 0 ? undefined : (data!.next_cursor ?? undefined);
  } while (cursor);
  return matches.sort((a, b) => (a.created_at ?? "").localeCompare(b.created_at ?? "") || a.id.localeCompare(b.id))[0];
}

/**
 * Finds or creates the one experiment that every shard of a run records into. Shards start at the
 * same moment, so creation is guarded by a lock that Phoenix itself keeps: a dataset label named
 * after the token (label names are unique; a second creation of the name is refused with 409).
 * The process holding the lock looks again, creates the experiment only if it is still missing,
 * then removes the label; the others wait and find it. The experiment is written before the lock
 * is removed, so whoever takes the lock next finds it: never two experiments for one run.
 */
export async function joinExperiment(
  phoenix: Phoenix,
  options: { datasetId: string; token: string; runId: string; create: () => Promise<CreatedExperiment> },
): Promise<{ experiment: CreatedExperiment; warning: string | null }> {
  const { datasetId, token } = options;
  const lock = new DatasetLabelLock(phoenix, `evalwire-lock-${token}`);
  const deadline = Date.now() + lockWaitMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    const found = await findByToken(phoenix, datasetId, token);
    if (found) return { experiment: found, warning: null };
    if (await lock.take()) {
      let experiment: CreatedExperiment;
      try {
        experiment = (await findByToken(phoenix, datasetId, token)) ?? (await options.create());
      } catch (error) {
        await lock.release().catch(() => {}); // the creation's error is the one to report
        throw error;
      }
      // The experiment exists: a label left behind only lingers (shards find the experiment first).
      const warning = await lock.release().then(
        () => null,
        (error: unknown) => `the Phoenix dataset label "${lock.name}" could not be removed; delete it in Phoenix (${error instanceof Error ? error.message : String(error)})`,
      );
      return { experiment, warning };
    }
    if (Date.now() > deadline) {
      throw new PhoenixError(
        `run id ${options.runId}: another evalwire process has held the Phoenix dataset label "${lock.name}" for over ${lockWaitMs / 60_000} minutes; if no shard of this run is still starting, delete that label in Phoenix`,
        null,
      );
    }
    await new Promise((wake) => setTimeout(wake, wait * (0.5 + Math.random())));
  }
}

/** A lock held as a Phoenix dataset label; its description says who took it and when. */
class DatasetLabelLock {
  private readonly owner = randomUUID();
  private labelId: string | null = null;

  constructor(
    private readonly phoenix: Phoenix,
    readonly name: string,
  ) {}

  /** True when this process now holds the lock. A lock left behind by a dead process is removed, and taken on a later try. */
  async take(): Promise<boolean> {
    const { phoenix } = this;
    const { data, status } = await callPhoenix(
      `taking the lock ${this.name}`,
      phoenix.baseUrl,
      (signal) =>
        phoenix.client.POST("/v1/dataset_labels", {
          body: { name: this.name, color: "#808080", description: `evalwire shard lock ${this.owner} ${new Date().toISOString()}` },
          signal,
        }),
      phoenix.retry,
      (code) => code === 409 || code === 404 || code === 405,
    );
    if (status === 404 || status === 405) {
      throw new PhoenixError(
        `Phoenix at ${phoenix.baseUrl} has no dataset labels API (/v1/dataset_labels), which shards with a run id use to meet in one experiment: upgrade Phoenix, or run without --run-id`,
        status,
      );
    }
    if (status !== 409) {
      this.labelId = data!.data.id;
      return true;
    }
    const held = await this.find();
    if (!held) return false; // released in between: the next try takes it
    const [, owner, since] = /^evalwire shard lock (\S+) (\S+)$/.exec(held.description ?? "") ?? [];
    // Our own label, whose creation answer was lost and retried.
    if (owner === this.owner) {
      this.labelId = held.id;
      return true;
    }
    const age = Date.now() - Date.parse(since ?? "");
    if (!(age < staleLockMs)) await this.remove(held.id);
    return false;
  }

  async release(): Promise<void> {
    if (this.labelId === null) return;
    await this.remove(this.labelId);
    this.labelId = null;
  }

  private async find(): Promise<{ id: string; description?: string | null } | undefined> {
    const { phoenix } = this;
    let cursor: string | undefined;
    do {
      const { data } = await callPhoenix(
        `looking up the lock ${this.name}`,
        phoenix.baseUrl,
        (signal) => phoenix.client.GET("/v1/dataset_labels", { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } }, signal }),
        phoenix.retry,
      );
      const label = data!.data.find((each) => each.name === this.name);
      if (label) return label;
      cursor = data!.next_cursor ?? undefined;
    } while (cursor);
    return undefined;
  }

  /** A retried removal whose first try went through meets 404: removed either way. */
  private async remove(id: string): Promise<void> {
    const { phoenix } = this;
    await callPhoenix(
      `removing the lock ${this.name}`,
      phoenix.baseUrl,
      (signal) => phoenix.client.DELETE("/v1/dataset_labels/{label_id}", { params: { path: { label_id: id } }, signal }),
      phoenix.retry,
      (code) => code === 404,
    );
  }
}
