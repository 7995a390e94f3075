#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * cinnabar-server: the standalone server, started like redis-server:
 *   cinnabar-server [/path/to/redis.conf] [--port 6380] [--save ""] ... [-]
 *
 * The server owns its process, so it runs with its own V8 settings (the first line; `npm start` and the
 * benchmark use the same): a young generation capped at 2 x 8 MiB. Node's default lets it grow to 2 x 16
 * MiB once a load phase makes objects survive, and V8 never gives that back, about 11 MiB of resident memory
 * held for nothing; requests die young, so the smaller nursery costs no measurable throughput.
 *
 * The config file, stdin ("-") and the flags become one config text, applied line by line (config-file.ts);
 * an unknown or malformed directive stops start-up with Redis's "FATAL CONFIG FILE ERROR" report on stderr
 * and exit code 1. Start-up then logs the lines redis-server logs (Redis-style `pid:role date level msg`),
 * listens, loads the RDB file and says "Ready to accept connections". SIGTERM and SIGINT shut down as
 * Redis's signal handler does: save first when save points are configured (staying up if that fails), and a
 * second SIGINT while shutting down exits at once.
 */

import fs from 'node:fs';
import path from 'node:path';
import { Server } from './server';
import { Config, ConfigError } from './config';
import { applyConfigText, ConfigFileError, LoadState, parseCommandLine, readConfigFile, strerror } from './config-file';
import { REDIS_VERSION } from './commands/connection';
import { Logger } from './log';

function fatalConfig(e: ConfigFileError): never {
  if (e.line === 0) {
    // Not tied to a line: Redis logs it (e.g. a config file that cannot be opened).
    const log = new Logger();
    log.log('warning', e.reason);
  } else {
    process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\nReading the configuration file, at line ${e.line}\n>>> '${e.text}'\n${e.reason}\n`);
  }
  process.exit(1);
}

function readStdin(): string {
  try {
    return fs.readFileSync(0, 'latin1');
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  // argv arrives decoded as UTF-8; the server works on bytes (latin1 strings).
  const args = process.argv.slice(2).map((a) => Buffer.from(a, 'utf8').toString('latin1'));
  if (args[0] === '-v' || args[0] === '--version') {
    process.stdout.write(`Cinnabar server v=${REDIS_VERSION} (Redis-compatible, Node ${process.version})\n`);
    return;
  }
  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write(
      'Usage: ./cinnabar-server [/path/to/redis.conf] [options] [-]\n' +
        '       ./cinnabar-server - (read config from stdin)\n' +
        '       ./cinnabar-server -v or --version\n' +
        '       ./cinnabar-server -h or --help\n\n' +
        'Examples:\n' +
        '       ./cinnabar-server (run the server with default conf)\n' +
        '       ./cinnabar-server /etc/redis/6379.conf\n' +
        '       ./cinnabar-server --port 7777\n' +
        '       ./cinnabar-server /etc/myredis.conf --loglevel verbose -\n' +
        '       ./cinnabar-server /etc/myredis.conf --loglevel verbose\n',
    );
    return;
  }

  // loadServerConfig(): file text, then stdin, then "\n" and the options; applied line by line.
  const cmd = parseCommandLine(args);
  const config = new Config();
  const early = new Logger();
  let text = '';
  let state: LoadState;
  try {
    if (cmd.file !== null) text += readConfigFile(cmd.file);
    if (cmd.stdin) {
      early.log('warning', 'Reading config from stdin');
      text += readStdin();
    }
    text += '\n' + cmd.options;
    state = applyConfigText(text, config);
  } catch (e) {
    if (e instanceof ConfigFileError) fatalConfig(e);
    throw e;
  }
  const settings: Record<string, string> = {};
  for (const name of state.touched) settings[name] = config.format(config.spec(name)!);

  let server: Server;
  try {
    server = new Server({ config: settings, logTarget: config.str('logfile'), loadData: false });
  } catch (e) {
    if (e instanceof ConfigError) fatalConfig(new ConfigFileError(0, '', e.message));
    early.log('warning', `Can't open the log file: ${strerror(e)}`);
    process.exit(1);
  }
  if (cmd.file !== null) server.configFile = path.resolve(cmd.file);
  const pidfile = config.str('pidfile');

  // Signal handlers go in before anything is announced (Redis's setupSignalHandlers runs in initServer).
  const exit = (code: number): never => {
    if (pidfile !== '') {
      server.log('notice', 'Removing the pid file.');
      try {
        fs.unlinkSync(pidfile);
      } catch {
        /* already gone */
      }
    }
    process.exit(code);
  };

  // Redis's sigShutdownHandler (which logs with serverLogFromHandler's own prefix) + serverCron's shutdown_asap.
  const logFromHandler = (msg: string) => {
    const target = server.logger.target;
    const line = `${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) ${msg}\n`;
    if (target === '') process.stdout.write(line);
    else if (target !== null) fs.appendFileSync(target, line);
  };
  let stopping = false;
  const onSignal = (sig: 'SIGTERM' | 'SIGINT') => {
    if (stopping && sig === 'SIGINT') {
      logFromHandler('You insist... exiting now.');
      try {
        fs.unlinkSync(path.join(path.dirname(server.rdbPath), `temp-${process.pid}.rdb`));
      } catch {
        /* no temp file */
      }
      process.exit(1);
    }
    logFromHandler(`Received ${sig} scheduling shutdown...`);
    if (stopping) return;
    stopping = true;
    server.log('warning', 'User requested shutdown...');
    void server.shutdown().then((ok) => {
      if (!ok) {
        server.log('warning', `${sig} received but errors trying to shut down the server, check the logs for more information`);
        stopping = false;
        return;
      }
      exit(0);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  server.onShutdown = () => exit(0);

  server.log('warning', 'oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo');
  server.log('warning', `Cinnabar version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`);
  if (cmd.file === null && !cmd.stdin) {
    server.log('warning', 'Warning: no config file specified, using the default config. In order to specify a config file use cinnabar-server /path/to/redis.conf');
  } else {
    server.log('warning', 'Configuration loaded');
  }
  if (config.num('port') === 0) {
    // Redis's port 0 disables TCP; without unix sockets there is then nothing to listen on.
    server.log('warning', 'Configured to not listen anywhere, exiting.');
    process.exit(1);
  }
  try {
    await server.listen();
  } catch (e) {
    server.log('warning', (e as Error).message);
    server.log('warning', `Failed listening on port ${config.num('port')} (TCP), aborting.`);
    process.exit(1);
  }
  server.log('notice', `Running mode=standalone, port=${server.port}.`);
  server.log('warning', 'Server initialized');
  try {
    server.persistence.loadAtStartup();
  } catch (e) {
    server.log('warning', `Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    process.exit(1);
  }
  if (pidfile !== '') {
    try {
      fs.writeFileSync(pidfile, `${process.pid}\n`);
    } catch (e) {
      server.log('warning', `Failed to write PID file: ${strerror(e)}`);
    }
  }
  server.log('notice', 'Ready to accept connections');

}

void main();
