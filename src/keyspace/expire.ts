/**
 * The active expiry cycle (Redis 7.0 expire.c, activeExpireCycle in its "slow" form), run from serverCron.
 *
 * Lazy expiry alone would leave keys nobody reads in memory forever, so every cron tick each database's keys
 * with a TTL are sampled through a scan cursor over `db.expires` (Redis 7 walks the expires table the same
 * way): 20 keys per loop (more with `active-expire-effort`), and the loop repeats while more than 10% of the
 * sampled keys were found expired, within a time budget of 25% of the tick. Databases are visited round
 * robin across ticks so a huge database cannot starve the others. Nothing runs while clients are paused
 * (CLIENT PAUSE freezes expiry, as Redis 7.0 does).
 */

import type { Server } from '../server';

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 10;
const SLOW_TIME_PERC = 25;

let nextDb = 0;

export function activeExpireCycle(server: Server): void {
  // While clients are paused the dataset stays static: no key expires until the pause ends.
  if (server.expirePaused) return;
  const effort = server.config.num('active-expire-effort') - 1;
  const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const acceptableStale = ACCEPTABLE_STALE - effort;
  const hz = Math.max(1, server.config.num('hz'));
  const budgetMs = ((SLOW_TIME_PERC + 2 * effort) * 1000) / hz / 100;
  const start = performance.now();
  const dbs = server.dbs;
  let totalSampled = 0;
  let totalExpired = 0;
  for (let n = 0; n < dbs.length; n++) {
    const db = dbs[nextDb % dbs.length];
    nextDb = (nextDb + 1) % dbs.length;
    for (;;) {
      if (db.expires.size === 0) {
        // Nothing left to sample: INFO's avg_ttl goes back to 0, as Redis resets it here.
        db.avgTtl = 0;
        break;
      }
      const [sampled, expired] = db.expireStep(perLoop);
      totalSampled += sampled;
      totalExpired += expired;
      if (sampled === 0 || (expired * 100) / sampled <= acceptableStale) break;
      if (performance.now() - start > budgetMs) return finish(server, totalSampled, totalExpired);
    }
  }
  finish(server, totalSampled, totalExpired);
}

function finish(server: Server, sampled: number, expired: number): void {
  const perc = sampled === 0 ? 0 : expired / sampled;
  server.stats.expiredStalePerc = perc * 0.05 + server.stats.expiredStalePerc * 0.95;
}
