#!/usr/bin/env node
/**
 * cinnabar-server: the standalone server, started like redis-server:
 *   cinnabar-server [/path/to/redis.conf] [--port 6380] [--save ""] ...
 * The config file and the flags become one list of directives (config-file.ts); an unknown or malformed one
 * stops start-up with Redis's "FATAL CONFIG FILE ERROR" report and exit code 1. SIGTERM/SIGINT shut down
 * cleanly, saving first when save points are configured, as Redis does.
 */

import fs from 'node:fs';
import path from 'node:path';
import { Server } from './server';
import { argsToConfigText, parseConfigText, ConfigFileError } from './config-file';
import { ConfigError } from './config';
import { REDIS_VERSION } from './commands/connection';

function fatal(lineNo: number, text: string, reason: string): never {
  process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\nReading the configuration file, at line ${lineNo}\n>>> '${text}'\n${reason}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '-v' || args[0] === '--version') {
    process.stdout.write(`Cinnabar server v=${REDIS_VERSION} (Redis-compatible, Node ${process.version})\n`);
    return;
  }
  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write('Usage: cinnabar-server [/path/to/redis.conf] [options]\nExamples:\n  cinnabar-server --port 7777\n  cinnabar-server /etc/redis/6379.conf --loglevel verbose\n');
    return;
  }
  const { file, text: flagText } = argsToConfigText(args);
  let text = '';
  if (file !== null) {
    try {
      text = fs.readFileSync(file, 'latin1') + '\n';
    } catch (e) {
      process.stderr.write(`Fatal error, can't open config file '${path.resolve(file)}': ${(e as Error).message}\n`);
      process.exit(1);
    }
  }
  const fileLines = text.split('\n').length - 1;
  let directives;
  try {
    directives = parseConfigText(text + flagText);
  } catch (e) {
    if (e instanceof ConfigFileError) fatal(e.line, e.text, e.reason);
    throw e;
  }
  const config: Record<string, string> = {};
  const server0 = new Server({ loadData: false, logTarget: null });
  for (const d of directives) {
    const spec = server0.config.spec(d.name);
    const lineNo = d.line > fileLines ? d.line - fileLines : d.line;
    if (spec === undefined) fatal(lineNo, d.text, 'Bad directive or wrong number of arguments');
    const r = server0.config.parse(spec, d.value);
    if ('error' in r) fatal(lineNo, d.text, r.error);
    config[d.name] = d.value;
  }
  let server: Server;
  try {
    server = new Server({ config, logTarget: config.logfile ?? '', loadData: true });
  } catch (e) {
    if (e instanceof ConfigError) fatal(0, '', e.message);
    process.stderr.write(`Fatal error loading the DB: ${(e as Error).message}. Exiting.\n`);
    process.exit(1);
  }
  if (file !== null) server.configFile = path.resolve(file);
  server.log('notice', 'oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo');
  server.log('notice', `Cinnabar version=${REDIS_VERSION}, bits=64, pid=${process.pid}, just started`);
  if (file === null) server.log('warning', 'Warning: no config file specified, using the default config. In order to specify a config file use cinnabar-server /path/to/redis.conf');
  try {
    await server.listen();
  } catch (e) {
    server.log('warning', (e as Error).message);
    process.exit(1);
  }
  server.log('notice', `Running mode=standalone, port=${server.port}.`);
  server.log('notice', 'Server initialized');
  server.log('notice', 'Ready to accept connections tcp');
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    server.log('warning', `Received ${sig} scheduling shutdown...`);
    server.log('notice', 'User requested shutdown...');
    void server.shutdown().then((ok) => {
      if (!ok) {
        stopping = false;
        return;
      }
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  server.onShutdown = () => process.exit(0);
}

void main();
