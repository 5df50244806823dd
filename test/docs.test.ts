import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import test from 'ava';
import { cliDocsFile, cliReference } from '../scripts/write-cli-docs.js';
import { root } from './helpers/reference.js';

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

/** The guide: the README and every page of docs/. */
const pages = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(root, 'docs', f)),
];

/** A page's lines outside fenced code blocks, with code spans blanked (neither holds links). */
function prose(file: string): { line: number; text: string }[] {
  let fenced = false;
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) => {
      if (/^\s*```/.test(text)) {
        fenced = !fenced;
        return [];
      }
      return fenced ? [] : [{ line: i + 1, text: text.replace(/`[^`]*`/g, 'code') }];
    });
}

/** The anchors GitHub gives a page's headings: lowercased, punctuation dropped, spaces as dashes, repeats numbered. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    found.add(n ? `${slug}-${n}` : slug);
  }
  return found;
}

/** Every relative link and image of the guide, where it stands. */
const links = pages.flatMap((page) =>
  prose(page).flatMap(({ line, text }) =>
    [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ page, line, target })),
  ),
);

test('every relative link in README.md and docs/*.md points at a file that exists, and at a heading it has', (t) => {
  t.true(links.length > 50, `${links.length} relative links found`);
  const broken = links.flatMap(({ page, line, target }) => {
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const file = path ? resolve(dirname(page), decodeURIComponent(path)) : page;
    const where = `${relative(root, page)}:${line}: ${target}`;
    if (!existsSync(file)) return [`${where}: no file ${relative(root, file)}`];
    if (anchor && file.endsWith('.md') && !anchors(file).has(anchor))
      return [`${where}: ${relative(root, file)} has no heading #${anchor}`];
    return [];
  });
  t.deepEqual(broken, []);
});
