// Generates docs/commands.md from the command table (the same table that drives dispatch and COMMAND), so the
// list of supported commands cannot drift from the code. Run after a build: node scripts/gen-commands-doc.mjs
// With --check it exits non-zero when the file is out of date (used by the test suite).
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { CommandTable } = require('../dist/src/commands/table.js');
const { ALL_COMMANDS } = require('../dist/src/commands/index.js');

export function render() {
  const table = new CommandTable(ALL_COMMANDS);
  const groups = new Map();
  for (const cmd of table.commands.values()) {
    const g = cmd.group || 'other';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(cmd);
  }
  let md = '# Supported commands\n\nGenerated from the command table by `scripts/gen-commands-doc.mjs`; every command listed behaves as in Redis 7.0 (arity, flags and docs come from Redis\'s own metadata). Anything not listed answers `ERR unknown command`.\n\n';
  md += `${table.commands.size} commands.\n`;
  for (const g of [...groups.keys()].sort()) {
    md += `\n## ${g}\n\n| command | summary |\n|---|---|\n`;
    for (const cmd of groups.get(g).sort((a, b) => a.name.localeCompare(b.name))) {
      const summary = (node) => {
        const m = node && node.m ? node.m : [];
        for (let i = 0; i < m.length; i += 2) if (m[i] === 'summary') return String(m[i + 1]);
        return '';
      };
      md += `| ${cmd.name.toUpperCase()} | ${summary(cmd.docs)} |\n`;
      if (cmd.subcommands) for (const sub of cmd.subcommands.values()) md += `| ${cmd.name.toUpperCase()} ${sub.name.toUpperCase()} | ${summary(sub.docs)} |\n`;
    }
  }
  return md;
}

const target = new URL('../docs/commands.md', import.meta.url);
const md = render();
if (process.argv.includes('--check')) {
  const cur = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (cur !== md) {
    console.error('docs/commands.md is out of date: run npm run docs');
    process.exit(1);
  }
} else {
  fs.writeFileSync(target, md);
  console.log('wrote docs/commands.md');
}
