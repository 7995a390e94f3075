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
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  busyKey: 'BUSYKEY Target key name already exists.',
  lcsWithMatch: 'ERR If you want both the length and indexes, please just use IDX.',
} as const;

/** Redis truncates user-supplied text in error messages (sdscatrepr of at most 128 bytes) and strips newlines. */
function truncate(s: string, max: number): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  return cut.replace(/[\r\n]/g, ' ');
}

/** The text of an error's first word ("ERR", "WRONGTYPE"...), the key of INFO errorstats. */
export function errorCode(text: string): string {
  const sp = text.indexOf(' ');
  return sp < 0 ? text : text.slice(0, sp);
}
