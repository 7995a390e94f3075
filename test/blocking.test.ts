/**
 * Blocking list commands with several clients, against Cinnabar and a real redis-server.
 *
 * Each scenario is a function of a port that drives a few connections in a fixed order (a client is known
 * to be blocked before the next step, by polling INFO's blocked_clients) and returns the transcript of every
 * reply; the transcripts of both servers must be identical. Scenarios cover first-come first-served
 * service, the atomicity of a push that serves a client, pipelined input resumed after unblocking,
 * timeouts (RESP2 and RESP3 null arrays), wake-up by MULTI/EXEC, RENAME, MOVE and SWAPDB (skipped while
 * Cinnabar lacks those commands), blocking commands inside MULTI, BLMOVE chains and WRONGTYPE destinations,
 * disconnection while blocked, and CLIENT UNBLOCK.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClientSession, RawConnection, RedisProcess, encodeCommand, hasRedis, readEvents, recordPublished, transcriptOf, useServers } from './helpers';
import type { CinnabarServer } from '../src/index';

type Scenario = (s: Session) => Promise<void>;

/** The connections of one scenario run on one server, and the transcript of what they received. */
class Session extends ClientSession {
  /** The INFO clients fields that must match Redis. */
  async recordBlockedInfo(): Promise<void> {
    const info = await this.ctl.call('info', 'clients');
    const lines = info.split('\r\n').filter((l) => l.startsWith('blocked_clients:') || l.startsWith('clients_in_timeout_table:'));
    this.transcript.push(lines.join(','));
  }
}

/** Commands a scenario needs besides the list commands: it is skipped while Cinnabar lacks them. */
const NEEDS: Record<string, string[]> = {
  'a push inside MULTI/EXEC serves after EXEC': ['multi', 'exec'],
  'blocking commands inside MULTI do not block': ['multi', 'exec'],
  'RENAME wakes clients blocked on the new name': ['rename', 'renamenx'],
  'MOVE wakes clients blocked in the target database': ['move'],
  'SWAPDB wakes clients whose keys appear': ['swapdb'],
  'CLIENT REPLY OFF and SKIP also silence the reply of a served or timed out client': ['client|reply'],
};

