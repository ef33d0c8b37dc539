/**
 * How long a server asks to be left alone, in milliseconds: `retry-after-ms` (OpenAI's), else
 * `Retry-After` as seconds or as an HTTP date. null when it says nothing readable.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const milliseconds = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
