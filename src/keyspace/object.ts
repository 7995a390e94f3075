/**
 * What a key holds. Strings are plain latin1 JS strings (the compact, fast representation V8 offers for bytes);
 * every other type is an object implementing CollectionValue, defined in src/types/. The keyspace never looks
 * inside a value: it needs only the type name (TYPE, WRONGTYPE checks) and the encoding (OBJECT ENCODING),
 * which each collection derives from its size the way Redis's conversions would have left it.
 */

import type { RdbValue } from '../persistence/rdb-format';

export type TypeName = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export interface CollectionValue {
  readonly type: Exclude<TypeName, 'string'>;
  /** Redis's encoding name for OBJECT ENCODING (listpack, quicklist, hashtable, intset, skiplist...). */
  encoding(): string;
  /** Element count; a collection that reaches 0 is deleted by the command that emptied it. */
  readonly length: number;
  /** A deep copy (COPY command). */
  clone(): CollectionValue;
  /** Approximate bytes used (MEMORY USAGE). */
  memoryUsage(): number;
  /** The value as an RDB record (SAVE, DUMP). */
  toRdb(): RdbValue;
}

export type RValue = string | CollectionValue;

export function typeOf(v: RValue): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}
