/*
 * Unit tests for src/util/glob.ts.
 *
 * KEYS_RESULTS was taken from Redis 7.0.15: all KEYS were set in an empty
 * database and `KEYS <pattern>` was run for each pattern; the table lists the
 * keys Redis returned (in KEYS order). The matcher must agree key by key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../../src/util/glob';

const KEYS = ["", "a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "\\", "[", "]", "^", "-", "*", "?", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Abc", "z", "x-y", "foo:bar", "foo:baz:1", "user:1000", "\x00", "a\x00b", "\xff", "\x80", "caf\xe9", "aa", "aaa", "ba", "b-a", "a-", "[a]", "a\\", "\\\\", "\\*", "12", "key with space"];
const KEYS_RESULTS: [string, string[]][] = [
  ["**", ["a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "\\", "[", "]", "^", "-", "*", "?", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Abc", "z", "x-y", "foo:bar", "foo:baz:1", "user:1000", "\x00", "a\x00b", "\xff", "\x80", "caf\xe9", "aa", "aaa", "ba", "b-a", "a-", "[a]", "a\\", "\\\\", "\\*", "12", "key with space"]],
  ["", [""]],
  ["?", ["a", "b", "\\", "[", "]", "^", "-", "*", "?", "A", "z", "\x00", "\xff", "\x80"]],
  ["??", ["ab", "aa", "ba", "a-", "a\\", "\\\\", "\\*", "12"]],
  ["a*", ["a", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "a\x00b", "aa", "aaa", "a-", "a\\"]],
  ["*a", ["a", "aa", "aaa", "ba", "b-a"]],
  ["*a*", ["a", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "hallo", "foo:bar", "foo:baz:1", "a\x00b", "caf\xe9", "aa", "aaa", "ba", "b-a", "a-", "[a]", "a\\", "key with space"]],
  ["a*c", ["abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c"]],
  ["a?c", ["abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c"]],
  ["a\\*c", ["a*c"]],
  ["a\\?c", ["a?c"]],
  ["a\\[c", ["a[c"]],
  ["a\\", ["a\\"]],
  ["\\", ["\\"]],
  ["\\\\", ["\\"]],
  ["\\\\*", ["\\", "\\\\", "\\*"]],
  ["[", []],
  ["[a", ["a"]],
  ["a[", []],
  ["[^", ["a", "b", "\\", "[", "]", "^", "-", "*", "?", "A", "z", "\x00", "\xff", "\x80"]],
  ["[^a", ["b", "\\", "[", "]", "^", "-", "*", "?", "A", "z", "\x00", "\xff", "\x80"]],
  ["[a-", ["a", "-"]],
  ["[-a]", ["a", "-"]],
  ["[a-]", ["a", "]", "^"]],
  ["[]", []],
  ["[]]", []],
  ["[]a]", []],
  ["[^]", ["a", "b", "\\", "[", "]", "^", "-", "*", "?", "A", "z", "\x00", "\xff", "\x80"]],
  ["[^]]", []],
  ["[\\]]", ["]"]],
  ["[\\", ["\\"]],
  ["a[\\", ["a\\"]],
  ["[a-c]", ["a", "b"]],
  ["[c-a]", ["a", "b"]],
  ["[z-a]", ["a", "b", "z"]],
  ["[A-z]", ["a", "b", "\\", "[", "]", "^", "A", "z"]],
  ["[a-\xff]", ["a", "\\", "[", "]", "^", "-", "*", "?", "A", "\x00", "\xff"]],
  ["[\x80-\xff]", ["\xff", "\x80"]],
  ["[\x00-a]", ["a", "\\", "[", "]", "^", "-", "*", "?", "A", "\x00"]],
  ["[\xff-\x80]", ["\xff", "\x80"]],
  ["[^a-c]", ["\\", "[", "]", "^", "-", "*", "?", "A", "z", "\x00", "\xff", "\x80"]],
  ["[a\\-c]", ["a", "-"]],
  ["[a-c-e]", ["a", "b", "-"]],
  ["h?llo", ["hello", "hallo", "hxllo"]],
  ["h*llo", ["hello", "hallo", "hxllo", "heeeello", "hllo"]],
  ["h[ae]llo", ["hello", "hallo"]],
  ["h[^e]llo", ["hallo", "hxllo"]],
  ["h[a-b]llo", ["hallo"]],
  ["*\\*", ["*", "\\*"]],
  ["*\\", ["\\", "a\\", "\\\\"]],
  ["*[", []],
  ["*[^", ["a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "\\", "[", "]", "^", "-", "*", "?", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Abc", "z", "x-y", "foo:bar", "foo:baz:1", "user:1000", "\x00", "a\x00b", "\xff", "\x80", "caf\xe9", "aa", "aaa", "ba", "b-a", "a-", "[a]", "a\\", "\\\\", "\\*", "12", "key with space"]],
  ["[*]", ["*"]],
  ["[?]", ["?"]],
  ["*?", ["a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "\\", "[", "]", "^", "-", "*", "?", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Abc", "z", "x-y", "foo:bar", "foo:baz:1", "user:1000", "\x00", "a\x00b", "\xff", "\x80", "caf\xe9", "aa", "aaa", "ba", "b-a", "a-", "[a]", "a\\", "\\\\", "\\*", "12", "key with space"]],
  ["?*", ["a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "\\", "[", "]", "^", "-", "*", "?", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Abc", "z", "x-y", "foo:bar", "foo:baz:1", "user:1000", "\x00", "a\x00b", "\xff", "\x80", "caf\xe9", "aa", "aaa", "ba", "b-a", "a-", "[a]", "a\\", "\\\\", "\\*", "12", "key with space"]],
  ["a**c", ["abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c"]],
  ["foo:*:*", ["foo:baz:1"]],
  ["foo:ba?", ["foo:bar"]],
  ["\\a", ["a"]],
  ["[^\\^]", ["a", "b", "\\", "[", "]", "-", "*", "?", "A", "z", "\x00", "\xff", "\x80"]],
  ["\\[", ["["]],
  ["]", ["]"]],
  ["^", ["^"]],
  ["-", ["-"]],
  ["[--]", ["\\", "[", "]", "-", "?", "A"]],
  ["[!a]", ["a"]],
  ["\x00", ["\x00"]],
  ["?\x00?", ["a\x00b"]],
  ["*\x00*", ["\x00", "a\x00b"]],
  ["[\x00]", ["\x00"]],
  ["caf?", ["caf\xe9"]],
  ["*\xe9", ["caf\xe9"]],
  ["[\xe0-\xef]*", []],
  ["h**l**o", ["hello", "hallo", "hxllo", "heeeello", "hllo"]],
  ["*e*e*", ["heeeello", "key with space"]],
  ["[a][b]", ["ab"]],
  ["[ab][ab]", ["ab", "aa", "ba"]],
  ["*[^x]", ["a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "\\", "[", "]", "^", "-", "*", "?", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Abc", "z", "x-y", "foo:bar", "foo:baz:1", "user:1000", "\x00", "a\x00b", "\xff", "\x80", "caf\xe9", "aa", "aaa", "ba", "b-a", "a-", "[a]", "a\\", "\\\\", "\\*", "12", "key with space"]],
];

test('globMatch agrees with KEYS on Redis 7.0.15 for every pattern and key', () => {
  for (const [pattern, matching] of KEYS_RESULTS) {
    const ours = KEYS.filter((k) => globMatch(pattern, k));
    assert.deepEqual(ours, matching, `pattern ${JSON.stringify(pattern)}`);
  }
});

test('basic glob semantics', () => {
  const cases: [string, string, boolean][] = [
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'hllo', true],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hbllo', true], // reversed range
    ['user:*', 'user:1000', true],
    ['user:*', 'user', false],
    ['*', 'anything', true],
    ['*', '', false], // the main loop never runs on an empty subject
    ['**', '', false],
    ['', '', true],
    ['', 'a', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['\\', '\\', true], // a lone trailing backslash is literal
    ['a\\', 'a\\', true],
    ['[\\]]', ']', true],
    ['[a\\-c]', '-', true],
    ['[a\\-c]', 'b', false],
    ['[', '[', false],
    ['[', 'a', false],
    ['[^', 'x', true],
    ['[a-', '-', true],
    ['[a-', 'b', false],
    ['a[', 'a', false],
    ['*[', 'x', false],
    ['[]', 'x', false],
    ['[]]', ']', false], // ']' right after '[' closes the empty set
    ['[^]', 'x', true],
    ['?', '\x00', true],
    ['a\x00*', 'a\x00b', true],
    ['[\x00-a]', '\x00', true],
    ['[a-\xff]', 'b', false], // 0xff is -1 as a signed char: the range is [-1, 'a']
    ['[a-\xff]', '\xff', true],
    ['[\x80-\xff]', '\x90', true],
    ['[\x00-\x7f]', '\x80', false],
    ['*.txt', 'notes.txt', true],
    ['*.txt', 'notes.txt.bak', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
  ];
  for (const [p, s, want] of cases) assert.equal(globMatch(p, s), want, `${JSON.stringify(p)} ~ ${JSON.stringify(s)}`);
});

test('nocase folds ASCII only (CONFIG GET semantics, checked on Redis 7.0.15)', () => {
  // CONFIG GET 'MAXMEMORY-P*', '[L-M]AXMEMORY-POLICY', '[^a-l]axmemory-policy' all return maxmemory-policy.
  assert.equal(globMatch('MAXMEMORY-P*', 'maxmemory-policy', true), true);
  assert.equal(globMatch('[L-M]AXMEMORY-POLICY', 'maxmemory-policy', true), true);
  assert.equal(globMatch('[^a-l]axmemory-policy', 'maxmemory-policy', true), true);
  assert.equal(globMatch('maxmemory-policY?', 'maxmemory-policy', true), false);
  assert.equal(globMatch('MAXMEMORY-P*', 'maxmemory-policy', false), false);
  assert.equal(globMatch('\xc9', '\xe9', true), false); // no Latin-1 folding in the C locale
  assert.equal(globMatch('[A-C]', 'b', true), true);
  assert.equal(globMatch('[a-c]', 'B', true), true);
});

test('more than 1000 nested stars give no match (Redis 7.0.15)', () => {
  // Observed with KEYS on a key of 1001 'a's.
  const key = 'a'.repeat(1001);
  assert.equal(globMatch('*a'.repeat(1000), key), true);
  assert.equal(globMatch('*a'.repeat(1001), key), false);
  assert.equal(globMatch('*a'.repeat(999) + '*', key), true);
  assert.equal(globMatch('a*'.repeat(1001), key), true);
  assert.equal(globMatch('*'.repeat(5000) + 'a', key), true);
  assert.equal(globMatch('*?'.repeat(1001), key), false);
});

test('pathological patterns finish quickly', () => {
  const start = Date.now();
  assert.equal(globMatch('a*'.repeat(30) + 'b', 'a'.repeat(100)), false);
  assert.equal(globMatch('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
  assert.equal(globMatch('*?*?*?*?*?*?*?*?*x', '?'.repeat(3000)), false);
  assert.ok(Date.now() - start < 1000);
});

test('globMatch matches a simple reference matcher on patterns without sets or escapes', () => {
  // For '*' and '?' only, Redis's matcher is plain glob: compare with a regex.
  const alphabet = ['a', 'b', '*', '?'];
  for (let i = 0; i < 3000; i++) {
    let p = '';
    for (let k = Math.floor(Math.random() * 7); k > 0; k--) p += alphabet[Math.floor(Math.random() * 4)];
    let s = '';
    for (let k = 1 + Math.floor(Math.random() * 6); k > 0; k--) s += Math.random() < 0.5 ? 'a' : 'b';
    const re = new RegExp('^' + p.replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
    assert.equal(globMatch(p, s), re.test(s), `${p} ~ ${s}`);
  }
});
