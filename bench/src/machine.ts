/**
 * What a result was measured on: CPU, cores, memory, kernel, load, and the versions of every target.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** First line a command prints on stdout or stderr, whatever its exit code; `not installed` when absent. */
function commandOutput(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  if (run.error) return 'not installed';
  return `${run.stdout}${run.stderr}`.trim().split('\n')[0]!;
}

/** Versions and machine facts as display strings (nginx and wrk print their version on stderr). */
export function machineInfo(): Record<string, string | number> {
  const bench = fileURLToPath(new URL('..', import.meta.url));
  let portkey = 'not installed';
  try {
    portkey = (
      JSON.parse(readFileSync(`${bench}node_modules/@portkey-ai/gateway/package.json`, 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    // reported as not installed
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    'memory (MB)': Math.round(totalmem() / 1e6),
    kernel: release(),
    'load average at start': loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    node: process.version,
    nginx: commandOutput('nginx', ['-v']).replace('nginx version: ', ''),
    wrk: commandOutput('wrk', ['-v']).split(' [')[0]!,
    '@portkey-ai/gateway': portkey,
    'switchyard commit': commandOutput('git', ['-C', bench, 'rev-parse', '--short', 'HEAD']),
  };
}
