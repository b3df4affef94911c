/**
 * Child processes of the harness: started pinned to one core with taskset (which execs, so the child's PID is
 * the server's), awaited until their port accepts connections, measured through /proc, stopped by PID.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A started server process. */
export interface Managed {
  readonly name: string;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far (for error messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Spawns `command args` pinned to `core`.
 * @param name label used in errors
 * @param env extra environment variables
 * @throws Error when the process cannot be spawned
 */
export function startPinned(
  name: string,
  core: number,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Managed {
  const child: ChildProcess = spawn('taskset', ['-c', String(core), command, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  let output = '';
  const collect = (data: Buffer) => {
    if (output.length < 64 * 1024) output += data.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * Resolves once 127.0.0.1:`port` accepts a TCP connection.
 * @param timeoutMs give up after this many milliseconds
 * @throws Error naming the process (with its output) on timeout
 */
export async function waitForPort(proc: Managed, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`${proc.name} did not listen on port ${port} within ${timeoutMs} ms:\n${proc.output()}`);
}

/** PIDs of `pid` and all its descendants, read from /proc/<pid>/stat (field 4 is the parent PID). */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // the process exited between readdir and read
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []));
  return tree;
}

/**
 * Resident set size of a process and its descendants (nginx: master + worker), in MiB, from VmRSS in
 * /proc/<pid>/status.
 */
export function rssMiB(pid: number): number {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (match) kib += Number(match[1]);
    } catch {
      // exited
    }
  }
  return kib / 1024;
}

/** Kernel clock ticks per second, the unit of CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU time (user + system) used so far by a process and its live descendants, in seconds, from fields 14
 * and 15 of /proc/<pid>/stat (resolution one clock tick, usually 10 ms).
 */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / CLOCK_TICKS;
}

/** A free TCP port on 127.0.0.1 (bound to port 0, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
