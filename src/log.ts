/**
 * Redis-style log lines: `pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message`, with Redis's level
 * characters ('.' debug, '-' verbose, '*' notice, '#' warning), written to stdout or to `logfile`.
 * The embedded server logs nothing unless asked (silent test suites).
 */

import fs from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
const CHARS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  level: LogLevel = 'notice';
  /** '' = stdout, a path = append to that file, null = silent. */
  target: string | null = '';
  private fd = -1;

  setTarget(target: string | null): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.target = target;
    if (target !== null && target !== '') this.fd = fs.openSync(target, 'a');
  }

  log(level: LogLevel, msg: string): void {
    if (this.target === null || LEVELS[level] < LEVELS[this.level]) return;
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const ts = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:M ${ts} ${CHARS[level]} ${msg}\n`;
    if (this.fd >= 0) fs.writeSync(this.fd, line);
    else process.stdout.write(line);
  }
}
