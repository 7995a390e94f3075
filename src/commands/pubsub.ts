/**
 * Pub/Sub commands (pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE,
 * PUBLISH, SPUBLISH and the PUBSUB introspection container. The registry and the reply frames live in
 * src/pubsub.ts; these handlers only add the checks Redis does around them (a client that must get one reply
 * per command, such as one running EXEC, may not start listening) and leave the Pub/Sub context when the last
 * subscription goes.
 */

import { CF, Client } from '../client';
import type { CommandDef } from './table';
import { CHANNELS, PATTERNS, SHARD_CHANNELS, SubKind, updatePubSubFlag } from '../pubsub';
import { globMatch } from '../util/glob';
import { ERR } from '../resp/errors';

/**
 * (P|S)SUBSCRIBE. A client that expects one reply per command (CF.denyBlocking: EXEC, scripts) may not
 * subscribe, except inside MULTI/EXEC for SUBSCRIBE and PSUBSCRIBE, which Redis keeps allowed for backward
 * compatibility.
 */
function subscribeHandler(kind: SubKind, name: string, allowedInMulti: boolean) {
  return (c: Client, argv: string[]): void => {
    if ((c.flags & CF.denyBlocking) !== 0 && !(allowedInMulti && (c.flags & CF.multi) !== 0)) {
      c.replyError(ERR.denyBlocking(name));
      return;
    }
    const pubsub = c.server.pubsub;
    for (let i = 1; i < argv.length; i++) pubsub.subscribe(c, kind, argv[i]);
  };
}

/** (P|S)UNSUBSCRIBE [name ...]: without names, every subscription of the kind. */
function unsubscribeHandler(kind: SubKind) {
  return (c: Client, argv: string[]): void => {
    const pubsub = c.server.pubsub;
    if (argv.length === 1) pubsub.unsubscribeAll(c, kind, true);
    else for (let i = 1; i < argv.length; i++) pubsub.unsubscribe(c, kind, argv[i], true);
    updatePubSubFlag(c);
  };
}

function publish(c: Client, argv: string[]): void {
  c.reply.int(c.server.pubsub.publish(argv[1], argv[2]));
}

function spublish(c: Client, argv: string[]): void {
  c.reply.int(c.server.pubsub.publishShard(argv[1], argv[2]));
}

/** channelList: the names of a registry, all or those matching a glob pattern. */
function channelList(c: Client, argv: string[], registry: Map<string, Set<Client>>): void {
  if (argv.length > 3) {
    c.replyError(ERR.subcommandSyntax(argv[1], argv[0]));
    return;
  }
  const pattern = argv.length === 3 ? argv[2] : null;
  const out: string[] = [];
  for (const name of registry.keys()) if (pattern === null || globMatch(pattern, name)) out.push(name);
  c.reply.bulkArray(out);
}

/** PUBSUB NUMSUB / SHARDNUMSUB: name, subscriber count pairs as a flat array (in both protocols). */
function numsub(c: Client, argv: string[], registry: Map<string, Set<Client>>): void {
  const w = c.reply;
  w.arrayLen((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    w.bulk(argv[i]);
    w.int(registry.get(argv[i])?.size ?? 0);
  }
}

export const pubsubCommands: CommandDef[] = [
  { name: 'subscribe', handler: subscribeHandler(CHANNELS, 'SUBSCRIBE', true) },
  { name: 'unsubscribe', handler: unsubscribeHandler(CHANNELS) },
  { name: 'psubscribe', handler: subscribeHandler(PATTERNS, 'PSUBSCRIBE', true) },
  { name: 'punsubscribe', handler: unsubscribeHandler(PATTERNS) },
  { name: 'ssubscribe', handler: subscribeHandler(SHARD_CHANNELS, 'SSUBSCRIBE', false) },
  { name: 'sunsubscribe', handler: unsubscribeHandler(SHARD_CHANNELS) },
  { name: 'publish', handler: publish },
  { name: 'spublish', handler: spublish },
  {
    name: 'pubsub',
    subcommands: [
      { name: 'channels', handler: (c, argv) => channelList(c, argv, c.server.pubsub.channels) },
      { name: 'numsub', handler: (c, argv) => numsub(c, argv, c.server.pubsub.channels) },
      { name: 'numpat', handler: (c) => c.reply.int(c.server.pubsub.patterns.size) },
      { name: 'shardchannels', handler: (c, argv) => channelList(c, argv, c.server.pubsub.shardChannels) },
      { name: 'shardnumsub', handler: (c, argv) => numsub(c, argv, c.server.pubsub.shardChannels) },
      { name: 'help' },
    ],
  },
];
