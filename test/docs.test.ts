import { readFileSync } from 'node:fs';
import test from 'ava';
import { cliDocsFile, cliReference } from '../scripts/write-cli-docs.js';

test("docs/cli.md is what the commands' own definitions say", (t) => {
  const written = readFileSync(cliDocsFile, 'utf8').split('\n');
  const generated = cliReference().split('\n');
  let at = 0;
  while (at < Math.max(written.length, generated.length) && written[at] === generated[at]) at++;
  const stale =
    at === Math.max(written.length, generated.length)
      ? undefined
      : `docs/cli.md differs from the commands in src/cli/ at line ${at + 1}:\n` +
        `  docs/cli.md:  ${written[at] ?? '(end of file)'}\n` +
        `  the commands: ${generated[at] ?? '(end of file)'}\n` +
        'run `npm run docs:cli` and commit docs/cli.md';
  t.is(stale, undefined, stale);
});
