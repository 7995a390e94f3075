/**
 * Socket input without a Buffer per read: every connection reads into one shared buffer.
 *
 * A Node socket normally allocates a fresh ArrayBuffer for each read and sends it through the Readable stream
 * machinery ('data' events). Under load that is one native allocation, one backing store to sweep and a
 * dozen stream calls per read, paid again for every pipelined batch. Node's `onread` socket option (the
 * documented user-buffer mode of net.Socket) instead reads straight into a buffer the caller owns and calls
 * back with the byte count. Sockets accepted by net.Server cannot be given that option, so `attachInput`
 * switches an accepted, still paused socket into the same mode the option sets up. One buffer serves every
 * connection because a read is handled to completion before the next one starts; whoever keeps bytes past
 * the callback must copy them (RequestParser.detach).
 *
 * The switch uses Node internals (the symbols behind `onread` and the handle's useUserBuffer); when they are
 * not there, the socket falls back to plain 'data' events, so a Node release that changes them costs speed,
 * not correctness.
 */

import type { Socket } from 'node:net';

/** Redis reads 16 KiB per read call (PROTO_IOBUF_LEN); libuv's default suggestion is 64 KiB. */
const READ_BUFFER_SIZE = 64 * 1024;
let shared: Buffer | null = null;

interface UserBufferHandle {
  useUserBuffer?: (buf: Uint8Array) => void;
}

/** The socket fields behind `onread` (found once, on the first socket), or null when Node has none. */
let userBufferSymbols: { kBuffer: symbol; kBufferCb: symbol } | null | undefined;

function findSymbols(socket: Socket): { kBuffer: symbol; kBufferCb: symbol } | null {
  if (userBufferSymbols === undefined) {
    const own = Object.getOwnPropertySymbols(socket);
    const kBuffer = own.find((s) => s.description === 'kBuffer');
    const kBufferCb = own.find((s) => s.description === 'kBufferCb');
    userBufferSymbols = kBuffer !== undefined && kBufferCb !== undefined ? { kBuffer, kBufferCb } : null;
  }
  return userBufferSymbols;
}

/**
 * Deliver the socket's input to `onChunk`. The socket must have been accepted paused (pauseOnConnect).
 * With `transient` true the chunk is the shared buffer and is overwritten after the call returns.
 */
export function attachInput(socket: Socket, onChunk: (chunk: Buffer, transient: boolean) => void): void {
  const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
  const symbols = findSymbols(socket);
  if (handle != null && typeof handle.useUserBuffer === 'function' && symbols !== null) {
    if (shared === null) shared = Buffer.allocUnsafe(READ_BUFFER_SIZE);
    const buf = shared;
    const fields = socket as unknown as Record<symbol, unknown>;
    fields[symbols.kBuffer] = buf;
    fields[symbols.kBufferCb] = (nread: number): void => onChunk(buf.subarray(0, nread), true);
    handle.useUserBuffer(buf);
  } else {
    socket.on('data', (chunk: Buffer) => onChunk(chunk, false));
  }
  socket.resume();
}