const SCENARIOS: Record<string, Scenario> = {
  async 'clients are served first-come first-served'(s) {
    const [a, b, c] = [await s.open(), await s.open(), await s.open()];
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    s.send(b, 'brpop', 'k', 'other', '0');
    await s.waitBlocked(2);
    s.send(c, 'blpop', 'k', '0');
    await s.waitBlocked(3);
    await s.call(s.ctl, 'rpush', 'k', '1', '2');
    await s.read(a, 'a: ');
    await s.read(b, 'b: ');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'exists', 'k');
    await s.call(s.ctl, 'lpush', 'k', '3', '4', '5');
    await s.read(c, 'c: ');
    await s.call(s.ctl, 'lrange', 'k', '0', '-1');
    await s.waitBlocked(0);
  },

  async 'one push serves several clients, the rest stays'(s) {
    const [a, b] = [await s.open(), await s.open()];
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    s.send(b, 'blpop', 'k', '0');
    await s.waitBlocked(2);
    await s.call(s.ctl, 'rpush', 'k', 'x', 'y', 'z');
    await s.read(a, 'a: ');
    await s.read(b, 'b: ');
    await s.call(s.ctl, 'lrange', 'k', '0', '-1');
  },

  async 'a serving push is atomic: the next pipelined command sees the pop'(s) {
    const a = await s.open();
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    s.ctl.write(Buffer.concat([encodeCommand(['rpush', 'k', 'x']), encodeCommand(['lrange', 'k', '0', '-1']), encodeCommand(['exists', 'k'])]));
    await s.read(s.ctl, 'rpush: ');
    await s.read(s.ctl, 'lrange: ');
    await s.read(s.ctl, 'exists: ');
    await s.read(a, 'a: ');
  },

  async 'an unblocked client resumes its pipelined commands'(s) {
    const a = await s.open();
    a.write(Buffer.concat([encodeCommand(['blpop', 'k', '0']), encodeCommand(['ping']), encodeCommand(['llen', 'k']), encodeCommand(['blpop', 'k', '0'])]));
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k', 'a', 'b');
    await s.read(a, 'a1: ');
    await s.read(a, 'a2: ');
    await s.read(a, 'a3: ');
    await s.read(a, 'a4: ');
    await s.waitBlocked(0);
  },

  async 'several keys, duplicate keys, BLMPOP with count'(s) {
    const [a, b, c] = [await s.open(), await s.open(), await s.open()];
    s.send(a, 'blpop', 'k1', 'k2', 'k1', '0');
    s.send(b, 'brpop', 'k3', 'k3', 'k3', '0');
    s.send(c, 'blmpop', '0', '2', 'k4', 'k5', 'right', 'count', '3');
    await s.waitBlocked(3);
    await s.call(s.ctl, 'rpush', 'k2', 'v');
    await s.read(a, 'a: ');
    await s.call(s.ctl, 'rpush', 'k3', 'x', 'y');
    await s.read(b, 'b: ');
    await s.call(s.ctl, 'lrange', 'k3', '0', '-1');
    await s.call(s.ctl, 'rpush', 'k5', 'a', 'b', 'c', 'd');
    await s.read(c, 'c: ');
    await s.call(s.ctl, 'lrange', 'k5', '0', '-1');
    s.send(c, 'blmpop', '0', '1', 'k6', 'left', 'count', '10');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k6', 'a', 'b');
    await s.read(c, 'c2: ');
    await s.call(s.ctl, 'exists', 'k6');
  },

  async 'timeouts reply the null array (RESP2)'(s) {
    const a = await s.open();
    await s.call(a, 'blpop', 'k', '0.05');
    await s.call(a, 'brpop', 'k', 'k2', '0.02');
    await s.call(a, 'blmove', 'k', 'd', 'left', 'right', '0.02');
    await s.call(a, 'brpoplpush', 'k', 'd', '0.02');
    await s.call(a, 'blmpop', '0.02', '2', 'k', 'k2', 'left', 'count', '2');
    await s.call(a, 'blpop', 'k', '0.0001');
    await s.call(a, 'blpop', 'k', '1e-400');
    await s.call(s.ctl, 'exists', 'k', 'd');
  },

  async 'timeouts reply the null array (RESP3)'(s) {
    const a = await s.open();
    await a.call('hello', '3');
    await s.call(a, 'blpop', 'k', '0.02');
    await s.call(a, 'blmove', 'k', 'd', 'left', 'right', '0.02');
    await s.call(a, 'brpoplpush', 'k', 'd', '0.02');
    await s.call(a, 'blmpop', '0.02', '1', 'k', 'left');
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k', 'v');
    await s.read(a, 'a: ');
  },

  async 'CLIENT REPLY OFF and SKIP also silence the reply of a served or timed out client'(s) {
    const a = await s.open();
    a.write(encodeCommand(['client', 'reply', 'skip']));
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k', 'x', 'y');
    await s.waitBlocked(0);
    await s.call(a, 'ping', 'after-skip');
    a.write(encodeCommand(['client', 'reply', 'skip']));
    s.send(a, 'blpop', 'none', '0.01');
    await s.call(a, 'ping', 'after-timeout');
    a.write(encodeCommand(['client', 'reply', 'off']));
    s.send(a, 'brpop', 'k', '0');
    await s.waitBlocked(0);
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k', 'z');
    await s.waitBlocked(0);
    await s.call(a, 'client', 'reply', 'on');
    await s.call(s.ctl, 'lrange', 'k', '0', '-1');
  },

  async 'clients in the timeout table'(s) {
    const [a, b] = [await s.open(), await s.open()];
    s.send(a, 'blpop', 'k', '0');
    s.send(b, 'blpop', 'k2', '100');
    await s.waitBlocked(2);
    await s.recordBlockedInfo();
    await s.call(s.ctl, 'rpush', 'k2', 'x');
    await s.read(b, 'b: ');
    await s.waitBlocked(1);
    await s.recordBlockedInfo();
    await s.call(s.ctl, 'rpush', 'k', 'x');
    await s.read(a, 'a: ');
  },

  async 'a client that disconnects while blocked leaves no trace'(s) {
    const [a, b] = [await s.open(), await s.open()];
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    a.close();
    await s.waitBlocked(0);
    s.send(b, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k', 'x', 'y');
    await s.read(b, 'b: ');
    await s.call(s.ctl, 'lrange', 'k', '0', '-1');
    await s.recordBlockedInfo();
  },

  async 'BLMOVE serves a chain of blocked clients'(s) {
    const [a, b] = [await s.open(), await s.open()];
    s.send(a, 'blmove', 'src', 'dst', 'right', 'left', '0');
    await s.waitBlocked(1);
    s.send(b, 'blpop', 'dst', '0');
    await s.waitBlocked(2);
    await s.call(s.ctl, 'rpush', 'src', 'a', 'b');
    await s.read(a, 'a: ');
    await s.read(b, 'b: ');
    await s.call(s.ctl, 'lrange', 'src', '0', '-1');
    await s.call(s.ctl, 'exists', 'dst');
    s.send(a, 'brpoplpush', 'q', 'q', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'lpush', 'q', 'only');
    await s.read(a, 'a2: ');
    await s.call(s.ctl, 'lrange', 'q', '0', '-1');
  },

  async 'BLMOVE to a destination of the wrong type'(s) {
    const [a, b] = [await s.open(), await s.open()];
    await s.call(s.ctl, 'set', 'dst', 'string');
    s.send(a, 'blmove', 'src', 'dst', 'left', 'left', '0');
    await s.waitBlocked(1);
    s.send(b, 'blpop', 'src', '0');
    await s.waitBlocked(2);
    await s.call(s.ctl, 'rpush', 'src', 'x', 'y');
    await s.read(a, 'a: ');
    await s.read(b, 'b: ');
    await s.call(s.ctl, 'lrange', 'src', '0', '-1');
    await s.call(s.ctl, 'get', 'dst');
  },

  async 'a key replaced by another type does not serve'(s) {
    const a = await s.open();
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'set', 'k', 'string');
    await s.recordBlockedInfo();
    await s.call(s.ctl, 'del', 'k');
    await s.call(s.ctl, 'rpush', 'k', 'v');
    await s.read(a, 'a: ');
  },

  async 'CLIENT UNBLOCK with TIMEOUT and ERROR'(s) {
    const a = await s.open();
    const idReply = await a.call('client', 'id');
    const id = idReply.slice(1, -2);
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'client', 'unblock', id);
    await s.read(a, 'a: ');
    s.send(a, 'blmove', 'k', 'd', 'left', 'left', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'client', 'unblock', id, 'TIMEOUT');
    await s.read(a, 'a: ');
    s.send(a, 'blmpop', '0', '1', 'k', 'left');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'client', 'unblock', id, 'foo');
    await s.call(s.ctl, 'client', 'unblock', id, 'error');
    await s.read(a, 'a: ');
    await s.call(s.ctl, 'client', 'unblock', id);
    await s.call(s.ctl, 'client', 'unblock', '999999');
    await s.call(s.ctl, 'client', 'unblock', 'abc');
    await s.call(s.ctl, 'client', 'unblock', id, 'error', 'extra');
    await a.call('hello', '3');
    s.send(a, 'brpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'client', 'unblock', id, 'timeout');
    await s.read(a, 'a: ');
    await s.call(a, 'ping');
  },

  async 'a push inside MULTI/EXEC serves after EXEC'(s) {
    const [a, b] = [await s.open(), await s.open()];
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    s.send(b, 'blpop', 'k', '0');
    await s.waitBlocked(2);
    await s.call(s.ctl, 'multi');
    await s.call(s.ctl, 'rpush', 'k', 'a');
    await s.call(s.ctl, 'rpush', 'k', 'b');
    await s.call(s.ctl, 'lpush', 'k', 'c');
    await s.call(s.ctl, 'exec');
    await s.read(a, 'a: ');
    await s.read(b, 'b: ');
    await s.call(s.ctl, 'lrange', 'k', '0', '-1');
    s.send(a, 'blpop', 'gone', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'multi');
    await s.call(s.ctl, 'rpush', 'gone', 'a');
    await s.call(s.ctl, 'del', 'gone');
    await s.call(s.ctl, 'exec');
    await s.recordBlockedInfo();
    await s.call(s.ctl, 'rpush', 'gone', 'z');
    await s.read(a, 'a: ');
  },

  async 'blocking commands inside MULTI do not block'(s) {
    for (const proto of ['2', '3']) {
      await s.call(s.ctl, 'hello', proto);
      await s.call(s.ctl, 'multi');
      await s.call(s.ctl, 'blpop', 'k', '0');
      await s.call(s.ctl, 'brpop', 'k', '1');
      await s.call(s.ctl, 'blmove', 'k', 'd', 'left', 'left', '0');
      await s.call(s.ctl, 'brpoplpush', 'k', 'd', '0');
      await s.call(s.ctl, 'blmpop', '0', '1', 'k', 'left');
      await s.call(s.ctl, 'rpush', 'k', 'v');
      await s.call(s.ctl, 'blpop', 'k', '0');
      await s.call(s.ctl, 'exec');
    }
    await s.call(s.ctl, 'hello', '2');
  },

  async 'RENAME wakes clients blocked on the new name'(s) {
    const a = await s.open();
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'tmp', 'a', 'b');
    await s.call(s.ctl, 'rename', 'tmp', 'k');
    await s.read(a, 'a: ');
    s.send(a, 'brpop', 'k2', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'renamenx', 'k', 'k2');
    await s.read(a, 'a: ');
    await s.call(s.ctl, 'exists', 'k', 'k2');
  },

  async 'MOVE wakes clients blocked in the target database'(s) {
    const a = await s.open();
    await s.call(a, 'select', '1');
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k', 'a', 'b');
    await s.call(s.ctl, 'move', 'k', '1');
    await s.read(a, 'a: ');
    await s.call(a, 'lrange', 'k', '0', '-1');
  },

  async 'SWAPDB wakes clients whose keys appear'(s) {
    const a = await s.open();
    s.send(a, 'blpop', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'select', '1');
    await s.call(s.ctl, 'rpush', 'k', 'a', 'b');
    await s.call(s.ctl, 'swapdb', '0', '1');
    await s.read(a, 'a: ');
    await s.call(s.ctl, 'select', '0');
    await s.call(s.ctl, 'lrange', 'k', '0', '-1');
    await s.call(s.ctl, 'select', '1');
    await s.call(s.ctl, 'exists', 'k');
    await s.call(s.ctl, 'select', '0');
  },
};

