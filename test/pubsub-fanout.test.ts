/**
 * Pub/Sub under load, on Cinnabar alone: a fan-out of 10,000 messages to 100 subscribers (half RESP2, half
 * RESP3) must arrive complete and in publication order at every subscriber, and a subscriber that stops
 * reading must be disconnected by the pubsub output-buffer limit (client-output-buffer-limit pubsub 32mb
 * 8mb 60) while the server's buffered output for it stays bounded and the publisher keeps getting its
 * replies.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RawConnection, encodeCommand, startCinnabar } from './helpers';

/** A subscriber that parses its message frames as they arrive and checks their order. */
class CountingSubscriber {
  private buf = '';
  next = 0;
  private confirmed = false;
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private ready!: () => void;
  readonly subscribed: Promise<void>;
  error: Error | null = null;

  constructor(
    readonly socket: net.Socket,
    readonly expected: number,
    readonly resp3: boolean,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
    this.subscribed = new Promise((r) => (this.ready = r));
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => this.onData(d));
  }

  private onData(d: string): void {
    this.buf += d;
    const head = this.resp3 ? '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$' : '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$';
    let pos = 0;
    for (;;) {
      if (!this.confirmed) {
        const i = this.buf.indexOf(':1\r\n', pos);
        if (i < 0) break;
        pos = i + 4;
        this.confirmed = true;
        this.ready();
        continue;
      }
      if (this.buf.length - pos < head.length) break;
      if (!this.buf.startsWith(head, pos)) {
        this.error ??= new Error(`unexpected frame at message ${this.next}: ${JSON.stringify(this.buf.slice(pos, pos + 60))}`);
        this.resolveDone();
        return;
      }
      const nl = this.buf.indexOf('\r\n', pos + head.length);
      if (nl < 0) break;
      const len = Number(this.buf.slice(pos + head.length, nl));
      if (this.buf.length < nl + 2 + len + 2) break;
      const msg = this.buf.slice(nl + 2, nl + 2 + len);
      if (msg !== `m${this.next}`) {
        this.error ??= new Error(`expected m${this.next}, got ${msg}`);
        this.resolveDone();
        return;
      }
      this.next++;
      pos = nl + 2 + len + 2;
      if (this.next === this.expected) this.resolveDone();
    }
    this.buf = this.buf.slice(pos);
  }
}

describe('pub/sub fan-out', () => {
  it('10,000 messages to 100 subscribers arrive complete and in order', async () => {
    const server = await startCinnabar();
    const port = server.address().port;
    const MESSAGES = 10_000;
    const SUBSCRIBERS = 100;
    const subs: CountingSubscriber[] = [];
    try {
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise<void>((r) => socket.once('connect', () => r()));
        const resp3 = i % 2 === 1;
        const sub = new CountingSubscriber(socket, MESSAGES, resp3);
        if (resp3) socket.write(encodeCommand(['hello', '3']));
        socket.write(encodeCommand(['subscribe', 'ch']));
        await sub.subscribed;
        subs.push(sub);
      }
      const pub = await RawConnection.connect(port);
      assert.equal(await pub.call('pubsub', 'numsub', 'ch'), '*2\r\n$2\r\nch\r\n:100\r\n');
      // One pipelined burst: the server interleaves publishing with flushing to 100 sockets.
      const parts: Buffer[] = [];
      for (let i = 0; i < MESSAGES; i++) parts.push(encodeCommand(['publish', 'ch', `m${i}`]));
      pub.write(Buffer.concat(parts));
      for (let i = 0; i < MESSAGES; i++) assert.equal(await pub.read(), ':100\r\n');
      await Promise.all(subs.map((s) => s.done));
      for (const s of subs) {
        assert.equal(s.error, null);
        assert.equal(s.next, MESSAGES);
      }
      pub.close();
    } finally {
      for (const s of subs) s.socket.destroy();
      await server.close();
    }
  });

  it('a subscriber that stops reading is disconnected at the pubsub output limit; the publisher is not slowed', async () => {
    const server = await startCinnabar();
    const port = server.address().port;
    const HARD_LIMIT = 32 * 1024 * 1024;
    const MESSAGE = 'x'.repeat(256 * 1024);
    try {
      const slow = await RawConnection.connect(port);
      const fast = await RawConnection.connect(port);
      const pub = await RawConnection.connect(port);
      assert.equal(await slow.call('subscribe', 'ch'), '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      assert.equal(await fast.call('subscribe', 'ch'), '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      // The slow subscriber's socket stops reading: the kernel buffers fill, then the server's.
      slow.socket.pause();
      let fastReceived = 0;
      const drainFast = (async () => {
        for (;;) {
          const frame = await fast.read(10_000);
          if (frame.length > MESSAGE.length) fastReceived++;
          if (fastReceived === 400) return;
        }
      })();
      let maxBuffered = 0;
      let receivers = 0;
      for (let i = 0; i < 400; i++) {
        const r = await pub.call('publish', 'ch', MESSAGE);
        receivers += Number(r.slice(1, -2));
        for (const c of server.server.clients.values()) maxBuffered = Math.max(maxBuffered, c.outputPending);
      }
      await drainFast;
      // Every publish was answered; the slow subscriber stopped counting once it was dropped.
      assert.equal(fastReceived, 400);
      assert.ok(receivers < 800, `the slow subscriber was never dropped (${receivers} deliveries)`);
      assert.ok(maxBuffered <= HARD_LIMIT + 2 * MESSAGE.length, `buffered ${maxBuffered} bytes for one client`);
      assert.equal(server.server.stats.clientOutputLimitDisconnections, 1);
      assert.equal(await pub.call('pubsub', 'numsub', 'ch'), '*2\r\n$2\r\nch\r\n:1\r\n');
      slow.socket.resume();
      await slow.readUntilClose(10_000);
      assert.ok(slow.closed);
      fast.close();
      pub.close();
    } finally {
      await server.close();
    }
  });

  it('the hard limit is a config parameter like any other', async () => {
    const server = await startCinnabar({ config: { 'client-output-buffer-limit': 'pubsub 1mb 0 0' } });
    const port = server.address().port;
    try {
      const slow = await RawConnection.connect(port);
      const pub = await RawConnection.connect(port);
      await slow.call('psubscribe', '*');
      slow.socket.pause();
      let n = 0;
      for (let i = 0; i < 200; i++) {
        n = Number((await pub.call('publish', 'ch', 'y'.repeat(64 * 1024))).slice(1, -2));
        if (n === 0) break;
      }
      assert.equal(n, 0);
      assert.equal(server.server.stats.clientOutputLimitDisconnections, 1);
      pub.close();
      slow.close();
    } finally {
      await server.close();
    }
  });
});
