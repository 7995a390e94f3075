/**
 * Builds a collection value from an RDB record (loading a dump, RESTORE): the one place that knows which
 * class implements each Redis type. The classes convert themselves back with CollectionValue.toRdb().
 */

import type { CollectionValue } from '../keyspace/object';
import type { RdbValue } from '../persistence/rdb-format';
import type { Config } from '../config';

export function collectionFromRdb(v: Exclude<RdbValue, { type: 'string' }>, _config: Config): CollectionValue {
  throw new Error(`Loading ${v.type} values is not supported yet`);
}
