/**
 * Keyspace notifications (notify.c): event classes, the parse of `notify-keyspace-events`, and the two
 * channels each event is published on: `__keyspace@<db>__:<key>` (message: the event name) and
 * `__keyevent@<db>__:<event>` (message: the key). Commands call Server.notify() with a class and an event name
 * after every write, exactly where Redis calls notifyKeyspaceEvent().
 */

export const NOTIFY = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m (not included in 'A')
  module: 1 << 12, // d
  new: 1 << 13, // n (not included in 'A')
} as const;

const ALL = NOTIFY.generic | NOTIFY.string | NOTIFY.list | NOTIFY.set | NOTIFY.hash | NOTIFY.zset | NOTIFY.expired | NOTIFY.evicted | NOTIFY.stream | NOTIFY.module;

/** keyspaceEventsStringToFlags: the text was validated by the config table. */
export function parseNotifyFlags(text: string): number {
  let f = 0;
  for (const ch of text) {
    switch (ch) {
      case 'A': f |= ALL; break;
      case 'g': f |= NOTIFY.generic; break;
      case '$': f |= NOTIFY.string; break;
      case 'l': f |= NOTIFY.list; break;
      case 's': f |= NOTIFY.set; break;
      case 'h': f |= NOTIFY.hash; break;
      case 'z': f |= NOTIFY.zset; break;
      case 'x': f |= NOTIFY.expired; break;
      case 'e': f |= NOTIFY.evicted; break;
      case 'K': f |= NOTIFY.keyspace; break;
      case 'E': f |= NOTIFY.keyevent; break;
      case 't': f |= NOTIFY.stream; break;
      case 'm': f |= NOTIFY.keyMiss; break;
      case 'd': f |= NOTIFY.module; break;
      case 'n': f |= NOTIFY.new; break;
    }
  }
  return f;
}

/** keyspaceEventsFlagsToString: the normalised text CONFIG GET shows. */
export function formatNotifyFlags(f: number): string {
  let s = '';
  if ((f & ALL) === ALL) s += 'A';
  else {
    if (f & NOTIFY.generic) s += 'g';
    if (f & NOTIFY.string) s += '$';
    if (f & NOTIFY.list) s += 'l';
    if (f & NOTIFY.set) s += 's';
    if (f & NOTIFY.hash) s += 'h';
    if (f & NOTIFY.zset) s += 'z';
    if (f & NOTIFY.expired) s += 'x';
    if (f & NOTIFY.evicted) s += 'e';
    if (f & NOTIFY.stream) s += 't';
    if (f & NOTIFY.module) s += 'd';
    if (f & NOTIFY.new) s += 'n';
  }
  if (f & NOTIFY.keyspace) s += 'K';
  if (f & NOTIFY.keyevent) s += 'E';
  if (f & NOTIFY.keyMiss) s += 'm';
  return s;
}
