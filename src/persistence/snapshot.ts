/**
 * Snapshots: when and where the RDB file is written and read (rdb.c's rdbSave/rdbSaveBackground/rdbLoad and
 * the save points of serverCron). The byte format lives in rdb-format.ts and the translation between
 * keyspace values and RDB records in rdb.ts.
 *
 * A save writes `temp-<pid>.rdb` in `dir`, fsyncs it, renames it over `dbfilename` and fsyncs the directory,
 * so a crash or an I/O error mid-save never leaves a truncated dump and never touches the previous one.
 * Node cannot fork, so there is no child process: SAVE blocks as in Redis, and BGSAVE and save points run
 * the same save at once, then account for it as a finished background save (INFO rdb_last_bgsave_status,
 * rdb_last_bgsave_time_sec, the retry delay after a failure). What clients observe is Redis's: BGSAVE replies
 * "Background saving started" even when the save then fails, because in Redis the child fails after the reply.
 * Log lines are Redis's own.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../server';
import type { Client } from '../client';
import { encodeSnapshot, loadSnapshot } from './rdb';
import { strerror } from '../config-file';

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed background save, save points wait this long. */
const BGSAVE_RETRY_DELAY_MS = 5000;

export class Persistence {
  /** Time of the last successful save (or of start-up), ms: LASTSAVE, rdb_last_save_time. */
  lastSave: number;
  /** rdb_saves: SAVE and BGSAVE commands and save-point saves, successful or not. */
  saves = 0;
  /** Always false: the emulated background save is over before anyone can look. */
  readonly bgsaveInProgress = false;
  /** rdb_last_bgsave_status. */
  lastBgsaveOk = true;
  /** rdb_last_bgsave_time_sec (-1 before the first background save). */
  lastBgsaveSeconds = -1;
  /** rdb_last_load_keys_loaded / rdb_last_load_keys_expired. */
  lastLoadLoaded = 0;
  lastLoadExpired = 0;
  /** When the last background save was tried (ms), for the retry delay after a failure. */
  private lastBgsaveTry = 0;

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
    return (this.server.config.get('save') as number[]).length > 0;
  }

  private get tempPath(): string {
    return path.join(path.dirname(this.server.rdbPath), `temp-${process.pid}.rdb`);
  }

  /**
   * rdbSave(): write the RDB file now, atomically. Returns false on failure, after logging it as Redis does;
   * the previous dump is left untouched. On success the change counter is reset and LASTSAVE moves.
   */
  save(): boolean {
    const server = this.server;
    const target = server.rdbPath;
    const dir = path.dirname(target);
    const tmp = this.tempPath;
    let fd: number;
    try {
      fd = fs.openSync(tmp, 'w');
    } catch (e) {
      server.log('warning', `Failed opening the temp RDB file ${path.basename(tmp)} (in server root dir ${dir}) for saving: ${strerror(e)}`);
      return false;
    }
    try {
      try {
        encodeSnapshot(server, (chunk) => {
          let off = 0;
          while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
        });
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      server.log('warning', `Write error saving DB on disk: ${strerror(e)}`);
      removeQuietly(tmp);
      return false;
    }
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      server.log(
        'warning',
        `Error moving temp DB file ${path.basename(tmp)} on the final destination ${path.basename(target)} (in server root dir ${dir}): ${strerror(e)}`,
      );
      removeQuietly(tmp);
      return false;
    }
    fsyncDir(dir);
    server.log('notice', 'DB saved on disk');
    server.dirty = 0;
    this.lastSave = server.clock.now();
    this.lastBgsaveOk = true;
    return true;
  }

  /** save() for callers that want an exception (SHUTDOWN, FLUSHALL, embedded close). */
  saveSync(): void {
    if (!this.save()) throw new Error(`Error saving the DB to ${this.server.rdbPath} (see the log)`);
  }

  /** SAVE: counts in rdb_saves whether or not it succeeds, as in Redis. */
  saveCommand(): boolean {
    this.saves++;
    return this.save();
  }

  /**
   * rdbSaveBackground() and its completion handler, run back to back (BGSAVE and save points). A failed save
   * is recorded in the bgsave status and the log, as the completion of a failed child would be.
   */
  bgsave(): void {
    const server = this.server;
    this.saves++;
    this.lastBgsaveTry = server.clock.now();
    server.log('notice', `Background saving started by pid ${process.pid}`);
    const start = Date.now();
    const ok = this.save();
    this.lastBgsaveSeconds = Math.round((Date.now() - start) / 1000);
    this.lastBgsaveOk = ok;
    server.log(ok ? 'notice' : 'warning', ok ? 'Background saving terminated with success' : 'Background saving error');
  }

  /** Load the RDB file if it exists (start-up), logging like Redis. Throws when it is corrupt. */
  loadAtStartup(): void {
    const server = this.server;
    const file = server.rdbPath;
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`${strerror(e)} (${file})`);
    }
    const start = Date.now();
    this.load(buf);
    server.log('notice', `DB loaded from disk: ${((Date.now() - start) / 1000).toFixed(3)} seconds`);
  }

  /** rdbLoad() into the current (empty) keyspace, with Redis's log lines. */
  private load(buf: Buffer): void {
    const server = this.server;
    const { loaded, expired, aux } = loadSnapshot(server, buf);
    if (aux['redis-ver'] !== undefined) server.log('notice', `Loading RDB produced by version ${aux['redis-ver']}`);
    if (aux.ctime !== undefined) {
      const age = Math.floor(server.clock.now() / 1000) - Number(aux.ctime);
      server.log('notice', `RDB age ${age < 0 ? 0 : age} seconds`);
    }
    if (aux['used-mem'] !== undefined) server.log('notice', `RDB memory usage when created ${(Number(aux['used-mem']) / (1024 * 1024)).toFixed(2)} Mb`);
    server.log('notice', `Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}.`);
    this.lastLoadLoaded = loaded;
    this.lastLoadExpired = expired;
  }

  /** serverCron's save-point check: a background save when a point is reached (not too soon after a failure). */
  cron(): void {
    const server = this.server;
    if (server.dirty === 0) return;
    const now = server.clock.now();
    for (const [secs, changes] of this.savePoints()) {
      if (server.dirty >= changes && now - this.lastSave > secs * 1000 && (this.lastBgsaveOk || now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY_MS)) {
        server.log('notice', `${changes} changes in ${secs} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
  }

  /**
   * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless NOSAVE), empty the keyspace (unless NOFLUSH), load
   * the file again. A failed save replies "-ERR" as Redis does, and the data stays as it was.
   */
  debugReload(c: Client, argv: string[] = ['debug', 'reload']): void {
    let flush = true;
    let save = true;
    for (let i = 2; i < argv.length; i++) {
      const opt = argv[i].toLowerCase();
      if (opt === 'merge') {
        // MERGE loads over existing keys, replacing them: implied by how the loader adds keys.
      } else if (opt === 'noflush') flush = false;
      else if (opt === 'nosave') save = false;
      else {
        c.replyError('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
        return;
      }
    }
    if (save && !this.save()) {
      c.replyError('ERR');
      return;
    }
    if (flush) for (const db of this.server.dbs) db.flush();
    let buf: Buffer;
    try {
      buf = fs.readFileSync(this.server.rdbPath);
      this.load(buf);
    } catch {
      c.replyError('ERR Error trying to load the RDB dump, check server logs.');
      return;
    }
    this.server.log('warning', 'DB reloaded by DEBUG RELOAD');
    c.reply.ok();
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    /* nothing to remove */
  }
}

/** Make the rename durable (Redis's fsyncFileDir); not every platform can open a directory. */
function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
