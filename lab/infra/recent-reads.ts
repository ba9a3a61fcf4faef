// Reads remembered for a while: a keyed cache of pending or settled reads for hot paths.

/**
 * Each key's read, reused while younger than `maxAgeMs` (Infinity: for values that never change);
 * a read that fails is forgotten, so the next call reads again. Cleared when `maxEntries` is reached.
 *
 * @example
 * const models = new RecentReads<string, StoredModel | null>(1000);
 * const model = await models.get(id, () => store.get(id));
 */
export class RecentReads<K, V> {
  private readonly entries = new Map<K, { at: number; value: Promise<V> }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 1000,
  ) {}

  get(key: K, read: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.maxAgeMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { at: now, value: read() };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** The next `get` of `key` reads again. */
  forget(key: K): void {
    this.entries.delete(key);
  }
}
