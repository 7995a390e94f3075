/**
 * Cinnabar's embeddable API: start a real Redis-compatible server inside the current Node process.
 *
 *   const server = await createServer({ port: 0 });
 *   const { port } = server.address();
 *   ...
 *   await server.close();
 *
 * Each server has its own keyspace, config and clients, so a test suite can run several at once. By default
 * an embedded server keeps its data in memory only (no save points, no RDB loaded) and logs nothing.
 */

import { Server, ServerOptions } from './server';
import { ManualClock, Clock, systemClock } from './clock';

export interface CreateServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address(es) to bind, space separated as in redis.conf (default "127.0.0.1"). */
  bind?: string;
  /** Any other parameter by its redis.conf name: { requirepass: 'x', databases: 4, save: '' }. */
  config?: Record<string, string | number | boolean>;
  /** Load `dir`/`dbfilename` at start (default false for embedded servers). */
  loadData?: boolean;
  /** Log to stdout (''), a file path, or nowhere (null, the default). */
  logTarget?: string | null;
  /** Injectable clock for deterministic expiry in tests. */
  clock?: Clock;
}

export interface CinnabarServer {
  /** Where the server listens. */
  address(): { host: string; port: number };
  /** Stop accepting connections, close clients, resolve when done. Saves only if `save` is true. */
  close(opts?: { save?: boolean }): Promise<void>;
  /** The underlying server (advanced use: stats, direct keyspace access in tests). */
  readonly server: Server;
}

export async function createServer(options: CreateServerOptions = {}): Promise<CinnabarServer> {
  const config: Record<string, string | number | boolean> = { save: '', bind: options.bind ?? '127.0.0.1', ...options.config };
  config.port = options.port ?? 0;
  const opts: ServerOptions = {
    config,
    clock: options.clock,
    logTarget: options.logTarget ?? null,
    loadData: options.loadData ?? false,
  };
  const server = new Server(opts);
  await server.listen();
  const host = server.config.str('bind').split(' ')[0].replace(/^-/, '');
  return {
    server,
    address: () => ({ host, port: server.port }),
    close: async (o = {}) => {
      await server.shutdown({ save: o.save ?? false });
    },
  };
}

export { Server, ManualClock, systemClock };
export type { Clock, ServerOptions };
