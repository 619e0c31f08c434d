/**
 * @internal A read-only `Map`: the entries live in a private `Map` that nothing outside this
 * class can reach, so neither `Map.prototype.set` applied to it nor an added method can change
 * them. The instance and the class's prototype are frozen, so no method can be replaced either.
 */
export class ReadonlyTable<K, V> implements ReadonlyMap<K, V> {
  readonly #map: Map<K, V>;

  /** @param entries the table's entries, copied; later changes to `entries` do not reach it. */
  constructor(entries: Iterable<readonly [K, V]>) {
    this.#map = new Map(entries);
    Object.freeze(this);
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.#map) callback.call(thisArg, v, k, this);
  }

  entries(): MapIterator<[K, V]> {
    return this.#map.entries();
  }

  keys(): MapIterator<K> {
    return this.#map.keys();
  }

  values(): MapIterator<V> {
    return this.#map.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#map.entries();
  }
}
Object.freeze(ReadonlyTable.prototype);
Object.freeze(ReadonlyTable);
