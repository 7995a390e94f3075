/**
 * Raw RESP surgery for the server and connection differential suites: split a reply into the exact bytes of
 * its elements and put them back together. Some replies are byte-identical to Redis's only up to an order
 * Redis does not fix (the subcommands of COMMAND INFO/DOCS come from a hash table seeded at random on each
 * start) or up to values that differ by nature (client ids, addresses, buffer sizes); working on the raw
 * bytes keeps every type marker (map vs array, set vs array, simple vs bulk) in the comparison.
 */

import { replyLength } from './helpers';

export interface RawAggregate {
  /** The type byte: '*', '%', '~', '>' or '|'. */
  type: string;
  /** Raw bytes of each element (a map has key and value as separate elements). */
  items: string[];
}

/** The elements of an aggregate reply, or null when `raw` is not an aggregate. */
export function splitAggregate(raw: string): RawAggregate | null {
  const type = raw[0];
  if (!'*%~>|'.includes(type)) return null;
  const nl = raw.indexOf('\r\n');
  let n = Number(raw.slice(1, nl));
  if (n < 0) return null;
  if (type === '%' || type === '|') n *= 2;
  const buf = Buffer.from(raw, 'latin1');
  const items: string[] = [];
  let pos = nl + 2;
  for (let i = 0; i < n; i++) {
    const len = replyLength(buf, pos);
    items.push(raw.slice(pos, pos + len));
    pos += len;
  }
  return { type, items };
}

/** Reassemble an aggregate from its (possibly filtered or reordered) elements. */
export function joinAggregate(type: string, items: string[]): string {
  const n = type === '%' || type === '|' ? items.length / 2 : items.length;
  return `${type}${n}\r\n${items.join('')}`;
}

/** The text of a simple string, bulk string or verbatim string reply. */
export function textOf(raw: string): string {
  if (raw[0] === '+' || raw[0] === '-' || raw[0] === ':') return raw.slice(1, raw.indexOf('\r\n'));
  const nl = raw.indexOf('\r\n');
  const body = raw.slice(nl + 2, raw.length - 2);
  return raw[0] === '=' ? body.slice(4) : body;
}

/** Pairs of a map reply (RESP3 '%' or a RESP2 flat array), as [raw key, raw value]. */
export function mapPairs(raw: string): Array<[string, string]> {
  const agg = splitAggregate(raw);
  if (agg === null) throw new Error(`not a map: ${JSON.stringify(raw.slice(0, 80))}`);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < agg.items.length; i += 2) out.push([agg.items[i], agg.items[i + 1]]);
  return out;
}
