import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { runSchema, withVerdicts, type RunReport } from '../scenario/results.js';

/** Write run.json, report.md, report.html and junit.xml into `dir`; returns the files written. */
export async function writeReports(report: RunReport, dir: string, { json = true } = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ...(json ? ([['run.json', JSON.stringify(report, null, 2)]] as [string, string][]) : []),
    ['report.md', renderMarkdown(report)],
    ['report.html', renderHtml(report)],
    ['junit.xml', renderJunit(report)],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}

/** A run.json written by this version of peerlab. */
export async function readRunReport(file: string): Promise<RunReport> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new InputError(`cannot read ${file} as JSON (${(cause as Error).message})`, undefined, undefined, { cause });
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== runSchema)
    throw new InputError(
      `${file} is not a peerlab run report of schema ${runSchema} (schema: ${JSON.stringify(schema)})`,
    );
  return withVerdicts(data as RunReport);
}
