import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import test from 'ava';
import { root } from './helpers/reference.js';

/**
 * Data flows one way: each layer imports only layers before it. Daemon drivers sit below the topology
 * because the topology schema's daemon choices come from their registry (they depend on the
 * daemon-neutral intent contract alone). faults and probe are one layer and do not import each other.
 */
const layers = [
  ['errors'],
  ['util'],
  ['daemons'],
  ['topology'],
  ['intent'],
  ['render'],
  ['requirements'],
  ['runtime'],
  ['lab'],
  ['sandbox'],
  ['faults', 'probe'],
  ['observe'],
  ['scenario'],
  ['certify'],
  ['report'],
  ['cli'],
  ['index'],
];
const rank = new Map(layers.flatMap((names, i) => names.map((n) => [n, i] as const)));

const src = join(root, 'src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
/** The top folder of a source file under src/ (a top-level file is its own layer: errors, index). */
const area = (file: string) => relative(src, file).split('/')[0]!.replace(/\.ts$/, '');

const imports = files(src)
  .filter((f) => f.endsWith('.ts'))
  .flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => ({
      file: relative(root, file),
      from: area(file),
      to: area(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))),
    })),
  );

test('every source folder has a layer, and the import scan sees the imports', (t) => {
  t.true(imports.length > 200, `${imports.length} relative imports found`);
  const unknown = [...new Set(imports.flatMap((i) => [i.from, i.to]))].filter((a) => !rank.has(a));
  t.deepEqual(unknown, [], 'folders missing from the layer list');
});

test('no import goes back up the layers, and faults and probe stay apart', (t) => {
  const upward = imports.filter((i) => i.from !== i.to && rank.get(i.to)! >= rank.get(i.from)!);
  t.deepEqual(
    upward.map((i) => `${i.file} imports ${i.to}`),
    [],
  );
});

test('no loop of imports between files, type imports included', (t) => {
  const edges = new Map<string, string[]>();
  for (const file of files(src).filter((f) => f.endsWith('.ts')))
    edges.set(
      file,
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
        resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')),
      ),
    );
  // Depth-first: a file met again while still on the path closes a loop.
  const loops: string[] = [];
  const done = new Set<string>();
  const visit = (file: string, path: string[]) => {
    if (path.includes(file)) {
      loops.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(' -> '));
      return;
    }
    if (done.has(file) || !edges.has(file)) return;
    for (const next of edges.get(file)!) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of edges.keys()) visit(file, []);
  t.deepEqual(loops, []);
});
