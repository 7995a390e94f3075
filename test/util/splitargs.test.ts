/*
 * Unit tests for src/util/splitargs.ts.
 *
 * INLINE_RESULTS was taken from Redis 7.0.15 by sending the inline command
 * `RPUSH <key> <line>` and reading the list back with LRANGE; null means Redis
 * answered "Protocol error: unbalanced quotes in request". Newlines and NUL
 * bytes cannot travel in an inline command, so those cases follow the C code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitArgs } from '../../src/util/splitargs';

const INLINE_RESULTS: [string, string[] | null][] = [
  ["a b c", ["a", "b", "c"]],
  ["  a   b  ", ["a", "b"]],
  ["\"a b\" c", ["a b", "c"]],
  ["'a b' c", ["a b", "c"]],
  ["\"a\\\"b\"", ["a\"b"]],
  ["'a\\'b'", ["a'b"]],
  ["'a\\\"b'", ["a\\\"b"]],
  ["\"\\x41\\x4a\\x4A\\xzz\"", ["AJJxzz"]],
  ["\"\\n\\r\\t\\b\\a\\q\\\\\"", ["\n\r\t\b\x07q\\"]],
  ["\"a\"b", null],
  ["'a'b", null],
  ["\"a", null],
  ["'a", null],
  ["a\"b c\"", ["ab c"]],
  ["a'b c'", ["ab c"]],
  ["\"\\x4\"", ["x4"]],
  ["\"\\x\"", ["x"]],
  ["\"\\", null],
  ["\"a\\", null],
  ["'a\\", null],
  ["\"\"", [""]],
  ["''", [""]],
  ["\"\" \"\"", ["", ""]],
  ["a\tb", ["a", "b"]],
  ["a\x0bb", ["a\x0bb"]],
  ["a\fb", ["a\fb"]],
  ["\x0ba", ["a"]],
  ["\fa\f", ["a\f"]],
  ["\"a\"\tb", ["a", "b"]],
  ["\"a\"\x0bb", ["a", "b"]],
  ["\"a\"\fb", ["a", "b"]],
  ["\"\xff\x80\"", ["\xff\x80"]],
  ["'\\x41'", ["\\x41"]],
  ["\"\\x00\"", ["\x00"]],
  ["\"\\xff\\x80\"", ["\xff\x80"]],
  ["x\"y\"", ["xy"]],
  ["x'y'", ["xy"]],
  ["x\"y\"z", null],
  ["\"a\"\"b\"", null],
  ["\"\\x4g\"", ["x4g"]],
  ["\"\\xg4\"", ["xg4"]],
  ["'\\\\'", null],
  ["'\\'", null],
  ["'\\''", ["'"]],
  ["\"\\'\"", ["'"]],
  ["a\rb", ["a", "b"]],
  ["\"a\"\r", ["a"]],
  ["\"\"x", null],
  ["'a'\"b\"", null],
  ["\"'\"", ["'"]],
  ["'\"'", ["\""]],
  ["a\\ b", ["a\\", "b"]],
  ["a\\\"b", null],
  ["\\x41", ["\\x41"]],
  ["'it''s'", null],
  ["\"a\\ b\"", ["a b"]],
  ["\"\\\"", null],
  ["set k \"v1 v2\"", ["set", "k", "v1 v2"]],
];

test('splitArgs matches inline command parsing on Redis 7.0.15', () => {
  for (const [line, want] of INLINE_RESULTS) {
    assert.deepEqual(splitArgs(line), want, JSON.stringify(line));
  }
});

test('blank input gives no arguments', () => {
  assert.deepEqual(splitArgs(''), []);
  assert.deepEqual(splitArgs('   '), []);
  assert.deepEqual(splitArgs(' \t\r\n\v\f '), []);
});

test('newlines separate tokens and escape inside double quotes', () => {
  assert.deepEqual(splitArgs('a\nb'), ['a', 'b']);
  assert.deepEqual(splitArgs('"a"\nb'), ['a', 'b']);
  assert.deepEqual(splitArgs('"a\\nb"'), ['a\nb']);
  assert.deepEqual(splitArgs('"a\nb"'), ['a\nb']); // a raw newline inside quotes is kept
  assert.deepEqual(splitArgs("'a\nb'"), ['a\nb']);
});

test('a NUL byte ends the line, as in a C string', () => {
  assert.deepEqual(splitArgs('a\x00b'), ['a']);
  assert.deepEqual(splitArgs('\x00a'), []);
  assert.equal(splitArgs('"a\x00b"'), null); // the quote never closes
  assert.deepEqual(splitArgs('"a"\x00b'), ['a']);
  assert.deepEqual(splitArgs('"\\x00"'), ['\x00']); // an escaped NUL is fine
});

test('hex escapes produce any byte', () => {
  let line = '"';
  let want = '';
  for (let b = 0; b < 256; b++) {
    line += '\\x' + b.toString(16).padStart(2, '0');
    want += String.fromCharCode(b);
  }
  line += '"';
  assert.deepEqual(splitArgs(line), [want]);
  assert.deepEqual(splitArgs('"\\xAb\\xaB"'), ['\xab\xab']);
});

test('config-file style lines', () => {
  assert.deepEqual(splitArgs('save 900 1'), ['save', '900', '1']);
  assert.deepEqual(splitArgs('save ""'), ['save', '']);
  assert.deepEqual(splitArgs('requirepass "p@ss word"'), ['requirepass', 'p@ss word']);
  assert.deepEqual(splitArgs("rename-command CONFIG ''"), ['rename-command', 'CONFIG', '']);
  assert.deepEqual(splitArgs('dir /var/lib/redis   '), ['dir', '/var/lib/redis']);
});

test('binary bytes pass through unquoted and quoted', () => {
  assert.deepEqual(splitArgs('\xff\x80 \xe9'), ['\xff\x80', '\xe9']);
  assert.deepEqual(splitArgs("'\xff \x80'"), ['\xff \x80']);
});
