import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonDriver, daemonDrivers } from '../daemons/registry.js';
import type { Suite } from '../daemons/types.js';
import { writeConfigFiles, type ConfigText, type ValidationResult } from '../daemons/validate.js';
import { dockerImages, type ImageEngine } from '../runtime/images.js';
import { EnvironmentError, InternalError } from '../errors.js';
import { runCommand, type Runner } from '../util/run.js';
import type { LabModel, LabNode } from '../topology/model.js';
import type { Runtime } from '../runtime/types.js';
import { lagDrivers } from './lag/registry.js';
import { when } from '../util/fs-errors.js';

/** Tools every node uses whatever its daemons: wiring, faults, probes' reachability checks, pid files. */
const basePackages = ['iproute2', 'nftables', 'iputils-ping', 'procps', 'kmod', 'ca-certificates'];

/**
 * What goes into a router image of a Debian suite: the packages of every daemon and LAG driver, then
 * the base tools. Its hash is the image tag, so a rebuild happens only when this changes (the bookworm
 * recipe is the one every earlier version built).
 */
export function imageRecipeOf(suite: Suite) {
  const unpack = Object.values(daemonDrivers).flatMap((d) =>
    Object.values(d.versions).flatMap((v) => (v.suite === suite && v.unpack ? [v.unpack] : [])),
  );
  return {
    repository: 'peerlab-router',
    suite,
    base: `debian:${suite}-slim`,
    // Each package once: a driver that shares another's packages does not change the tag.
    packages: [
      ...new Set([
        ...Object.values(daemonDrivers).flatMap((d) => d.packages),
        ...lagDrivers.flatMap((d) => d.packages),
        ...basePackages,
      ]),
    ],
    // Only when a suite has some: the recipe's hash is the image tag.
    ...(unpack.length ? { unpack } : {}),
  };
}

/** Shell steps that unpack conflicting packages into their folders (constant driver data, checked). */
function unpackScript(unpack: readonly { package: string; into: string }[]): string {
  return unpack
    .map(({ package: pkg, into }) => {
      if (!/^[a-z0-9][a-z0-9+.-]*$/.test(pkg) || !/^\/opt\/[a-z0-9-]+$/.test(into))
        throw new InternalError(`bad unpack entry ${pkg} -> ${into}`);
      return `cd /tmp && apt-get download ${pkg} && dpkg -x ${pkg}_*.deb ${into} && rm -f ${pkg}_*.deb`;
    })
    .join(' && ');
}

export const defaultSuite: Suite = 'bookworm';
export const imageRecipe = imageRecipeOf(defaultSuite);

export function imageTagOf(suite: Suite): string {
  const recipe = imageRecipeOf(suite);
  return `${recipe.repository}:${createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12)}`;
}

/** The image the emulated Microsoft side, the cores and routers of the default versions run. */
export const imageTag = imageTagOf(defaultSuite);

/** The suite a node's image is of: its daemon version's (the default version's when it names none). */
export function suiteOf(node: LabNode): Suite {
  if (!node.daemon) return defaultSuite;
  const driver = daemonDriver(node.daemon);
  return driver.versions[node.version ?? driver.defaultVersion]!.suite;
}

/** Every suite a lab's nodes need an image of. */
export function suitesOf(model: LabModel): Suite[] {
  return [...new Set([defaultSuite, ...model.nodes.map(suiteOf)])];
}

export type BuildMethod = 'dockerfile' | 'debootstrap';

export function dockerfile(suite: Suite = defaultSuite): string {
  const recipe = imageRecipeOf(suite);
  return [
    `FROM ${recipe.base}`,
    'RUN apt-get update \\',
    ` && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${recipe.packages.join(' ')} \\`,
    ...(recipe.unpack ? [` && ${unpackScript(recipe.unpack)} \\`] : []),
    ' && rm -rf /var/lib/apt/lists/*',
    'CMD ["sleep", "infinity"]',
    '',
  ].join('\n');
}

export interface BuildOptions {
  suite?: Suite;
  method?: BuildMethod | 'auto';
  mirror?: string;
  log?: (line: string) => void;
  /** Runs debootstrap, tar and chroot on the host. */
  run?: Runner;
  /** The engine the image is for (the docker runtime's by default). */
  engine?: ImageEngine;
}

export async function imageExists(engine: ImageEngine = dockerImages(), suite: Suite = defaultSuite): Promise<boolean> {
  return engine.exists(imageTagOf(suite));
}

