/**
 * Test support: a real registry process (`llm-schema serve` on a free port with its own SQLite
 * file) and small real HTTP servers on 127.0.0.1 for what a registry won't do on demand
 * (answer 503 first, answer slowly).
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** sdks/typescript (the tests run from build/test). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `llm-schema` of the project's virtualenv, or `REGISTRY_SERVE_CMD`. */
export function serveCommand(): string {
  return (
    process.env["REGISTRY_SERVE_CMD"] ?? path.resolve(PACKAGE_ROOT, "../../.venv/bin/llm-schema")
  );
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningRegistry {
  url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** Starts `llm-schema serve` on a free port and waits for `/health/ready`. */
export async function startRegistry(env: Record<string, string> = {}): Promise<RunningRegistry> {
  const dir = await mkdtemp(path.join(tmpdir(), "ts-sdk-registry-"));
  const port = await freePort();
  const child = spawn(serveCommand(), ["serve", "--port", String(port)], {
    env: {
      ...process.env,
      REGISTRY_DATABASE_URL: `sqlite:///${dir}/r.db`,
      REGISTRY_LOG_LEVEL: "WARNING",
      REGISTRY_GRPC_PORT: "0", // no gRPC: test registries run side by side
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.on("error", (error) => {
    stderr += `${error.message}\n`; // a failed spawn; waitReady reports it
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.pid === undefined) {
      throw new Error(`cannot run ${serveCommand()}: set REGISTRY_SERVE_CMD to llm-schema`);
    }
    if (exited(child)) {
      throw new Error(`${serveCommand()} exited (${child.exitCode}):\n${stderr()}`);
    }
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`registry not ready within ${START_TIMEOUT_MS} ms:\n${stderr()}`);
}

/** It ended, or never started (spawn failed: no pid). */
function exited(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (exited(child)) {
    return;
  }
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await gone;
  clearTimeout(timer);
}

export interface TestServer {
  url: string;
  /** Requests seen, with their headers. */
  seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

type Handler = (
  request: http.IncomingMessage,
  body: Buffer,
  response: http.ServerResponse,
) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 running `handler` for every request. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const seen: TestServer["seen"] = [];
  const server = http.createServer((request, response) => {
    seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => void handler(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function reply(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/vnd.schemaregistry.v1+json",
    "Content-Length": Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Answers 503 / 50301 to the first `failures` requests, then forwards each request to
 * `upstream` (a real registry) and relays its answer.
 */
export async function startFlakyProxy(upstream: string, failures: number): Promise<TestServer> {
  let left = failures;
  return startServer(async (request, body, response) => {
    if (left > 0) {
      left -= 1;
      reply(response, 503, { error_code: 50301, message: "try later" });
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ["content-type", "accept", "confluent-accept-unknown-properties"]) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const init: RequestInit = { method: request.method ?? "GET", headers };
    if (body.length > 0) init.body = new Uint8Array(body);
    const answer = await fetch(upstream + (request.url ?? "/"), init);
    const text = await answer.text();
    response.writeHead(answer.status, { "Content-Type": answer.headers.get("content-type") ?? "" });
    response.end(text);
  });
}

let counter = 0;
/** A subject name no other test uses, with characters that need encoding in a path. */
export function uniqueSubject(stem: string): string {
  counter += 1;
  return `${stem} ${counter}/v%${process.pid}`;
}
