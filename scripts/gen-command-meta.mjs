// Generates data/redis-commands.json: the metadata (arity, flags, key specs, ACL categories, docs, HELP) of every
// command of a running Redis 7.0, captured from COMMAND INFO and COMMAND DOCS over RESP3 so the reply types
// (maps, sets, simple strings) survive. Cinnabar's command table joins this data with its handlers, as Redis
// joins src/commands/*.json with its C functions. Usage: node scripts/gen-command-meta.mjs [port]
import net from 'node:net';
import fs from 'node:fs';

const port = Number(process.argv[2] ?? 6379);
const sock = net.connect(port, '127.0.0.1');
let buf = Buffer.alloc(0);
const waiting = [];
sock.on('data', (d) => { buf = Buffer.concat([buf, d]); drain(); });
function drain() {
  while (waiting.length) {
    const r = parse(0);
    if (!r) return;
    buf = buf.subarray(r[1]);
    waiting.shift()(r[0]);
  }
}
function line(pos) { const e = buf.indexOf('\r\n', pos); return e < 0 ? null : [buf.toString('latin1', pos, e), e + 2]; }
// Node encoding: number = integer, string = bulk, {s} = simple, [..] = array, {m:[k,v..]} = map, {set:[..]} = set, null.
function parse(pos) {
  if (pos >= buf.length) return null;
  const t = String.fromCharCode(buf[pos]);
  const l = line(pos + 1); if (!l) return null;
  const [txt, next] = l;
  switch (t) {
    case '+': return [{ s: txt }, next];
    case '-': return [{ e: txt }, next];
    case ':': return [Number(txt), next];
    case '_': return [null, next];
    case '$': { const n = Number(txt); if (n < 0) return [null, next]; if (buf.length < next + n + 2) return null; return [buf.toString('latin1', next, next + n), next + n + 2]; }
    case '*': case '~': case '%': {
      let n = Number(txt); if (t === '%') n *= 2;
      const out = []; let p = next;
      for (let i = 0; i < n; i++) { const r = parse(p); if (!r) return null; out.push(r[0]); p = r[1]; }
      return [t === '*' ? out : t === '~' ? { set: out } : { m: out }, p];
    }
    default: throw new Error('unexpected type ' + t);
  }
}
function cmd(...args) {
  let s = `*${args.length}\r\n`; for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  sock.write(s); return new Promise((res) => waiting.push(res));
}
await cmd('HELLO', '3');
const info = await cmd('COMMAND', 'INFO');
const docs = await cmd('COMMAND', 'DOCS');
const docMap = new Map();
for (let i = 0; i < docs.m.length; i += 2) docMap.set(docs.m[i], docs.m[i + 1]);
const out = {};
for (const entry of info) {
  if (!entry) continue;
  const name = entry[0];
  out[name] = { info: entry, docs: docMap.get(name) ?? { m: [] } };
}
// Containers' HELP texts (arrays of simple strings), shown by <CMD> HELP.
for (const [name, entry] of Object.entries(out)) {
  if (!Array.isArray(entry.info[9]) || entry.info[9].length === 0) continue;
  const help = await cmd(name.toUpperCase(), 'HELP');
  if (Array.isArray(help)) entry.help = help.map((x) => x.s);
}
const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
fs.writeFileSync(new URL('../data/redis-commands.json', import.meta.url), JSON.stringify(sorted) + '\n');
console.log(`wrote ${Object.keys(sorted).length} commands`);
sock.end();
