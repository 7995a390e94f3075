/**
 * Persistence commands: SAVE, BGSAVE and LASTSAVE, thin wrappers over persistence/snapshot.ts.
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import { is } from './util';
import { ERR } from '../resp/errors';

function save(c: Client): void {
  try {
    c.server.persistence.saveSync();
    c.reply.ok();
  } catch {
    c.replyError('ERR');
  }
}

/** BGSAVE: Node has no fork, so the snapshot is taken at once; the reply is Redis's. */
function bgsave(c: Client, argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'schedule'))) {
    c.replyError(ERR.syntax);
    return;
  }
  try {
    c.server.persistence.saveSync();
    c.reply.simple('Background saving started');
  } catch {
    c.replyError('ERR Background save failed');
  }
}

export const persistenceCommands: CommandDef[] = [
  { name: 'save', handler: save },
  { name: 'bgsave', handler: bgsave },
  { name: 'lastsave', handler: (c) => c.reply.int(Math.floor(c.server.persistence.lastSave / 1000)) },
];
