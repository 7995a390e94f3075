/**
 * Pub/Sub registry: who listens to which channel, pattern and shard channel, and message delivery.
 *
 * Channels and patterns map to the set of subscribed clients, and each client keeps its own sets (in
 * `client.ext.pubsub`) so UNSUBSCRIBE with no arguments and disconnects are cheap. Delivery writes a push
 * frame (RESP3 `>`, RESP2 array) straight into the subscriber's ReplyWriter; the server flushes every dirty
 * writer after the current event, so a PUBLISH fanned out to 100 subscribers costs 100 socket writes, not
 * more, and the publisher never waits for a slow reader (the output buffer limit disconnects it instead).
 */

import type { Client } from './client';
import { CF } from './client';
import { globMatch } from './util/glob';

export interface ClientSubs {
  channels: Set<string>;
  patterns: Set<string>;
  shardChannels: Set<string>;
}

export function clientSubs(c: Client): ClientSubs {
  let s = c.ext.pubsub as ClientSubs | undefined;
  if (s === undefined) {
    s = { channels: new Set(), patterns: new Set(), shardChannels: new Set() };
    c.ext.pubsub = s;
  }
  return s;
}

/** Total subscriptions of a client (the count in subscribe/unsubscribe replies). */
export function subscriptionCount(c: Client): number {
  const s = c.ext.pubsub as ClientSubs | undefined;
  if (s === undefined) return 0;
  return s.channels.size + s.patterns.size + s.shardChannels.size;
}

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();

  /** Deliver to channel subscribers and matching patterns; returns the number of receivers. */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      for (const c of subs) {
        const w = c.reply;
        w.pushLen(3);
        w.bulk('message');
        w.bulk(channel);
        w.bulk(message);
        n++;
      }
    }
    if (this.patterns.size > 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const c of clients) {
          const w = c.reply;
          w.pushLen(4);
          w.bulk('pmessage');
          w.bulk(pattern);
          w.bulk(channel);
          w.bulk(message);
          n++;
        }
      }
    }
    return n;
  }

  /** Deliver to shard-channel subscribers (SPUBLISH). */
  publishShard(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    for (const c of subs) {
      const w = c.reply;
      w.pushLen(3);
      w.bulk('smessage');
      w.bulk(channel);
      w.bulk(message);
    }
    return subs.size;
  }

  /** Add c to a registry map; false when already there. */
  static add(map: Map<string, Set<Client>>, name: string, c: Client): void {
    let set = map.get(name);
    if (set === undefined) map.set(name, (set = new Set()));
    set.add(c);
  }

  static remove(map: Map<string, Set<Client>>, name: string, c: Client): void {
    const set = map.get(name);
    if (set === undefined) return;
    set.delete(c);
    if (set.size === 0) map.delete(name);
  }

  /** Drop every subscription of a disconnecting client. */
  removeClient(c: Client): void {
    const s = c.ext.pubsub as ClientSubs | undefined;
    if (s === undefined) return;
    for (const ch of s.channels) PubSub.remove(this.channels, ch, c);
    for (const p of s.patterns) PubSub.remove(this.patterns, p, c);
    for (const ch of s.shardChannels) PubSub.remove(this.shardChannels, ch, c);
    s.channels.clear();
    s.patterns.clear();
    s.shardChannels.clear();
    c.flags &= ~CF.pubsub;
  }
}
