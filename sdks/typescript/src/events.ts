/**
 * The registry's change stream: `GET /events/stream` (Server-Sent Events) read with `fetch`,
 * parsed here (a few lines of the WHATWG rules: `id`, `event`, `data`, comments), and resumed
 * after a dropped connection by sending the last sequence seen as `Last-Event-ID`, so no
 * event is missed or repeated. Works where `fetch` streams bodies: Node 20+ and browsers.
 */

import { RegistryError, RegistryUnavailableError, errorFor, isRecord } from "./errors.js";
import type { Transport } from "./transport.js";

/** One registry change, as a CloudEvent (`cloudevent`) and its parts. */
export interface ChangeEvent {
  /** Grows in commit order across the registry; resume after it with `after`. */
  sequence: number;
  /** The CloudEvent id, the same on every delivery. */
  id: string;
  /** e.g. `schema.registered`, `version.state_changed` (docs/events.md). */
  type: string;
  /** The schema subject; absent for global changes (config, mode). */
  subject?: string;
  /** RFC 3339, UTC. */
  time: string;
  data: Record<string, unknown>;
  cloudevent: Record<string, unknown>;
}

export interface EventStreamOptions {
  /** Replay the events after this sequence first (default: from now on). */
  after?: number | undefined;
  /** Only these event types. */
  types?: readonly string[] | undefined;
  /** Only subjects matching these globs (`*`, `?`). */
  subjects?: readonly string[] | undefined;
  /** Ends the iteration (and the connection). */
  signal?: AbortSignal | undefined;
}

export const STREAM_PATH = "/events/stream";
const RESUME_HEADER = "x-resume-after";
/** The registry sends a heartbeat every 15 s: this much silence means the link is dead. */
const SILENCE_MS = 45_000;

interface Frame {
  id?: string;
  event?: string;
  data: string[];
}

/**
 * Change events, forever (until `signal` aborts or the consumer stops iterating). Network
 * errors and 5xx are retried `retries` times in a row with backoff, then thrown; 4xx at once.
 */
export async function* followEvents(
  transport: Transport,
  options: EventStreamOptions = {},
): AsyncGenerator<ChangeEvent, void, undefined> {
  let after = options.after;
  let failures = 0;
  const query: Record<string, string | undefined> = {
    types: options.types?.length ? options.types.join(",") : undefined,
    subjects: options.subjects?.length ? options.subjects.join(",") : undefined,
  };
  while (!options.signal?.aborted) {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    options.signal?.addEventListener("abort", stop, { once: true });
    let silence: ReturnType<typeof setTimeout> | undefined;
    const quiet = (): void => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(), SILENCE_MS);
    };
    try {
      const headers = await transport.headers();
      headers["Accept"] = "text/event-stream";
      if (after !== undefined) {
        headers["Last-Event-ID"] = String(after);
      }
      quiet();
      const response = await transport.fetchImpl(transport.url(STREAM_PATH, query), {
        headers,
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const text = await response.text();
        throw errorFor(response.status, parseJson(text), response.headers.get("Retry-After"));
      }
      const started = response.headers.get(RESUME_HEADER);
      if (after === undefined && started !== null && /^\d+$/.test(started)) {
        after = Number(started);
      }
      failures = 0;
      for await (const frame of frames(response.body, quiet)) {
        const event = toChangeEvent(frame);
        if (event !== undefined) {
          after = event.sequence;
          yield event;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) {
        return;
      }
      const retryable =
        !(error instanceof RegistryError) || error instanceof RegistryUnavailableError;
      failures += 1;
      if (!retryable || failures > transport.retries) {
        throw error instanceof RegistryError
          ? error
          : new RegistryUnavailableError(`event stream from ${transport.baseUrl} lost`, {
              cause: error,
            });
      }
      await new Promise((resolve) => setTimeout(resolve, transport.backoff(failures - 1)));
    } finally {
      clearTimeout(silence);
      options.signal?.removeEventListener("abort", stop);
      controller.abort(); // the consumer stopped, or the stream ended: close the connection
    }
  }
}

/** The frames of an SSE body; `alive` is called for every chunk received. */
async function* frames(
  body: ReadableStream<Uint8Array>,
  alive: () => void,
): AsyncGenerator<Frame, void, undefined> {
  const decoder = new TextDecoder();
  let buffered = "";
  let frame: Frame = { data: [] };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return;
      }
      alive();
      buffered += decoder.decode(value, { stream: true });
      const lines = buffered.split(/\r\n|\r|\n/);
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "") {
          if (frame.data.length > 0) {
            yield frame;
          }
          frame = { data: [] };
          continue;
        }
        if (line.startsWith(":")) {
          continue; // a comment: the heartbeat
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text.startsWith(" ")) {
          text = text.slice(1);
        }
        if (field === "data") {
          frame.data.push(text);
        } else if (field === "id") {
          frame.id = text;
        } else if (field === "event") {
          frame.event = text;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function toChangeEvent(frame: Frame): ChangeEvent | undefined {
  const envelope = parseJson(frame.data.join("\n"));
  if (!isRecord(envelope) || typeof envelope["sequence"] !== "number") {
    return undefined;
  }
  const event: ChangeEvent = {
    sequence: envelope["sequence"],
    id: String(envelope["id"]),
    type: String(envelope["type"]),
    time: String(envelope["time"]),
    data: isRecord(envelope["data"]) ? envelope["data"] : {},
    cloudevent: envelope,
  };
  if (typeof envelope["subject"] === "string") {
    event.subject = envelope["subject"];
  }
  return event;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
