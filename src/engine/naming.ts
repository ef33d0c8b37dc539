/** UTC `YYYY-MM-DDTHH:MM:SS`: one per invocation, shared by every experiment it runs. */
export function runTimestamp(now = new Date()): string {
  return now.toISOString().slice(0, 19);
}

export function experimentName(prefix: string, dataset: string, timestamp: string): string {
  return `${prefix}_${dataset}_${timestamp}`;
}
