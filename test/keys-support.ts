/**
 * Support for the string/keyspace suites (differential-keys, fuzz-strings, expiry): a small RESP decoder for
 * the replies that cannot be compared byte for byte (KEYS and SCAN list keys in hash-table order, which
 * differs between servers), a full SCAN iteration collector, and a check that a command group another
 * engineer owns is registered, so the suites that need a non-string key skip those parts cleanly without it.
 */

import { ALL_COMMANDS } from '../src/commands';
import type { RawConnection } from './helpers';

export type Decoded = string | number | null | Decoded[] | { error: string };

/** Decode one complete raw reply (as RawConnection returns it); maps and sets become flat arrays. */
export function decode(raw: string): Decoded {
  let pos = 0;
  const line = (): string => {
    const nl = raw.indexOf('\r\n', pos);
    const s = raw.slice(pos, nl);
    pos = nl + 2;
    return s;
  };
  const one = (): Decoded => {
    const t = raw[pos++];
    const l = line();
    switch (t) {
      case '+':
        return l;
      case '-':
        return { error: l };
      case ':':
        return Number(l);
      case '_':
        return null;
      case ',':
      case '#':
        return l;
      case '$':
      case '=': {
        const n = Number(l);
        if (n < 0) return null;
        const s = raw.slice(pos, pos + n);
        pos += n + 2;
        return s;
      }
      case '*':
      case '~':
      case '>':
      case '%': {
        let n = Number(l);
        if (n < 0) return null;
        if (t === '%') n *= 2;
        const out: Decoded[] = [];
        for (let i = 0; i < n; i++) out.push(one());
        return out;
      }
      default:
        throw new Error(`decode: unexpected type ${JSON.stringify(t)} in ${JSON.stringify(raw)}`);
    }
  };
  return one();
}

/** Run a full SCAN iteration (extra args: MATCH/COUNT/TYPE) and return the sorted distinct keys seen. */
export async function scanAll(conn: RawConnection, extra: Array<string | number> = []): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = '0';
  let rounds = 0;
  do {
    const r = decode(await conn.call('scan', cursor, ...extra));
    if (!Array.isArray(r)) throw new Error(`SCAN replied ${JSON.stringify(r)}`);
    cursor = r[0] as string;
    for (const k of r[1] as string[]) seen.add(k);
    if (++rounds > 100000) throw new Error('SCAN did not terminate');
  } while (cursor !== '0');
  return [...seen].sort();
}

/** True when Cinnabar registers `name` (commands of groups owned by other engineers may not exist yet). */
export function hasCommand(name: string): boolean {
  return ALL_COMMANDS.some((group) => group.some((d) => d.name === name));
}
