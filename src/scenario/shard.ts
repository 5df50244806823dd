import { InputError } from '../errors.js';
import type { LoadedScenario } from './load.js';

export interface Shard {
  index: number;
  count: number;
}

/** `--shard K/N`: the K-th of N shares, counted from 1. */
export function parseShard(text: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || count < 1 || index < 1 || index > count)
    throw new InputError(`--shard is K/N with 1 <= K <= N, such as 2/4 (got "${text}")`);
  return { index, count };
}

/**
 * The scenarios of one shard. Scenarios are grouped by topology so each lab comes up on one shard only;
 * groups go, largest first (ties by topology path), to the shard with the fewest scenarios so far (ties to
 * the lowest index). The same files give the same shares on every runner, whatever order they were named in.
 */
export function shardScenarios(loaded: LoadedScenario[], shard: Shard): LoadedScenario[] {
  const groups = new Map<string, LoadedScenario[]>();
  for (const l of [...loaded].sort((a, b) => a.scenario.file.localeCompare(b.scenario.file)))
    groups.set(l.scenario.topology, [...(groups.get(l.scenario.topology) ?? []), l]);
  const ordered = [...groups].sort(([ta, a], [tb, b]) => b.length - a.length || ta.localeCompare(tb));
  const load = Array.from({ length: shard.count }, () => 0);
  const mine: LoadedScenario[] = [];
  for (const [, group] of ordered) {
    const to = load.indexOf(Math.min(...load));
    load[to]! += group.length;
    if (to === shard.index - 1) mine.push(...group);
  }
  return mine;
}
