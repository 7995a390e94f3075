/**
 * The embeddable API (src/index.ts) as a test suite or an application uses it: servers on port 0, several at
 * once with separate keyspaces, close() that really frees the port (another server can bind it at once),
 * saving on close, start-up errors surfacing as rejections, the injectable clock, and the typed exports the
 * package publishes (this file type-checks against them, and the published entry points must exist).
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServer, ManualClock, Server, systemClock } from '../src/index';
import type { CinnabarServer, Clock, CreateServerOptions, ServerOptions } from '../src/index';
import { RawConnection } from './helpers';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cinnabar-embedded-'));
}

describe('embedded API', () => {
  it('createServer() listens on a free port of 127.0.0.1 and answers', async () => {
    const s: CinnabarServer = await createServer();
    try {
      const { host, port } = s.address();
      assert.equal(host, '127.0.0.1');
      assert.ok(port > 0 && port < 65536);
      assert.equal(s.url, `redis://127.0.0.1:${port}`);
      const c = await RawConnection.connect(port);
      assert.equal(await c.call('PING'), '+PONG\r\n');
      assert.equal(await c.call('CONFIG', 'GET', 'port'), `*2\r\n$4\r\nport\r\n$${String(port).length}\r\n${port}\r\n`);
      // Embedded defaults: no save points.
      assert.equal(await c.call('CONFIG', 'GET', 'save'), '*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
      c.close();
    } finally {
      await s.close();
    }
  });

  it('several servers at once keep separate keyspaces and configs', async () => {
    const servers = await Promise.all([createServer(), createServer(), createServer({ config: { databases: 2 } })]);
    try {
      const ports = new Set(servers.map((s) => s.address().port));
      assert.equal(ports.size, 3);
      const conns = await Promise.all(servers.map((s) => RawConnection.connect(s.address().port)));
      for (let i = 0; i < conns.length; i++) assert.equal(await conns[i].call('SET', 'who', `server-${i}`), '+OK\r\n');
      for (let i = 0; i < conns.length; i++) assert.equal(await conns[i].call('GET', 'who'), `$8\r\nserver-${i}\r\n`);
      assert.equal(await conns[2].call('SELECT', '5'), '-ERR DB index is out of range\r\n');
      assert.equal(await conns[0].call('SELECT', '5'), '+OK\r\n');
      assert.equal(servers[1].server.dbs[0].peek('who')?.value, 'server-1');
      for (const c of conns) c.close();
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('close() resolves with clients connected, frees the port, and a new server can take it', async () => {
    const s = await createServer();
    const port = s.address().port;
    const c = await RawConnection.connect(port);
    assert.equal(await c.call('SET', 'k', 'v'), '+OK\r\n');
    const first = s.close();
    assert.equal(s.close(), first, 'a second close() returns the same promise');
    await first;
    await c.readUntilClose(2000);
    assert.ok(await refused(port), 'nothing listens after close()');
    const again = await createServer({ port });
    try {
      assert.equal(again.address().port, port);
      const c2 = await RawConnection.connect(port);
      assert.equal(await c2.call('GET', 'k'), '$-1\r\n', 'a new server starts empty');
      c2.close();
    } finally {
      await again.close();
    }
  });

  it('SHUTDOWN from a client closes an embedded server; close() then resolves', async () => {
    const s = await createServer();
    const c = await RawConnection.connect(s.address().port);
    c.write('SHUTDOWN NOSAVE\r\n');
    assert.equal(await c.readUntilClose(2000), '');
    await s.server.closed;
    await s.close();
    assert.ok(await refused(s.address().port));
  });

  it('a port already in use and a bad parameter reject', async () => {
    const s = await createServer();
    try {
      await assert.rejects(createServer({ port: s.address().port }), /Could not create server TCP listening socket 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      await s.close();
    }
    await assert.rejects(createServer({ config: { maxmemory: 'lots' } }), /argument must be a memory value/);
    await assert.rejects(createServer({ config: { 'no-such-option': 1 } }), /Bad directive/);
  });

  it('close({ save: true }) writes the RDB and loadData reads it back', async () => {
    const dir = tmpDir();
    try {
      const s = await createServer({ config: { dir } });
      const c = await RawConnection.connect(s.address().port);
      await c.call('SET', 'persisted', 'yes');
      await c.call('SET', 'bin\x00', '\xff\x00');
      c.close();
      await s.close({ save: true });
      assert.ok(fs.existsSync(path.join(dir, 'dump.rdb')));
      const s2 = await createServer({ config: { dir }, loadData: true });
      try {
        assert.equal(s2.server.dbs[0].peek('persisted')?.value, 'yes');
        assert.equal(s2.server.dbs[0].peek('bin\x00')?.value, '\xff\x00');
      } finally {
        await s2.close();
      }
      // Without loadData an embedded server starts empty even when a dump is there.
      const s3 = await createServer({ config: { dir } });
      assert.equal(s3.server.dbs[0].size, 0);
      await s3.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('close({ save: true }) rejects when saving fails, and the server keeps running', async () => {
    const dir = tmpDir();
    try {
      const s = await createServer({ config: { dir } });
      // A directory where the temp file should go makes the save fail, whoever runs the test.
      fs.mkdirSync(path.join(dir, `temp-${process.pid}.rdb`));
      await assert.rejects(s.close({ save: true }), /Error trying to save the DB/);
      const c = await RawConnection.connect(s.address().port);
      assert.equal(await c.call('PING'), '+PONG\r\n');
      c.close();
      fs.rmdirSync(path.join(dir, `temp-${process.pid}.rdb`));
      await s.close({ save: true });
      assert.ok(fs.existsSync(path.join(dir, 'dump.rdb')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an injected ManualClock makes expiry deterministic', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const s = await createServer({ clock });
    try {
      const c = await RawConnection.connect(s.address().port);
      assert.equal(await c.call('SET', 'k', 'v', 'PX', '1000'), '+OK\r\n');
      clock.advance(999);
      assert.equal(await c.call('GET', 'k'), '$1\r\nv\r\n');
      clock.advance(2);
      assert.equal(await c.call('GET', 'k'), '$-1\r\n');
      c.close();
    } finally {
      await s.close();
    }
  });

  it('logTarget writes Redis-style log lines to a file', async () => {
    const dir = tmpDir();
    try {
      const file = path.join(dir, 'cinnabar.log');
      const s = await createServer({ logTarget: file, config: { loglevel: 'notice' } });
      await s.close();
      const log = fs.readFileSync(file, 'utf8');
      assert.match(log, /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} # Redis is now ready to exit, bye bye\.\.\.$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes typed entry points', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { main: string; types: string };
    const root = path.join(__dirname, '..', '..');
    assert.ok(fs.existsSync(path.join(root, pkg.main)), pkg.main);
    assert.ok(fs.existsSync(path.join(root, pkg.types)), pkg.types);
    const dts = fs.readFileSync(path.join(root, pkg.types), 'utf8');
    for (const name of ['createServer', 'CreateServerOptions', 'CinnabarServer', 'ManualClock', 'Clock']) assert.match(dts, new RegExp(`\\b${name}\\b`));
    // Compile-time checks: these assignments only type-check with the published types.
    const options: CreateServerOptions = { port: 0, bind: '127.0.0.1', config: { databases: 4, appendonly: false }, logTarget: null, clock: systemClock };
    const clock: Clock = new ManualClock();
    const serverOptions: ServerOptions = { config: {}, clock };
    assert.equal(typeof createServer, 'function');
    assert.equal(typeof Server, 'function');
    assert.ok(options && serverOptions);
  });
});
