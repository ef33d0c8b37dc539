import { SEMRESATTRS_PROJECT_NAME, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { type Span, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { TaskSpan, TaskTracer } from "../sinks/sink.js";

/**
 * When task spans leave for Phoenix. Ingesting a span costs the server about as much as an evaluation
 * post, and spans that arrive while runs are being posted slow every post down (bench:phoenix), so
 * spans wait while the experiment's posts are queued: they go when the posts are idle (at most every
 * `idleEveryMs`), when `batch` of them wait, after `maxWaitMs` at the latest, and at the end.
 */
export interface SpanSchedule {
  batch: number;
  idleEveryMs: number;
  maxWaitMs: number;
}

export const spanSchedule: SpanSchedule = { batch: 512, idleEveryMs: 5_000, maxWaitMs: 60_000 };

export interface TaskTracerOptions {
  projectName: string;
  experiment: string;
  /** Whether run or evaluation posts are queued or in flight: spans wait for them. */
  postsWaiting: () => boolean;
  schedule?: SpanSchedule;
  /** ms; for tests. */
  now?: () => number;
}

/**
 * Task spans for one Phoenix experiment, from the moment a call is sent to the experiment's worker to
 * the moment its result comes back, exported over OTLP (protobuf: Phoenix refuses OTLP JSON)
 * into the experiment's own project.
 */
export function phoenixTaskTracer(options: TaskTracerOptions & { baseUrl: string; headers: Record<string, string> }): TaskTracer {
  return taskTracer(new OTLPTraceExporter({ url: `${options.baseUrl}/v1/traces`, headers: options.headers }), options);
}

/**
 * Task spans handed to `exporter` on the span schedule. It uses a provider of its own and never the
 * global one, so an application's tracing setup is left alone. An export failure is counted, never thrown.
 */
export function taskTracer(inner: SpanExporter, options: TaskTracerOptions): TaskTracer {
  const schedule = options.schedule ?? spanSchedule;
  const now = options.now ?? (() => performance.now());
  const exporter = new CountingExporter(inner, 4 * schedule.batch);
  const processor = new BatchSpanProcessor(exporter, { maxExportBatchSize: schedule.batch, maxQueueSize: 4 * schedule.batch, scheduledDelayMillis: schedule.maxWaitMs });
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ [SEMRESATTRS_PROJECT_NAME]: options.projectName }), spanProcessors: [processor] });
  const tracer: Tracer = provider.getTracer("evalwire");
  let lastSent = now();
  const sendWhenIdle = () => {
    if (now() - lastSent < schedule.idleEveryMs || options.postsWaiting()) return;
    lastSent = now();
    // A failed export is kept by the exporter for a last try; the rejection only repeats it.
    processor.forceFlush().catch(() => {});
  };
  return {
    start(example, repetition) {
      const span = tracer.startSpan(`Task: ${options.experiment}`, {
        attributes: {
          [SemanticConventions.OPENINFERENCE_SPAN_KIND]: "CHAIN",
          [SemanticConventions.INPUT_VALUE]: JSON.stringify(example.input),
          [SemanticConventions.INPUT_MIME_TYPE]: "application/json",
          [SemanticConventions.METADATA]: JSON.stringify({ example_id: example.id, repetition }),
        },
      });
      return taskSpan(span, sendWhenIdle);
    },
    async close() {
      // What this flush cannot send is kept for the last try, just below.
      await provider.forceFlush().catch(() => {});
      try {
        await exporter.tryAgain();
        await provider.shutdown();
      } catch (error) {
        exporter.fail(0, error);
      }
      return exporter.failed > 0 || exporter.error ? `${exporter.failed} task spans not exported to Phoenix: ${exporter.error}` : null;
    },
  };
}

function taskSpan(span: Span, ended: () => void): TaskSpan {
  return {
    traceId: span.spanContext().traceId,
    end({ output, error }) {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      else {
        span.setAttribute(SemanticConventions.OUTPUT_VALUE, JSON.stringify(output ?? null));
        span.setAttribute(SemanticConventions.OUTPUT_MIME_TYPE, "application/json");
        span.setStatus({ code: SpanStatusCode.OK });
      }
      span.end();
      ended();
    },
  };
}

/**
 * Passes spans on and keeps count of those that did not make it. Spans refused while Phoenix was away
 * (up to `keep` of them) are tried once more at the end, when it may be back.
 */
class CountingExporter implements SpanExporter {
  failed = 0;
  error: string | null = null;
  private refused: ReadableSpan[] = [];
  constructor(
    private readonly inner: SpanExporter,
    private readonly keep: number,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans, (result) => {
      // 0 is ExportResultCode.SUCCESS.
      if (result.code !== 0) {
        this.refused.push(...spans);
        const over = this.refused.length - this.keep;
        if (over > 0) this.fail(this.refused.splice(0, over).length, result.error);
      }
      done(result);
    });
  }

  /** The last try of the spans refused before; those refused again are counted. */
  async tryAgain(): Promise<void> {
    const spans = this.refused.splice(0);
    if (spans.length === 0) return;
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => this.inner.export(spans, resolve));
    if (result.code !== 0) this.fail(spans.length, result.error);
  }

  fail(count: number, error: unknown): void {
    this.failed += count;
    this.error ??= error instanceof Error ? error.message : String(error);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
