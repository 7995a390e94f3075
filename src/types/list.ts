/**
 * The list value: what a Redis list key holds.
 *
 * A list IS a `Deque<string>` (it extends it rather than wrapping one), so a list key costs one object plus
 * the deque's ring buffer and every command reaches the elements without an indirection. The deque gives O(1)
 * push/pop at both ends and O(1) indexing; the command layer (commands/lists.ts) translates Redis's negative
 * indexes and writes replies straight from `get(i)` without building intermediate arrays.
 *
 * Redis 7.0 stores every list as a quicklist (the listpack encoding for small lists only arrived in 7.2), so
 * OBJECT ENCODING is always "quicklist" whatever the size.
 */

import { Deque } from './deque';
import type { CollectionValue } from '../keyspace/object';
import type { RdbValue } from '../persistence/rdb-format';

/** Elements sampled by memoryUsage(), like Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const MEMORY_SAMPLES = 5;

export class ListValue extends Deque<string> implements CollectionValue {
  get type(): 'list' {
    return 'list';
  }

  encoding(): string {
    return 'quicklist';
  }

  /** A list holding `items` in order (RDB loading, RESTORE, COPY). */
  static fromItems(items: readonly string[]): ListValue {
    const l = new ListValue(items.length);
    for (let i = 0; i < items.length; i++) l.pushBack(items[i]);
    return l;
  }

  clone(): ListValue {
    const n = this.length;
    const l = new ListValue(n);
    for (let i = 0; i < n; i++) l.pushBack(this.get(i) as string);
    return l;
  }

  /**
   * Approximate bytes: the ring buffer's slots plus the strings, estimated from the first few elements as
   * Redis's objectComputeSize samples (so MEMORY USAGE stays O(1) on long lists).
   */
  memoryUsage(): number {
    const n = this.length;
    const samples = n < MEMORY_SAMPLES ? n : MEMORY_SAMPLES;
    let sampled = 0;
    for (let i = 0; i < samples; i++) sampled += 16 + (this.get(i) as string).length;
    const strings = samples === 0 ? 0 : Math.round((sampled / samples) * n);
    return 32 + this.capacity * 8 + strings;
  }

  toRdb(): RdbValue {
    return { type: 'list', items: this.toArray() };
  }
}
