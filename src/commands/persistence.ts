/**
 * Persistence commands: SAVE, BGSAVE and LASTSAVE, thin wrappers over persistence/snapshot.ts.
 * Redis answers a failed SAVE with a bare "-ERR" (shared.err); BGSAVE always answers "Background saving
 * started" because in Redis the forked child fails, if it does, after the reply (see snapshot.ts).
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import { is } from './util';
import { ERR } from '../resp/errors';

function save(c: Client): void {
  if (c.server.persistence.saveCommand()) c.reply.ok();
  else c.replyError('ERR');
}

function bgsave(c: Client, argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'schedule'))) {
    c.replyError(ERR.syntax);
    return;
  }
  c.server.persistence.bgsave();
  c.reply.simple('Background saving started');
}

export const persistenceCommands: CommandDef[] = [
  { name: 'save', handler: save },
  { name: 'bgsave', handler: bgsave },
  { name: 'lastsave', handler: (c) => c.reply.int(Math.floor(c.server.persistence.lastSave / 1000)) },
];
