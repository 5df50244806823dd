import test from 'ava';
import { buildImage, imageTagOf, validateInImage } from '../src/lab/image.js';
import { dockerImages, type ImageEngine } from '../src/runtime/images.js';
import type { Runner } from '../src/util/run.js';

/** An engine that records what it was asked; `has` are the images it already holds, `registry` whether pulls work. */
function fakeEngine(has: string[], registry: boolean, exitCode = 0) {
  const calls: string[] = [];
  const engine: ImageEngine = {
    name: 'fake',
    exists: async (tag) => (calls.push(`exists ${tag}`), has.includes(tag)),
    pull: async (image) => (calls.push(`pull ${image}`), registry),
    build: async (_dir, tag) => void calls.push(`build ${tag}`),
    importRoot: async (_tarball, tag, cmd) => void calls.push(`import ${tag} ${cmd.join(' ')}`),
    runOnce: async (tag, argv, mount, lab) => (
      calls.push(`run ${tag} ${argv.join(' ')} ${mount.at} ${lab}`),
      { stdout: '', stderr: exitCode ? 'no such image' : '', exitCode }
    ),
  };
  return { engine, calls };
}

test('an image already there is not rebuilt', async (t) => {
  const { engine, calls } = fakeEngine([imageTagOf('bookworm')], true);
  t.deepEqual(await buildImage({ engine }), { tag: imageTagOf('bookworm'), method: 'cached' });
  t.deepEqual(calls, [`exists ${imageTagOf('bookworm')}`]);
});

test('a registry that answers builds from the Dockerfile; none makes a root with debootstrap and imports it', async (t) => {
  const online = fakeEngine([], true);
  t.is((await buildImage({ engine: online.engine })).method, 'dockerfile');
  t.deepEqual(online.calls.slice(1), ['pull debian:bookworm-slim', `build ${imageTagOf('bookworm')}`]);

  const offline = fakeEngine([], false);
  const host: string[] = [];
  const run: Runner = async (argv) => (host.push(argv[0]!), { stdout: '', stderr: '', exitCode: 0 });
  t.is((await buildImage({ engine: offline.engine, run })).method, 'debootstrap');
  t.deepEqual(host, ['debootstrap', 'tar'], 'bookworm takes its packages through debootstrap --include');
  t.deepEqual(offline.calls.slice(-1), [`import ${imageTagOf('bookworm')} sleep infinity`]);
});

test("a config parsed in a version's image runs through the engine; the engine's own failure is not a parse error", async (t) => {
  const config = { node: 'fra-pe1', daemon: 'bird' as const, file: 'bird.conf', text: 'router id 192.0.2.1;\n' };
  const ok = fakeEngine([], true);
  t.true((await validateInImage('lab1', config, 'trixie', ok.engine)).ok);
  t.regex(ok.calls[0]!, new RegExp(`^run ${imageTagOf('trixie')} .*/peerlab/bird.conf /peerlab lab1$`));
  const broken = fakeEngine([], true, 125);
  await t.throwsAsync(validateInImage('lab1', config, 'trixie', broken.engine), {
    message:
      /cannot run trixie's parser for fra-pe1 \(fake exit 125\): no such image; peerlab image build --suite trixie/,
  });
});

test('the docker engine: no network, the config read-only, labelled with its lab', async (t) => {
  const seen: (readonly string[])[] = [];
  const run: Runner = async (argv) => (seen.push(argv), { stdout: '', stderr: '', exitCode: 0 });
  await dockerImages(run).runOnce('img:1', ['bird', '-p'], { dir: '/tmp/x', at: '/peerlab' }, 'lab1');
  t.deepEqual(seen[0], [
    'docker',
    'run',
    '--rm',
    '--network',
    'none',
    '--label',
    'peerlab.lab=lab1',
    '-v',
    '/tmp/x:/peerlab:ro',
    'img:1',
    'bird',
    '-p',
  ]);
});
