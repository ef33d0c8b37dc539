// An HTTP proxy in front of a server (Phoenix in tests) that fails chosen requests: it answers 503
// itself, resets the connection, or holds the request back before forwarding it.
import { Agent, createServer, request as forwardRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = "pass" | "503" | "reset" | { delayMs: number };

export interface FaultProxy {
  url: string;
  counts: Record<"pass" | "503" | "reset" | "delay", number>;
  close(): Promise<void>;
}

// Per connection, not per message: never copied from one hop to the next.
const hopByHop = ["connection", "keep-alive", "proxy-connection"];

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of hopByHop) delete copy[name];
  return copy;
}

export async function startFaultProxy(target: string, decide: (request: { index: number; method: string; path: string }) => Fault): Promise<FaultProxy> {
  const base = new URL(target);
  const prefix = base.pathname.replace(/\/$/, "");
  const agent = new Agent({ keepAlive: true });
  const counts: FaultProxy["counts"] = { pass: 0, "503": 0, reset: 0, delay: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let next = 0;

  function forward(request: IncomingMessage, response: ServerResponse): void {
    const upstream = forwardRequest(
      {
        agent,
        hostname: base.hostname,
        port: base.port,
        method: request.method,
        path: prefix + (request.url ?? "/"),
        headers: { ...withoutHopByHop(request.headers), host: base.host },
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, withoutHopByHop(upstreamResponse.headers));
        upstreamResponse.pipe(response);
      },
    );
    upstream.on("error", (error) => {
      if (response.headersSent) response.destroy(error);
      else response.writeHead(502, { "content-type": "text/plain" }).end(`fault proxy: ${error.message}`);
    });
    // The client gave up: stop the forwarded request too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  }

  const server = createServer((request, response) => {
    const fault = decide({ index: next++, method: request.method ?? "GET", path: request.url ?? "/" });
    if (fault === "503") {
      counts["503"]++;
      request.resume(); // drain the body so the connection stays usable
      response.writeHead(503, { "content-type": "text/plain" }).end("fault proxy: 503");
    } else if (fault === "reset") {
      counts.reset++;
      request.socket.resetAndDestroy(); // TCP RST: the client sees ECONNRESET
    } else if (fault === "pass") {
      counts.pass++;
      forward(request, response);
    } else {
      counts.delay++;
      const timer = setTimeout(() => {
        timers.delete(timer);
        forward(request, response);
      }, fault.delayMs);
      timers.add(timer);
    }
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolveListen);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolveClose());
        // Idle keep-alive sockets would otherwise hold close() open for seconds.
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