/** Build a suite's router image unless it exists: a Dockerfile build where a registry answers, debootstrap + import where none does. */
export async function buildImage(options: BuildOptions = {}): Promise<{ tag: string; method: BuildMethod | 'cached' }> {
  const run = options.run ?? runCommand;
  const engine = options.engine ?? dockerImages(run);
  const log = options.log ?? (() => {});
  const suite = options.suite ?? defaultSuite;
  const tag = imageTagOf(suite);
  if (await engine.exists(tag)) return { tag, method: 'cached' };
  const method =
    options.method && options.method !== 'auto'
      ? options.method
      : (await engine.pull(imageRecipeOf(suite).base))
        ? 'dockerfile'
        : 'debootstrap';
  log(`building ${tag} (${suite}, ${method})`);
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-image-'));
  try {
    if (method === 'dockerfile') {
      await writeFile(join(dir, 'Dockerfile'), dockerfile(suite));
      await engine.build(dir, tag);
    } else {
      const mirror = options.mirror ?? process.env.PEERLAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
      await engine.importRoot(await bootstrap(dir, suite, mirror, run), tag, ['sleep', 'infinity']);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { tag, method };
}

/** The images of every suite a lab needs, built when missing. */
export async function buildImagesFor(model: LabModel, options: Omit<BuildOptions, 'suite'> = {}): Promise<void> {
  for (const suite of suitesOf(model)) await buildImage({ ...options, suite });
}

/**
 * debootstrap a minbase root, then install the recipe's packages; returns it as a tarball. Bookworm takes them with --include;
 * trixie cannot (debootstrap fails on systemd's pre-dependency), so there they are installed by apt
 * inside the new root.
 */
async function bootstrap(dir: string, suite: Suite, mirror: string, run: Runner): Promise<string> {
  const root = join(dir, 'rootfs');
  const { packages, unpack } = imageRecipeOf(suite);
  const include = suite === 'bookworm' && !unpack ? [`--include=${packages.join(',')}`] : [];
  const strap = await run(['debootstrap', '--variant=minbase', ...include, suite, root, mirror], {
    allowFailure: true,
    timeoutMs: 900_000,
  });
  if (strap.exitCode !== 0) {
    throw new EnvironmentError(
      `debootstrap ${suite} failed (is the debootstrap package installed? mirror ${mirror}):\n${strap.stderr.slice(-2000)}`,
    );
  }
  if (!include.length) {
    await copyFile('/etc/resolv.conf', join(root, 'etc', 'resolv.conf')).catch(when(['ENOENT'], undefined));
    const apt = ['chroot', root, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
    await run([...apt, 'update', '-qq'], { timeoutMs: 600_000 });
    await run([...apt, 'install', '-y', '-qq', '--no-install-recommends', ...packages], { timeoutMs: 900_000 });
    if (unpack) await run(['chroot', root, 'sh', '-c', unpackScript(unpack)], { timeoutMs: 600_000 });
    await rm(join(root, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
  }
  await rm(join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
  const tarball = join(dir, 'rootfs.tar');
  await run(['tar', '-C', root, '-cf', tarball, '.']);
  return tarball;
}

/**
 * Parse a config with the parser of the version that will run it, inside that version's router image
 * (a throwaway container: no network, the config mounted read-only, labelled with the lab so `down`
 * would find it). For versions the host does not have.
 */
export async function validateInImage(
  lab: string,
  config: ConfigText,
  suite: Suite,
  engine: ImageEngine = dockerImages(),
): Promise<ValidationResult> {
  const validator = daemonDriver(config.daemon).validator;
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-validate-'));
  try {
    await writeConfigFiles(dir, config);
    const inside = `/peerlab/${config.file}`;
    const result = await engine.runOnce(imageTagOf(suite), validator.command(inside), { dir, at: '/peerlab' }, lab);
    // 125-127: the engine itself failed (no such image, no engine): nothing was parsed.
    if (result.exitCode >= 125)
      throw new EnvironmentError(
        `cannot run ${suite}'s parser for ${config.node} (${engine.name} exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0]}; peerlab image build --suite ${suite} builds its image`,
      );
    const output = `${result.stdout}\n${result.stderr}`.trim().replaceAll(inside, `${config.node}/${config.file}`);
    const at = result.exitCode === 0 ? undefined : validator.locate(output);
    return { config, ok: result.exitCode === 0, output, ...(at ? { at } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A runtime made ready for these labs: what it needs of the host answers (an engine) and, when its nodes
 * run the router image, the images they name exist (built from Debian packages when missing).
 */
export async function prepareRuntime(
  runtime: Runtime,
  models: LabModel[],
  options: { log?: (line: string) => void; images?: boolean } = {},
): Promise<void> {
  await runtime.check();
  if (!runtime.images || options.images === false) return;
  options.log?.('router image');
  const engine = runtime.images;
  for (const model of models) await buildImagesFor(model, { engine, ...(options.log ? { log: options.log } : {}) });
}
