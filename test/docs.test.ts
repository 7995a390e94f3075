/**
 * docs/commands.md must list exactly the commands of the table (it is generated from it).
 */

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

it('docs/commands.md is generated from the current command table', () => {
  const script = path.join(__dirname, '..', '..', 'scripts', 'gen-commands-doc.mjs');
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
