/**
 * Helpers for the hash and set differential suites and fuzzers.
 *
 * Redis returns small collections (listpack hashes, intsets) in a fixed order that Cinnabar reproduces byte
 * for byte, but hashtable-encoded ones in its own hash order, which no other implementation can match. So a
 * script line may be prefixed to say how its reply is compared:
 *   `~ cmd...`     the reply's elements as a multiset (arrays, RESP3 sets, nested pair arrays)
 *   `~map cmd...`  the reply as a set of field/value pairs (HGETALL as a RESP2 flat array or a RESP3 map,
 *                  HRANDFIELD ... WITHVALUES in RESP2)
 *   `@enc key`     OBJECT ENCODING of key, read from DEBUG OBJECT on both servers
 *   `@scan cmd key [options]`  a complete HSCAN/SSCAN iteration (cursor 0 to 0), elements as a set
 * Everything else is compared byte for byte. The fuzzers share their seed choice and failure message here,
 * and the suites their keyspace-notification comparison (keyEvents).
 */

import { NOTIFY } from '../src/notify';
import { Differential, RawConnection, drainEvents, recordNotify, script } from './helpers';

export interface RespNode {
  /** The type byte and header line, e.g. "*3", "$5", "%2", ":1". */
  head: string;
  /** The payload of a bulk/simple reply (with its own framing), or '' for aggregates. */
  body: string;
  children: RespNode[];
}

/** Parse one complete raw reply into a tree. */
export function parseReply(raw: string): RespNode {
  let pos = 0;
  function node(): RespNode {
    const nl = raw.indexOf('\r\n', pos);
    const head = raw.slice(pos, nl);
    pos = nl + 2;
    const t = head[0];
    const n = Number(head.slice(1));
    if (t === '$' || t === '=' || t === '!') {
      if (n < 0) return { head, body: '', children: [] };
      const body = raw.slice(pos, pos + n + 2);
      pos += n + 2;
      return { head, body, children: [] };
    }
    if (t === '*' || t === '~' || t === '>' || t === '%') {
      const children: RespNode[] = [];
      const count = n < 0 ? 0 : t === '%' ? n * 2 : n;
      for (let i = 0; i < count; i++) children.push(node());
      return { head, body: '', children };
    }
    return { head, body: '', children: [] };
  }
  return node();
}

export function serialize(n: RespNode): string {
  return n.head + '\r\n' + n.body + n.children.map(serialize).join('');
}

/** The reply with its top-level elements sorted (pairs kept together when `pairs`). */
export function canonical(raw: string, pairs: boolean): string {
  const root = parseReply(raw);
  if (root.children.length === 0) return raw;
  let items: string[];
  // RESP3 nests pairs in arrays of two (HRANDFIELD WITHVALUES): those sort as elements.
  if (pairs && root.children[0].children.length === 0) {
    items = [];
    for (let i = 0; i < root.children.length; i += 2) items.push(serialize(root.children[i]) + serialize(root.children[i + 1]));
  } else {
    items = root.children.map(serialize);
  }
  items.sort();
  return root.head + '\r\n' + items.join('');
}

/** The encoding of key as DEBUG OBJECT reports it ('none' when missing). */
export async function encodingOf(conn: RawConnection, key: string): Promise<string> {
  const r = await conn.call('debug', 'object', key);
  const m = /encoding:(\S+)/.exec(r);
  return m === null ? 'none' : m[1];
}

/** Every element a full HSCAN/SSCAN returns, deduplicated and sorted (pairs joined for HSCAN). */
export async function fullScan(conn: RawConnection, cmd: string, key: string, options: string[]): Promise<string> {
  const seen = new Set<string>();
  let cursor = '0';
  const pairs = cmd.toLowerCase() === 'hscan';
  for (let rounds = 0; rounds < 100000; rounds++) {
    const raw = await conn.call(cmd, key, cursor, ...options);
    if (raw[0] !== '*') return raw;
    const root = parseReply(raw);
    cursor = root.children[0].body.slice(0, -2);
    const items = root.children[1].children;
    for (let i = 0; i < items.length; i += pairs ? 2 : 1) {
      seen.add(pairs ? serialize(items[i]) + serialize(items[i + 1]) : serialize(items[i]));
    }
    if (cursor === '0') break;
  }
  return [...seen].sort().join('');
}

/**
 * Run a script (lines of words, see the header for the prefixes) on both servers; returns a description of
 * the first difference, or null.
 */
export async function runScript(d: Differential, commands: string[][]): Promise<string | null> {
  for (const line of commands) {
    let x: string;
    let y: string;
    const mode = line[0];
    if (mode === '@enc') {
      x = await encodingOf(d.a, line[1]);
      y = await encodingOf(d.b, line[1]);
    } else if (mode === '@scan') {
      x = await fullScan(d.a, line[1], line[2], line.slice(3));
      y = await fullScan(d.b, line[1], line[2], line.slice(3));
    } else if (mode === '~' || mode === '~map') {
      [x, y] = await d.both(...line.slice(1));
      x = canonical(x, mode === '~map');
      y = canonical(y, mode === '~map');
    } else {
      [x, y] = await d.both(...line);
    }
    if (x !== y) return `${JSON.stringify(line)}\n  cinnabar: ${JSON.stringify(x)}\n  redis:    ${JSON.stringify(y)}`;
  }
  return null;
}

/** The seed of a fuzz run: FUZZ_SEED when set (to replay a failure), otherwise a random one. */
export function fuzzSeed(): number {
  return Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 1e9));
}

/** The message of a fuzz mismatch: the seed to replay, the command and both replies, the last commands run. */
export function fuzzFailure(seed: number, proto: string, i: number, cmd: string[], log: string[], x: string, y: string): string {
  return `seed ${seed} (FUZZ_SEED=${seed}), RESP${proto}, command #${i}: ${JSON.stringify(cmd)}\n  cinnabar: ${JSON.stringify(x)}\n  redis:    ${JSON.stringify(y)}\n  last commands:\n    ${log.slice(-15).join('\n    ')}`;
}

/**
 * Run a script on both servers and return the keyspace events each produced, as `<event> <key>`: Cinnabar's
 * from its Server.notify calls of the generic/hash/set/string classes (whether or not its SUBSCRIBE exists),
 * Redis's from a connection PSUBSCRIBEd to db 0's keyevent channels (notify-keyspace-events KEA).
 */
export async function keyEvents(d: Differential, text: string): Promise<[string[], string[]]> {
  await d.both('hello', '2');
  await d.both('flushall');
  await d.b.call('config', 'set', 'notify-keyspace-events', 'KEA');
  const sub = await RawConnection.connect(d.redis.port);
  await sub.call('psubscribe', '__keyevent@0__:*');
  const stopRecording = recordNotify(d.cinnabar);
  try {
    for (const cmd of script(text)) await d.both(...cmd);
    const classes = NOTIFY.generic | NOTIFY.hash | NOTIFY.set | NOTIFY.string;
    const events = stopRecording()
      .filter((n) => (n.type & classes) !== 0)
      .map((n) => `${n.event} ${n.key}`);
    const expected = (await drainEvents(sub, 300)).map(([channel, message]) => `${channel.replace('__keyevent@0__:', '')} ${message}`);
    return [events, expected];
  } finally {
    stopRecording();
    sub.close();
  }
}
