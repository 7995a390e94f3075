/**
 * Every error text Cinnabar sends, worded exactly as Redis 7.0 words it (server.c `shared.*` objects and the
 * addReplyError* calls of each command). Keeping them in one module means a differential test that finds a
 * wording difference is fixed in one place, and handlers never spell an error by hand.
 * Texts are stored without the leading '-' and trailing CRLF; ReplyWriter adds those.
 */

export const ERR = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  nanOrInf: 'ERR increment would produce NaN or Infinity',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidDbIndex: 'ERR invalid DB index',
  sameObject: 'ERR source and destination objects are the same',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNoPassword:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  unknownCommand: (name: string, args: string[]) => {
    let argsText = '';
    for (const a of args) {
      if (argsText.length >= 128) break;
      argsText += `'${truncate(a, 128 - argsText.length)}' `;
    }
    return `ERR unknown command '${truncate(name, 128)}', with args beginning with: ${argsText}`;
  },
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${truncate(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  bitOffset: 'ERR bit offset is not an integer or out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  protocolPrefix: 'ERR Protocol error: ',
  noProto: 'NOPROTO unsupported protocol version',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  valueMustBePositive: 'ERR value is out of range, must be positive',
  // Lists (t_list.c) and blocking (blocked.c, CLIENT UNBLOCK).
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  unblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  unblockedByClient: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',
  /** addReplySubcommandSyntaxError: a known subcommand with a wrong number of arguments. */
  subcommandSyntax: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${truncate(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  countOutOfRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  valueOutOfRange: 'ERR value is out of range',
  hashValueNotInteger: 'ERR hash value is not an integer',
  hashValueNotFloat: 'ERR hash value is not a float',
  valueNanOrInf: 'ERR value is NaN or Infinity',
  numkeysNotPositive: 'ERR numkeys should be greater than 0',
  numkeysTooBig: "ERR Number of keys can't be greater than number of args",
  limitNegative: "ERR LIMIT can't be negative",
  // Sorted sets (t_zset.c) and SORT (sort.c).
  scoreRangeNotFloat: 'ERR min or max is not a float',
  lexRangeInvalid: 'ERR min or max not valid string range item',
  scoreNaN: 'ERR resulting score is not a number (NaN)',
  zaddXxNx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrPair: 'ERR INCR option supports a single increment-element pair',
  zrangeLimitRank: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeWithscoresLex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  weightNotFloat: 'ERR weight value is not a float',
  atLeastOneKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  countNotPositive: 'ERR count should be greater than 0',
  sortNotDouble: "ERR One or more scores can't be converted into double",
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  busyKey: 'BUSYKEY Target key name already exists.',
  // DUMP/RESTORE (cluster.c).
  restoreBadPayload: 'ERR DUMP payload version or checksum are wrong',
  restoreBadData: 'ERR Bad data format',
  restoreInvalidTtl: 'ERR Invalid TTL value, must be >= 0',
  restoreInvalidIdletime: 'ERR Invalid IDLETIME value, must be >= 0',
  restoreInvalidFreq: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  lcsWithMatch: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsNotString: 'ERR The specified keys must contain string values',
  lcsTooBig: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  decrementOverflow: 'ERR decrement would overflow',
  offsetOutOfRange: 'ERR offset is out of range',
  invalidCursor: 'ERR invalid cursor',
  expireNxConflict: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtLtConflict: 'ERR GT and LT options at the same time are not compatible',
  /** EXPIRE family: `opt` is the argument as C sees it (up to a NUL byte). */
  unsupportedOption: (opt: string) => `ERR Unsupported option ${opt.replace(/[\r\n]/g, ' ')}`,
  invalidFirstDbIndex: 'ERR invalid first DB index',
  invalidSecondDbIndex: 'ERR invalid second DB index',
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  // Transactions (multi.c), Pub/Sub (pubsub.c), MONITOR, CLIENT PAUSE/TRACKING/CACHING, SLOWLOG, LATENCY.
  multiNested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  /** execCommandAbort: EXEC itself was refused; `reason` is the refusal without its "ERR " code. */
  execAbortBecause: (reason: string) => `EXECABORT Transaction discarded because of: ${reason}`,
  denyBlocking: (cmd: string) => `ERR ${cmd} isn't allowed for a DENY BLOCKING client`,
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",
  replicaKeyspace: "ERR Replica can't interact with the keyspace",
  pauseMode: 'ERR CLIENT PAUSE mode must be WRITE or ALL',
  timeoutNotInteger: 'ERR timeout is not an integer or out of range',
  trackingOneRedirect: 'ERR A client can only redirect to a single other client',
  trackingNoSuchRedirect: 'ERR The client ID you want redirect to does not exist',
  trackingPrefixNeedsBcast: 'ERR PREFIX option requires BCAST mode to be enabled',
  trackingBcastSwitch:
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
  trackingOptBcast: 'ERR OPTIN and OPTOUT are not compatible with BCAST',
  trackingOptinOptout: "ERR You can't use both OPTIN and OPTOUT",
  trackingOptSwitch:
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
  trackingPrefixOverlapExisting: (p: string, existing: string) =>
    `ERR Prefix '${p}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`,
  trackingPrefixOverlapOther: (p: string, other: string) =>
    `ERR Prefix '${p}' overlaps with another provided prefix '${other}'. Prefixes for a single client must not overlap.`,
  cachingNotTracking: 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
  cachingYesNotOptin: 'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.',
  cachingNoNotOptout: 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.',
  slowlogCount: 'ERR count should be greater than or equal to -1',
  latencyNoSamples: (event: string) => `ERR No samples available for event '${event}'`,
} as const;

/** Redis truncates user-supplied text in error messages (sdscatrepr of at most 128 bytes) and strips newlines. */
function truncate(s: string, max: number): string {
  // Redis formats these with %.128s: the text stops at a NUL byte, as a C string does.
  const z = s.indexOf('\0');
  if (z >= 0) s = s.slice(0, z);
  const cut = s.length > max ? s.slice(0, max) : s;
  return cut.replace(/[\r\n]/g, ' ');
}

/** The text of an error's first word ("ERR", "WRONGTYPE"...), the key of INFO errorstats. */
export function errorCode(text: string): string {
  const sp = text.indexOf(' ');
  return sp < 0 ? text : text.slice(0, sp);
}
