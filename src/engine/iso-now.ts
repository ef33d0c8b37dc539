// The clock as it was when evalwire loaded: user code may fake Date (a fake-timers library), and the
// time a call started is evalwire's to record.
const NativeDate = Date;
const dateNow = Date.now;
const toIsoString = Date.prototype.toISOString;

let lastMs = -1;
let lastIso = "";

/**
 * new Date().toISOString(), made once per millisecond: a fast run starts tens of calls in one, and
 * each would otherwise build the same string.
 */
export function isoNow(): string {
  const ms = dateNow();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = toIsoString.call(new NativeDate(ms));
  }
  return lastIso;
}
