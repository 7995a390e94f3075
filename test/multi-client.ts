/**
 * Multi-client differential sessions, for the features whose effects cross connections (Pub/Sub, WATCH,
 * keyspace notifications, MONITOR, client tracking).
 *
 * A session has named clients, each a pair of connections (Cinnabar, real Redis). A step sends one command
 * on one client and then synchronises every client: a `PING <marker>` is sent and everything read before
 * its answer is that client's transcript for the step (its reply, messages, invalidations, MONITOR lines).
 * Because each server handles a connection's commands in order and writes a publish's messages before the
 * publisher's reply, the transcripts are deterministic, so they are compared byte for byte (after an
 * optional normalisation of times, ids and ports). A client inside MULTI cannot answer PING (it would be
 * queued), so its own command's single reply is read instead and it is not synchronised by others' steps.
 */

import { Differential, RawConnection, encodeCommand as encode } from './helpers';

const MARKER = 'sync~marker';
const MARKER_BULK = `$${MARKER.length}\r\n${MARKER}\r\n`;
const MARKER_PONG = `*2\r\n$4\r\npong\r\n${MARKER_BULK}`;

/** Every frame before the PING marker's answer (bulk, or the Pub/Sub context's pong array). */
async function drain(conn: RawConnection): Promise<string> {
  let out = '';
  for (;;) {
    const f = await conn.read(5000);
    if (f === MARKER_BULK || f === MARKER_PONG) return out;
    out += f;
  }
}

export type Normalize = (s: string) => string;

export class Session {
  private readonly conns = new Map<string, [RawConnection, RawConnection]>();
  private readonly inMulti = new Set<string>();

  private constructor(readonly d: Differential) {}

  /** Open one connection pair per name. */
  static async open(d: Differential, names: string[]): Promise<Session> {
    const s = new Session(d);
    for (const n of names) s.conns.set(n, await d.connectPair());
    return s;
  }

  pair(name: string): [RawConnection, RawConnection] {
    const p = this.conns.get(name);
    if (p === undefined) throw new Error(`no client ${name}`);
    return p;
  }

  /**
   * Run one command on `name` and synchronise all clients. Returns null when every client's transcript
   * matched, else a description of the first difference. `redisArgs` replaces the arguments sent to Redis
   * when they must differ (another client's id).
   */
  async step(name: string, args: Array<string | number>, normalize?: Normalize, redisArgs = args): Promise<string | null> {
    const [x, y] = this.pair(name);
    const cmd = String(args[0]).toLowerCase();
    if (cmd === 'multi') this.inMulti.add(name);
    else if (cmd === 'exec' || cmd === 'discard' || cmd === 'reset') this.inMulti.delete(name);
    const staysInMulti = this.inMulti.has(name);
    const results: Array<[string, string, string]> = [];
    if (cmd === 'quit' && !staysInMulti) {
      // The connection ends after the reply: compare what arrived before the close, then forget the client.
      x.write(encode(args));
      y.write(encode(redisArgs));
      results.push([name, await x.readUntilClose(), await y.readUntilClose()]);
      this.conns.delete(name);
    } else if (staysInMulti) {
      x.write(encode(args));
      y.write(encode(redisArgs));
      results.push([name, await x.read(), await y.read()]);
    } else {
      x.write(encode(args));
      x.write(encode(['ping', MARKER]));
      y.write(encode(redisArgs));
      y.write(encode(['ping', MARKER]));
      results.push([name, await drain(x), await drain(y)]);
    }
    for (const [other, [a, b]] of this.conns) {
      if (other === name || this.inMulti.has(other)) continue;
      a.write(encode(['ping', MARKER]));
      b.write(encode(['ping', MARKER]));
      results.push([other, await drain(a), await drain(b)]);
    }
    for (let [who, a, b] of results) {
      if (normalize !== undefined) {
        a = normalize(a);
        b = normalize(b);
      }
      if (a !== b) {
        return `${name}> ${JSON.stringify(args.map(String))}\n  client ${who}\n  cinnabar: ${JSON.stringify(a)}\n  redis:    ${JSON.stringify(b)}`;
      }
    }
    return null;
  }

  /** Run "client: command" lines; stops at the first difference. */
  async run(lines: Array<[string, Array<string | number>]>, normalize?: Normalize): Promise<string | null> {
    for (const [name, args] of lines) {
      const diff = await this.step(name, args, normalize);
      if (diff !== null) return diff;
    }
    return null;
  }

  /** The client ids of `name` on Cinnabar and on Redis. */
  async ids(name: string): Promise<[string, string]> {
    const [x, y] = this.pair(name);
    const [a, b] = [await x.call('client', 'id'), await y.call('client', 'id')];
    return [a.slice(1, -2), b.slice(1, -2)];
  }

  close(): void {
    for (const [a, b] of this.conns.values()) {
      a.close();
      b.close();
    }
  }
}

/**
 * Parse a script of "name: command args" lines (words split like redis-cli: quotes and \n, \r, \xHH
 * escapes in double quotes). Blank lines and # comments are skipped.
 */
export function sessionScript(text: string): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const words: string[] = [];
    const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
    let m: RegExpExecArray | null;
    const rest = line.slice(colon + 1);
    while ((m = re.exec(rest)) !== null) {
      if (m[1] !== undefined) {
        words.push(
          m[1]
            .replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
            .replace(/\\n/g, '\n')
            .replace(/\\r/g, '\r')
            .replace(/\\(.)/g, '$1'),
        );
      } else if (m[2] !== undefined) words.push(m[2]);
      else words.push(m[3]);
    }
    out.push([name, words]);
  }
  return out;
}
