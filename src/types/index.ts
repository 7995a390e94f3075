/**
 * Builds a collection value from an RDB record (loading a dump, RESTORE): the one place that knows which
 * class implements each Redis type. The classes convert themselves back with CollectionValue.toRdb().
 */

import type { CollectionValue } from '../keyspace/object';
import type { RdbValue } from '../persistence/rdb-format';
import type { Config } from '../config';
import { ListValue } from './list';
import { HashValue } from './hash';
import { SetValue } from './set';
import { Zset } from './zset';

export function collectionFromRdb(v: Exclude<RdbValue, { type: 'string' }>, _config: Config): CollectionValue {
  switch (v.type) {
    case 'list':
      return ListValue.fromItems(v.items);
    case 'hash':
      return HashValue.fromEntries(v.entries, _config.num('hash-max-listpack-entries'), _config.num('hash-max-listpack-value'));
    case 'set':
      return SetValue.fromMembers(v.members, _config.num('set-max-intset-entries'));
    case 'zset':
      return Zset.fromEntries(v.entries, _config.num('zset-max-listpack-entries'), _config.num('zset-max-listpack-value'));
  }
  throw new Error(`Loading ${(v as RdbValue).type} values is not supported yet`);
}