describe('blocking list commands', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let cinnabar: CinnabarServer;
  let redis: RedisProcess;
  useServers((c, r) => {
    cinnabar = c;
    redis = r;
  });

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, async (t) => {
      const needs = NEEDS[name];
      if (needs !== undefined) {
        const probe = await RawConnection.connect(cinnabar.address().port);
        let missing = false;
        for (const need of needs) {
          // "container|sub" needs the subcommand listed in the container's COMMAND INFO.
          const info = await probe.call('command', 'info', need.split('|')[0]);
          if (info.includes('*-1\r\n') || (need.includes('|') && !info.includes(need))) missing = true;
        }
        probe.close();
        // Keep client ids in step on both servers (transcripts include HELLO replies with ids).
        (await RawConnection.connect(redis.port)).close();
        if (missing) return t.skip(`Cinnabar lacks ${needs.join('/')}`);
      }
      const runOn = (port: number): Promise<string[]> => transcriptOf(new Session(port), scenario);
      // Client ids depend on how many connections each server has seen: mask them in HELLO replies.
      const maskIds = (t: string[]) => t.map((x) => x.replace(/(\$2\r\nid\r\n:)\d+/g, '$1<id>'));
      const ours = maskIds(await runOn(cinnabar.address().port));
      const theirs = maskIds(await runOn(redis.port));
      assert.deepEqual(ours, theirs);
    });
  }

  it('a served pop is notified like Redis', async () => {
    /** The scenario; `events` returns what was published since it started. */
    const run = async (s: Session, events: () => Promise<string[]>): Promise<string[]> => {
      const [a, b, c] = [await s.open(), await s.open(), await s.open()];
      s.send(a, 'blpop', 'k', '0');
      s.send(b, 'blmove', 'm', 'n', 'left', 'right', '0');
      s.send(c, 'blmpop', '0', '1', 'p', 'right', 'count', '2');
      await s.waitBlocked(3);
      await s.call(s.ctl, 'rpush', 'k', 'x');
      await s.read(a, 'a: ');
      await s.call(s.ctl, 'rpush', 'm', 'y', 'z');
      await s.read(b, 'b: ');
      await s.call(s.ctl, 'rpush', 'p', '1', '2', '3');
      await s.read(c, 'c: ');
      return [...s.transcript, ...(await events())];
    };
    const ours = new Session(cinnabar.address().port);
    const theirs = new Session(redis.port);
    try {
      await ours.start();
      await theirs.start();
      await ours.ctl.call('config', 'set', 'notify-keyspace-events', 'KEA');
      await theirs.ctl.call('config', 'set', 'notify-keyspace-events', 'KEA');
      // Cinnabar: what it publishes; Redis: what a PSUBSCRIBEd client receives.
      const stopRecording = recordPublished(cinnabar);
      let got: string[];
      try {
        got = await run(ours, async () => stopRecording());
      } finally {
        stopRecording();
      }
      const sub = await theirs.open();
      await sub.call('psubscribe', '__key*__:*');
      const expected = await run(theirs, () => readEvents(sub));
      assert.deepEqual(got, expected);
    } finally {
      await ours.ctl.call('config', 'set', 'notify-keyspace-events', '');
      await theirs.ctl.call('config', 'set', 'notify-keyspace-events', '');
      ours.close();
      theirs.close();
    }
  });

  it('a blocked client is served once the timeout is far away, and the state is clean afterwards', async () => {
    const port = cinnabar.address().port;
    const s = new Session(port);
    try {
      await s.start();
      const a = await s.open();
      s.send(a, 'blpop', 'k', '9223372036854775');
      await s.waitBlocked(1);
      await s.recordBlockedInfo();
      assert.deepEqual(s.transcript, ['blocked_clients:1,clients_in_timeout_table:1']);
      await s.call(s.ctl, 'rpush', 'k', 'v');
      assert.equal(await a.read(), '*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
      await s.waitBlocked(0);
    } finally {
      s.close();
    }
  });
});
