/**
 * Pub/Sub (pubsub.c): who listens to which channel, pattern and shard channel, the subscribe/unsubscribe
 * state machine of a client, and message delivery.
 *
 * Channels, patterns and shard channels map to the set of subscribed clients (a JS Set keeps subscription
 * order, which is the delivery order Redis's per-channel client lists give), and each client keeps its own
 * sets (`client.ext.pubsub`) so UNSUBSCRIBE without arguments and disconnects are cheap. A client is in the
 * Pub/Sub context (CF.pubsub: RESP2 restricts its commands, CLIENT LIST shows P) while it has at least one
 * subscription of any kind. Subscription counts in confirmations are Redis 7.0's: channels + patterns for
 * (P)SUBSCRIBE, shard channels alone for SSUBSCRIBE.
 *
 * Delivery encodes a message frame once per protocol and copies the bytes into each subscriber's
 * ReplyWriter; the server flushes every dirty writer after the current event, so a PUBLISH fanned out to 100
 * subscribers costs 100 socket writes, and the publisher never waits for a slow reader (the output-buffer
 * limit for the pubsub class disconnects it instead, see Server.checkOutputLimits). Like Redis's
 * CLIENT_PUSHING, subscription confirmations and messages are written even when the client turned its
 * replies off (CLIENT REPLY OFF/SKIP).
 */

import type { Client } from './client';
import { CF } from './client';
import type { ReplyWriter } from './resp/reply';
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

/** clientSubscriptionsCount: channels + patterns (the count in (P)SUBSCRIBE and (P)UNSUBSCRIBE replies). */
export function subscriptionCount(c: Client): number {
  const s = c.ext.pubsub as ClientSubs | undefined;
  return s === undefined ? 0 : s.channels.size + s.patterns.size;
}

/** clientShardSubscriptionsCount (the count in SSUBSCRIBE and SUNSUBSCRIBE replies). */
export function shardSubscriptionCount(c: Client): number {
  const s = c.ext.pubsub as ClientSubs | undefined;
  return s === undefined ? 0 : s.shardChannels.size;
}

/** clientTotalPubSubSubscriptionCount: the client leaves the Pub/Sub context when this drops to 0. */
export function totalSubscriptionCount(c: Client): number {
  const s = c.ext.pubsub as ClientSubs | undefined;
  return s === undefined ? 0 : s.channels.size + s.patterns.size + s.shardChannels.size;
}

/** The three kinds of subscription, with the words their replies use (Redis's pubsubtype). */
export interface SubKind {
  readonly subscribe: string;
  readonly unsubscribe: string;
  /** The client's own set of this kind. */
  own(s: ClientSubs): Set<string>;
  /** The server-wide registry of this kind. */
  registry(p: PubSub): Map<string, Set<Client>>;
  /** The count replied in confirmations. */
  count(c: Client): number;
}

export const CHANNELS: SubKind = {
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  own: (s) => s.channels,
  registry: (p) => p.channels,
  count: subscriptionCount,
};
export const PATTERNS: SubKind = {
  subscribe: 'psubscribe',
  unsubscribe: 'punsubscribe',
  own: (s) => s.patterns,
  registry: (p) => p.patterns,
  count: subscriptionCount,
};
export const SHARD_CHANNELS: SubKind = {
  subscribe: 'ssubscribe',
  unsubscribe: 'sunsubscribe',
  own: (s) => s.shardChannels,
  registry: (p) => p.shardChannels,
  count: shardSubscriptionCount,
};

/**
 * Write a push frame (pub/sub, tracking invalidation) even when the client turned its replies off (Redis's
 * CLIENT_PUSHING), then restore the writer's muting.
 */
export function pushRaw(w: ReplyWriter, frame: Buffer): void {
  const muted = w.muted;
  if (muted !== 0) w.muted = 0;
  w.raw(frame);
  if (muted !== 0) w.muted = muted;
}

/** One bulk string's RESP encoding as a latin1 string. */
function bulkText(s: string): string {
  return '$' + s.length + '\r\n' + s + '\r\n';
}

/**
 * A pub/sub frame of `parts` (already encoded), with a push header in RESP3 and an array header in RESP2.
 * `resp3` selects the header; the body is identical in both protocols.
 */
