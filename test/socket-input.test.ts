/**
 * Unit test of attachInput (src/socket-input.ts): an accepted socket reads into the shared buffer (chunks
 * marked transient), and a socket whose handle lacks Node's user-buffer support falls back to 'data' events
 * (chunks of its own). Either way every byte arrives, in order.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { attachInput } from '../src/socket-input';

/** Send 200 KB through a fresh connection; returns the `transient` flags the chunks came with. */
async function receive(disableUserBuffer: boolean): Promise<Set<boolean>> {
  const payload = 'x'.repeat(200_000) + 'end';
  let got = '';
  const transient = new Set<boolean>();
  const done = new Promise<void>((resolve) => {
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      if (disableUserBuffer) (socket as unknown as { _handle: { useUserBuffer?: unknown } })._handle.useUserBuffer = undefined;
      attachInput(socket, (chunk, t) => {
        transient.add(t);
        got += chunk.toString('latin1');
        if (got.length >= payload.length) {
          socket.destroy();
          server.close();
          resolve();
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const c = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1', () => {
        c.end(payload);
      });
      c.on('error', () => undefined);
    });
  });
  await done;
  assert.equal(got, payload);
  return transient;
}

describe('attachInput', () => {
  it('reads accepted sockets into the shared buffer', async () => {
    assert.deepEqual([...(await receive(false))], [true]);
  });
  it('falls back to data events when the handle has no user-buffer mode', async () => {
    assert.deepEqual([...(await receive(true))], [false]);
  });
});
