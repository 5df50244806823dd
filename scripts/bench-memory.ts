// Memory figures the benchmarks share.
import { readFile } from 'node:fs/promises';
import type { Lab } from '../src/lab/lab.js';
import { resourceName } from '../src/runtime/identity.js';
import { runCommand } from '../src/util/run.js';

/** Memory of one router node: its container's cgroup usage, or the RSS of the processes in its namespace. */
export async function nodeMemoryMiB(lab: Lab, node: string): Promise<number> {
  const name = resourceName(lab.name, node);
  if (lab.runtime.kind === 'docker') {
    const stats = await runCommand(['docker', 'stats', '--no-stream', '--format', '{{.MemUsage}}', name]);
    const [value, unit] = stats.stdout
      .split('/')[0]!
      .trim()
      .match(/^([\d.]+)\s*([KMG]i?B)$/)!
      .slice(1);
    return Number(value) * ({ KiB: 1 / 1024, MiB: 1, GiB: 1024 } as Record<string, number>)[unit!]!;
  }
  const pids = (await runCommand(['ip', 'netns', 'pids', name])).stdout.split('\n').filter(Boolean);
  const rss = pids.length ? (await runCommand(['ps', '-o', 'rss=', '-p', pids.join(',')])).stdout : '';
  return rss.split('\n').reduce((sum, kb) => sum + Number(kb.trim() || 0), 0) / 1024;
}

/** Memory in use on the machine (MemTotal - MemAvailable), MiB. */
export async function machineMemoryMiB(): Promise<number> {
  const info = await readFile('/proc/meminfo', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return (kb('MemTotal') - kb('MemAvailable')) / 1024;
}
