import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { root } from './helpers/reference.js';
import { tempDir } from './helpers/temp.js';

const npm = (args: string[], cwd: string) =>
  execa('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdin: 'ignore', reject: false });

test.serial(
  'the npm package: packed, installed with --omit=dev in an empty folder, its CLI and library work without tsx',
  async (t) => {
    t.timeout(300_000);
    const dir = await tempDir(t, 'package');
    const pack = await npm(['pack', '--json', '--pack-destination', dir], root);
    t.is(pack.exitCode, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    t.log(`${files.length} files in ${info!.filename}`);
    t.deepEqual(
      files.filter((f) => /^test\/|\.test\.|^src\//.test(f)),
      [],
      'no tests or TypeScript sources',
    );
    for (const f of ['bin/peerlab.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/probe/agent.js'])
      t.true(files.includes(f), `${f} is packed`);

    const app = join(dir, 'app');
    await execa('mkdir', ['-p', app]);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'uses-peerlab', private: true, type: 'module' }));
    const install = await npm(['install', '--omit=dev', join(dir, info!.filename)], app);
    t.is(install.exitCode, 0, install.stderr);
    t.false(existsSync(join(app, 'node_modules', 'tsx')), 'tsx is not installed');
    t.false(existsSync(join(app, 'node_modules', 'typescript')), 'typescript is not installed');

    const peerlab = (...args: string[]) =>
      execa(join(app, 'node_modules', '.bin', 'peerlab'), args, { cwd: app, reject: false, stdin: 'ignore' });
    const help = await peerlab('--help');
    t.is(help.exitCode, 0, help.stderr);
    t.regex(help.stdout, /Usage: peerlab/);
    const topology = join(app, 'node_modules', 'peerlab', 'topologies', 'maps-voice.yaml');
    const check = await peerlab('check', topology);
    t.is(check.exitCode, 0, check.stderr);
    t.regex(check.stdout, /R-BFD\s+pass/);
    const bad = await peerlab('check', join(app, 'missing.yaml'));
    t.is(bad.exitCode, 2);
    t.regex(bad.stderr, /^peerlab: cannot read .*missing\.yaml \(ENOENT\)$/m);

    await writeFile(
      join(app, 'use.mjs'),
      [
        "import { loadTopology, checkRequirements, renderLab, up, runSuite, writeReports, InputError } from 'peerlab';",
        `const model = await loadTopology(${JSON.stringify(topology)});`,
        'const report = checkRequirements(model);',
        'const configs = renderLab(model);',
        "const refused = await loadTopology('missing.yaml').catch((e) => e instanceof InputError);",
        'console.log(JSON.stringify({ name: model.name, status: report.status, configs: configs.length, up: typeof up, runSuite: typeof runSuite, writeReports: typeof writeReports, refused }));',
      ].join('\n'),
    );
    const use = await execa('node', ['use.mjs'], { cwd: app, reject: false });
    t.is(use.exitCode, 0, use.stderr);
    t.deepEqual(JSON.parse(use.stdout), {
      name: 'maps-voice',
      status: 'warn',
      configs: 11,
      up: 'function',
      runSuite: 'function',
      writeReports: 'function',
      refused: true,
    });
  },
);
