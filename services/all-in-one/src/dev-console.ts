import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '@signal/common/config/config';

/** Terminals get one line per entry; the service name is in the prefix or obvious. */
const PRETTY = { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service', singleLine: true } as const;

type Output = Writable & { isTTY?: boolean };

/**
 * Human-readable log lines for a person at a terminal: dev mode only and only when stdout is a
 * TTY. Anything else (a pipe, a file, production) keeps pino's JSON lines.
 */
export function devLogDestination(config: Config, stdout: Output = process.stdout): pretty.PrettyStream | undefined {
  return config.auth?.mode === 'dev' ? terminalDestination(stdout) : undefined;
}

/** pino-pretty onto `stdout` when it is a terminal; undefined (JSON lines) otherwise. */
export function terminalDestination(stdout: Output = process.stdout): pretty.PrettyStream | undefined {
  return stdout.isTTY === true ? pretty({ ...PRETTY, destination: stdout, sync: true }) : undefined;
}

/** Formats one JSON log line another process printed, as devLogDestination would have. */
export function linePrettifier(): (line: string) => string {
  const format = pretty.prettyFactory(PRETTY);
  return (line) => {
    try {
      return format(JSON.parse(line) as object).trimEnd();
    } catch {
      return line;
    }
  };
}

export interface Banner {
  title: string;
  /** Where a person (or curl) talks to Signal. */
  url: string;
  /** Every /metrics endpoint, by the process that serves it. */
  metrics: Record<string, string>;
  /** Further named links, such as Prometheus. */
  more?: Record<string, string>;
}

export function bannerFields(banner: Omit<Banner, 'title'>): Record<string, unknown> {
  return {
    url: banner.url,
    demo: `${banner.url}/demo/`,
    token: `${banner.url}/dev/token?name=alice`,
    metrics: banner.metrics,
    ...banner.more,
  };
}

export function bannerText(banner: Banner): string {
  const { demo, token } = bannerFields(banner) as { demo: string; token: string };
  const rows: [string, string][] = [
    ['demo', `${demo}  (open it in two windows)`],
    ['dev token', `${token}`],
    ...Object.entries(banner.metrics).map(([name, url]): [string, string] => [`metrics ${name}`, url]),
    ...Object.entries(banner.more ?? {}),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`${banner.title}: ${banner.url}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}

/** Where to go next: plain text at a terminal, one structured log entry anywhere else. */
export function announce(banner: Banner, logger: Logger, stdout: Output = process.stdout): void {
  if (stdout.isTTY === true) stdout.write(`\n${bannerText(banner)}\n\n`);
  else logger.info(bannerFields(banner), banner.title);
}

/** The address a person types: a wildcard listen address is reached as localhost. */
export function browserUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}
