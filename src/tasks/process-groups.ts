import { BroadcastChannel } from "node:worker_threads";

/**
 * The process groups of command tasks still running, known to the main thread too. A command is
 * killed when its call times out or the run is interrupted; this is the net for the rest: a worker
 * stopped while a command ran (it blocked its thread), or a second Ctrl-C that ends evalwire at
 * once. When the process exits, every group still here is killed.
 */
const channelName = "evalwire:command-process-groups";

let channel: BroadcastChannel | undefined;

/** In the thread that runs the command: says a group started (true) or ended (false). */
export function announceGroup(pid: number, running: boolean): void {
  if (!channel) {
    channel = new BroadcastChannel(channelName);
    channel.unref();
  }
  channel.postMessage({ pid, running });
}

let listening = false;

/** In the main thread, once: kills every command process group still running when evalwire exits. */
export function killCommandGroupsAtExit(): void {
  if (listening) return;
  listening = true;
  const running = new Set<number>();
  const listener = new BroadcastChannel(channelName);
  listener.unref();
  listener.onmessage = (event) => {
    const { pid, running: started } = (event as { data: { pid: number; running: boolean } }).data;
    if (started) running.add(pid);
    else running.delete(pid);
  };
  process.on("exit", () => {
    for (const pid of running) killGroup(pid, "SIGKILL");
  });
}

/** Sends a signal to a whole process group (the program and what it started); false when none is left. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
