/**
 * Cinnabar's embeddable API: start a real Redis-compatible server inside the current Node process.
 *
 *   const server = await createServer();          // port 0: a free port is picked
 *   const { host, port } = server.address();
 *   ...
 *   await server.close();                         // resolves once the port is free again
 *
 * Each server has its own keyspace, config and clients, so a test suite can run several at once. An embedded
 * server differs from `cinnabar-server` only in its defaults: it keeps data in memory (no save points, no RDB
 * loaded at start), listens on 127.0.0.1 and logs nothing, because it usually lives inside a test run.
 * Every other parameter is set by its redis.conf name, exactly as in a config file or with CONFIG SET.
 */

import { Server, ServerOptions } from './server';
import { ManualClock, Clock, systemClock } from './clock';

export interface CreateServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address(es) to bind, space separated as in redis.conf (default "127.0.0.1"). */
  bind?: string;
  /** Any other parameter by its redis.conf name: { requirepass: 'x', databases: 4, save: '900 1' }. */
  config?: Record<string, string | number | boolean>;
  /** Load `dir`/`dbfilename` at start (default false for embedded servers). */
  loadData?: boolean;
  /** Log to stdout (''), a file path, or nowhere (null, the default). */
  logTarget?: string | null;
  /** Injectable clock for deterministic expiry in tests. */
  clock?: Clock;
}

export interface CinnabarServer {
  /** Where the server listens: the first bind address and the port actually bound. */
  address(): { host: string; port: number };
  /** `redis://host:port`, ready for a client library's connection option. */
  readonly url: string;
  /**
   * Stop accepting connections, close every client and resolve once the listening port is free. With
   * `save: true` the RDB file is written first (like SHUTDOWN SAVE); the promise rejects if that fails, and
   * the server then keeps running. Calling close() again returns the same promise.
   */
  close(opts?: { save?: boolean }): Promise<void>;
  /** The underlying server (advanced use: stats, config, direct keyspace access in tests). */
  readonly server: Server;
}

/** Start a server and resolve once it listens. Rejects on a bad parameter or when the port is taken. */
export async function createServer(options: CreateServerOptions = {}): Promise<CinnabarServer> {
  const config: Record<string, string | number | boolean> = { save: '', bind: options.bind ?? '127.0.0.1', ...options.config };
  config.port = options.port ?? options.config?.port ?? 0;
  const server = new Server({
    config,
    clock: options.clock,
    logTarget: options.logTarget ?? null,
    loadData: options.loadData ?? false,
  });
  await server.listen();
  const first = server.config.str('bind').split(' ').filter((b) => b !== '')[0] ?? '127.0.0.1';
  const bound = first.replace(/^-/, '');
  const host = bound === '*' ? '0.0.0.0' : bound;
  let closing: Promise<void> | null = null;
  return {
    server,
    address: () => ({ host, port: server.port }),
    get url() {
      return `redis://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
    },
    close: (o = {}) => {
      if (closing !== null) return closing;
      const attempt = server.shutdown({ save: o.save ?? false }).then((ok) => {
        if (!ok) {
          closing = null;
          throw new Error(`Error trying to save the DB to ${server.rdbPath}, the server is still running (see the log)`);
        }
        // Also covers a SHUTDOWN command already under way: wait for its end.
        return server.closed;
      });
      closing = attempt;
      return attempt;
    },
  };
}

export { Server, ManualClock, systemClock };
export type { Clock, ServerOptions };
