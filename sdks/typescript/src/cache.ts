/**
 * The client's cache: schemas by id with no expiry (ids are immutable), a subject's latest
 * version for a TTL (default 5 minutes), dropped as soon as the registry answers 404 for it or
 * this client changes the subject. Both maps are bounded and evict the least recently used.
 */

import type { CacheStats, RegisteredSchema } from "./models.js";

export const DEFAULT_LATEST_TTL_MS = 5 * 60 * 1000;
export const DEFAULT_CACHE_SIZE = 1000;

export interface CacheOptions {
  /** How long a subject's latest version is served from memory; 0 turns that off. */
  latestTtlMs?: number | undefined;
  /** Most entries kept in each of the two maps (by id, latest by subject). */
  maxEntries?: number | undefined;
  /** Milliseconds on a monotonic clock (tests may pass their own). */
  clock?: (() => number) | undefined;
}

/** A Map kept in least-recently-used order: a read moves the key to the back. */
class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly capacity: number,
    private readonly onEvict: () => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) {
        break;
      }
      this.entries.delete(oldest.value);
      this.onEvict();
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

interface Expiring {
  expiresAt: number;
  schema: RegisteredSchema;
}

export class SchemaCache {
  readonly latestTtlMs: number;
  private readonly clock: () => number;
  private readonly byId: LruMap<number, RegisteredSchema>;
  private readonly latestBySubject: LruMap<string, Expiring>;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: CacheOptions = {}) {
    this.latestTtlMs = options.latestTtlMs ?? DEFAULT_LATEST_TTL_MS;
    this.clock = options.clock ?? (() => performance.now());
    const size = Math.max(1, options.maxEntries ?? DEFAULT_CACHE_SIZE);
    const evicted = (): void => {
      this.evictions += 1;
    };
    this.byId = new LruMap(size, evicted);
    this.latestBySubject = new LruMap(size, evicted);
  }

  getById(id: number): RegisteredSchema | undefined {
    return this.count(this.byId.get(id));
  }

  putId(schema: RegisteredSchema): void {
    this.byId.set(schema.id, schema);
  }

  getLatest(subject: string): RegisteredSchema | undefined {
    const entry = this.latestBySubject.get(subject);
    if (entry !== undefined && entry.expiresAt <= this.clock()) {
      this.latestBySubject.delete(subject);
      return this.count(undefined);
    }
    return this.count(entry?.schema);
  }

  putLatest(subject: string, schema: RegisteredSchema): void {
    if (this.latestTtlMs > 0) {
      this.latestBySubject.set(subject, { expiresAt: this.clock() + this.latestTtlMs, schema });
    }
  }

  /** The registry said the subject (or its version) is gone, or this client changed it. */
  invalidate(subject: string): void {
    this.latestBySubject.delete(subject);
  }

  clear(): void {
    this.byId.clear();
    this.latestBySubject.clear();
  }

  get stats(): CacheStats {
    const total = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: total === 0 ? 0 : this.hits / total,
      evictions: this.evictions,
      ids: this.byId.size,
      latest: this.latestBySubject.size,
    };
  }

  private count<T>(found: T | undefined): T | undefined {
    if (found === undefined) {
      this.misses += 1;
    } else {
      this.hits += 1;
    }
    return found;
  }
}
