import { InputError } from '../errors.js';
import { runSchema, verdictCounts, worstVerdict, type RunReport } from '../scenario/results.js';

/**
 * One report of several runs (the shards of a CI job): every scenario and lab of each, the earliest start
 * and latest end, passed only when each run passed. The same scenario in two runs is refused (overlapping
 * shards, or a file named twice); so is more than one certification.
 */
export function mergeRunReports(runs: { file: string; report: RunReport }[]): RunReport {
  if (runs.length === 0) throw new InputError('report merge needs at least one run.json');
  const seen = new Map<string, string>();
  for (const { file, report } of runs)
    for (const s of report.scenarios) {
      const key = `${s.file}\u0000${s.name}`;
      const other = seen.get(key);
      if (other)
        throw new InputError(`scenario ${s.name} (${s.file}) is in both ${other} and ${file}: shards must not overlap`);
      seen.set(key, file);
    }
  const certified = runs.filter((r) => r.report.certification);
  if (certified.length > 1)
    throw new InputError(
      `more than one certification to merge (${certified.map((r) => r.file).join(', ')}): certify each topology on its own`,
    );
  const distinct = (values: string[]) => [...new Set(values)].join(', ');
  const reports = runs.map((r) => r.report);
  const errors = runs.filter((r) => r.report.error).map((r) => `${r.file}: ${r.report.error}`);
  return {
    schema: runSchema,
    startedAt: reports.map((r) => r.startedAt).sort()[0]!,
    finishedAt: reports
      .map((r) => r.finishedAt)
      .sort()
      .at(-1)!,
    runtime: distinct(reports.map((r) => r.runtime)),
    lag: distinct(reports.map((r) => r.lag)),
    interrupted: reports.some((r) => r.interrupted),
    ...(errors.length ? { error: errors.join('; ') } : {}),
    labs: reports.flatMap((r) => r.labs),
    scenarios: reports.flatMap((r) => r.scenarios),
    ...(certified[0] ? { certification: certified[0].report.certification! } : {}),
    passed: reports.every((r) => r.passed),
    verdict: worstVerdict(reports.map((r) => r.verdict)),
    counts: verdictCounts(reports.flatMap((r) => r.scenarios)),
  };
}