function frame(resp3: boolean, n: number, body: string): Buffer {
  return Buffer.from((resp3 ? '>' : '*') + n + '\r\n' + body, 'latin1');
}

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();

  /**
   * pubsubPublishMessage: deliver to the channel's subscribers, then to every client whose pattern matches
   * (a client subscribed both ways gets both frames, message first). Returns the number of receivers.
   */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined && subs.size > 0) n += deliverParts(subs, 'message', channel, message, null);
    if (this.patterns.size > 0) {
      let tail: string | null = null;
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        if (tail === null) tail = bulkText(channel) + bulkText(message);
        n += deliver(clients, 4, '$8\r\npmessage\r\n' + bulkText(pattern) + tail);
      }
    }
    return n;
  }

  /** pubsubPublishMessageShard: deliver to shard-channel subscribers (SPUBLISH). */
  publishShard(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined || subs.size === 0) return 0;
    return deliver(subs, 3, '$8\r\nsmessage\r\n' + bulkText(channel) + bulkText(message));
  }

  /** Add c to a registry map. */
  static add(map: Map<string, Set<Client>>, name: string, c: Client): void {
    let set = map.get(name);
    if (set === undefined) map.set(name, (set = new Set()));
    set.add(c);
  }

  /** Remove c from a registry map, dropping the entry when it was the last subscriber. */
  static remove(map: Map<string, Set<Client>>, name: string, c: Client): void {
    const set = map.get(name);
    if (set === undefined) return;
    set.delete(c);
    if (set.size === 0) map.delete(name);
  }

  /**
   * pubsubSubscribeChannel / pubsubSubscribePattern / pubsubSubscribeShardChannel: subscribe (a repeated
   * subscription changes nothing) and confirm with the kind's count.
   */
  subscribe(c: Client, kind: SubKind, name: string): void {
    const own = kind.own(clientSubs(c));
    if (!own.has(name)) {
      own.add(name);
      PubSub.add(kind.registry(this), name, c);
    }
    c.flags |= CF.pubsub;
    confirm(c, kind.subscribe, name, kind.count(c));
  }

  /**
   * Unsubscribe from one name; confirms (even when c was not subscribed) when `notify`. Returns 1 when c was
   * subscribed. The caller updates CF.pubsub (updatePubSubFlag) once the whole command is done.
   */
  unsubscribe(c: Client, kind: SubKind, name: string, notify: boolean): number {
    const s = c.ext.pubsub as ClientSubs | undefined;
    let removed = 0;
    if (s !== undefined && kind.own(s).delete(name)) {
      PubSub.remove(kind.registry(this), name, c);
      removed = 1;
    }
    if (notify) confirm(c, kind.unsubscribe, name, kind.count(c));
    return removed;
  }

  /**
   * pubsubUnsubscribeAll*: drop every subscription of a kind, confirming each; a client subscribed to none
   * still gets one confirmation with a null name when `notify`. Returns how many there were.
   */
  unsubscribeAll(c: Client, kind: SubKind, notify: boolean): number {
    const s = c.ext.pubsub as ClientSubs | undefined;
    let n = 0;
    if (s !== undefined) {
      const own = kind.own(s);
      for (const name of [...own]) n += this.unsubscribe(c, kind, name, notify);
    }
    if (notify && n === 0) confirm(c, kind.unsubscribe, null, kind.count(c));
    return n;
  }

  /** Drop every subscription of a client without replying (disconnect, RESET). */
  removeClient(c: Client): void {
    const s = c.ext.pubsub as ClientSubs | undefined;
    if (s !== undefined) {
      for (const ch of s.channels) PubSub.remove(this.channels, ch, c);
      for (const p of s.patterns) PubSub.remove(this.patterns, p, c);
      for (const ch of s.shardChannels) PubSub.remove(this.shardChannels, ch, c);
      s.channels.clear();
      s.patterns.clear();
      s.shardChannels.clear();
    }
    c.flags &= ~CF.pubsub;
  }
}

/** Leave the Pub/Sub context when the client has no subscription left (end of every unsubscribe command). */
export function updatePubSubFlag(c: Client): void {
  if (totalSubscriptionCount(c) === 0) c.flags &= ~CF.pubsub;
}

/** addReplyPubsubSubscribed / addReplyPubsubUnsubscribed: [kind, name or null, count]. */
function confirm(c: Client, word: string, name: string | null, count: number): void {
  const w = c.reply;
  const resp3 = w.resp === 3;
  const nameText = name === null ? (resp3 ? '_\r\n' : '$-1\r\n') : bulkText(name);
  pushRaw(w, frame(resp3, 3, bulkText(word) + nameText + ':' + count + '\r\n'));
}

/** Write one message frame (n elements, encoded body) to every client of a set; returns how many. */
function deliver(clients: Set<Client>, n: number, body: string): number {
  let f2: Buffer | null = null;
  let f3: Buffer | null = null;
  for (const c of clients) {
    const w = c.reply;
    if (w.resp === 3) pushRaw(w, f3 ?? (f3 = frame(true, n, body)));
    else pushRaw(w, f2 ?? (f2 = frame(false, n, body)));
  }
  return clients.size;
}

/**
 * Deliver a message frame of bulk strings. Few receivers get it written field by field (no frame to build);
 * many share one pre-encoded frame, copied into each writer.
 */
function deliverParts(clients: Set<Client>, kind: string, a: string, b: string, c: string | null): number {
  if (clients.size > FEW_RECEIVERS) {
    const body = bulkText(kind) + bulkText(a) + bulkText(b) + (c === null ? '' : bulkText(c));
    return deliver(clients, c === null ? 3 : 4, body);
  }
  for (const x of clients) {
    const w = x.reply;
    const muted = w.muted;
    if (muted !== 0) w.muted = 0;
    w.pushLen(c === null ? 3 : 4);
    w.bulk(kind);
    w.bulk(a);
    w.bulk(b);
    if (c !== null) w.bulk(c);
    if (muted !== 0) w.muted = muted;
  }
  return clients.size;
}
const FEW_RECEIVERS = 4;
