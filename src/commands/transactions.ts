/**
 * Transaction commands (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH. The handlers live in src/multi.ts
 * beside the WATCH bookkeeping they share with the keyspace hooks; this module only registers them.
 */

import type { CommandDef } from './table';
import { discard, exec, multi, unwatch, watch } from '../multi';

export const transactionCommands: CommandDef[] = [
  { name: 'multi', handler: multi },
  { name: 'exec', handler: exec },
  { name: 'discard', handler: discard },
  { name: 'watch', handler: watch },
  { name: 'unwatch', handler: unwatch },
];
