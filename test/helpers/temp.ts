import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

/** A fresh temporary folder that the test removes when it ends; kept (and named in the log) when it failed. */
export async function tempDir(t: ExecutionContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `peerlab-${prefix}-`));
  t.teardown(async () => {
    if (t.passed) await rm(dir, { recursive: true, force: true });
    else console.error(`kept ${dir} for the failed test "${t.title}"`);
  });
  return dir;
}
