/**
 * Snapshots: when and where the RDB file is written and read (rdb.c's rdbSave/rdbLoad callers and the save
 * points of serverCron). The byte format itself lives in rdb-format.ts and the translation between keyspace
 * values and RDB records in rdb.ts.
 *
 * A save writes `temp-<pid>.rdb` in `dir`, fsyncs it and renames it over `dbfilename`, so a crash mid-save
 * never leaves a truncated dump. Saving runs in-process (there is no fork in Node): SAVE blocks as in Redis,
 * and save points trigger the same synchronous save from the cron.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../server';
import type { Client } from '../client';
import { encodeSnapshot, loadSnapshot } from './rdb';

export class Persistence {
  /** Time of the last successful save (or of start-up), ms. */
  lastSave: number;
  saves = 0;
  bgsaveInProgress = false;
  lastBgsaveOk = true;
  lastBgsaveSeconds = -1;
  lastLoadLoaded = 0;
  lastLoadExpired = 0;
  /** Last failed save attempt (ms), to retry after 5 s like Redis's CONFIG_BGSAVE_RETRY_DELAY. */
  private lastFailedAt = 0;

  constructor(private readonly server: Server) {
    this.lastSave = server.clock.now();
  }

  /** [seconds, changes] pairs from the `save` parameter. */
  savePoints(): Array<[number, number]> {
    const flat = this.server.config.get('save') as number[];
    const out: Array<[number, number]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
    return out;
  }

  hasSavePoints(): boolean {
    return this.savePoints().length > 0;
  }

  /** Write the RDB file now. Throws on I/O errors (after logging them). */
  saveSync(): void {
    const server = this.server;
    const target = server.rdbPath;
    const tmp = path.join(path.dirname(target), `temp-${process.pid}.rdb`);
    const start = Date.now();
    try {
      const fd = fs.openSync(tmp, 'w');
      try {
        encodeSnapshot(server, (chunk) => {
          let off = 0;
          while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
        });
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, target);
    } catch (e) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        /* nothing to remove */
      }
      this.lastBgsaveOk = false;
      this.lastFailedAt = server.clock.now();
      server.log('warning', `Failed opening the temp RDB file ${path.basename(tmp)} (in server root dir ${path.dirname(target)}) for saving: ${(e as Error).message}`);
      throw e;
    }
    server.dirty = 0;
    this.lastSave = server.clock.now();
    this.lastBgsaveOk = true;
    this.lastBgsaveSeconds = Math.round((Date.now() - start) / 1000);
    this.saves++;
  }

  /** Load the RDB file if it exists (start-up). Throws when it is corrupt. */
  loadAtStartup(): void {
    const file = this.server.rdbPath;
    if (!fs.existsSync(file)) return;
    const start = Date.now();
    const { loaded, expired } = loadSnapshot(this.server, fs.readFileSync(file));
    this.lastLoadLoaded = loaded;
    this.lastLoadExpired = expired;
    this.server.log('notice', `DB loaded from disk: ${((Date.now() - start) / 1000).toFixed(3)} seconds`);
  }

  /** serverCron's save-point check. */
  cron(): void {
    const server = this.server;
    if (server.dirty === 0) return;
    const now = server.clock.now();
    if (!this.lastBgsaveOk && now - this.lastFailedAt < 5000) return;
    for (const [secs, changes] of this.savePoints()) {
      if (server.dirty >= changes && now - this.lastSave > secs * 1000) {
        server.log('notice', `${changes} changes in ${secs} seconds. Saving...`);
        try {
          this.saveSync();
          server.log('notice', 'Background saving terminated with success');
        } catch {
          /* logged by saveSync */
        }
        return;
      }
    }
  }

  /** DEBUG RELOAD: save, empty the keyspace, load again. */
  debugReload(c: Client): void {
    try {
      this.saveSync();
    } catch (e) {
      c.replyError(`ERR Error trying to save the DB: ${(e as Error).message}`);
      return;
    }
    for (const db of this.server.dbs) db.flush();
    loadSnapshot(this.server, fs.readFileSync(this.server.rdbPath));
    c.reply.ok();
  }
}
