import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonDrivers } from '../daemons/registry.js';
import { EnvironmentError } from '../errors.js';
import { runCommand, type Runner } from '../util/run.js';
import { lagDrivers } from './lag/registry.js';

/** Tools every node uses whatever its daemons: wiring, faults, probes' reachability checks, pid files. */
const basePackages = ['iproute2', 'nftables', 'iputils-ping', 'procps', 'kmod', 'ca-certificates'];

/**
 * What goes into the router image: the packages of every daemon and LAG driver, then the base tools.
 * Its hash is the image tag, so a rebuild happens only when this changes.
 */
export const imageRecipe = {
  repository: 'peerlab-router',
  suite: 'bookworm',
  base: 'debian:bookworm-slim',
  packages: [
    ...Object.values(daemonDrivers).flatMap((d) => d.packages),
    ...lagDrivers.flatMap((d) => d.packages),
    ...basePackages,
  ],
};

export const imageTag = `${imageRecipe.repository}:${createHash('sha256').update(JSON.stringify(imageRecipe)).digest('hex').slice(0, 12)}`;

export type BuildMethod = 'dockerfile' | 'debootstrap';

export function dockerfile(): string {
  return [
    `FROM ${imageRecipe.base}`,
    'RUN apt-get update \\',
    ` && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${imageRecipe.packages.join(' ')} \\`,
    ' && rm -rf /var/lib/apt/lists/*',
    'CMD ["sleep", "infinity"]',
    '',
  ].join('\n');
}

export interface BuildOptions {
  method?: BuildMethod | 'auto';
  mirror?: string;
  log?: (line: string) => void;
  run?: Runner;
}

export async function imageExists(run: Runner = runCommand): Promise<boolean> {
  return (await run(['docker', 'image', 'inspect', imageTag], { allowFailure: true })).exitCode === 0;
}

/** Build the router image unless it exists: a Dockerfile build where a registry answers, debootstrap + import where none does. */
export async function buildImage(options: BuildOptions = {}): Promise<{ tag: string; method: BuildMethod | 'cached' }> {
  const run = options.run ?? runCommand;
  const log = options.log ?? (() => {});
  if (await imageExists(run)) return { tag: imageTag, method: 'cached' };
  const method = options.method && options.method !== 'auto' ? options.method : await pickMethod(run);
  log(`building ${imageTag} (${method})`);
  const dir = await mkdtemp(join(tmpdir(), 'peerlab-image-'));
  try {
    if (method === 'dockerfile') {
      await writeFile(join(dir, 'Dockerfile'), dockerfile());
      await run(['docker', 'build', '--label', 'peerlab.image=router', '-t', imageTag, dir], { timeoutMs: 900_000 });
    } else {
      await bootstrapAndImport(
        dir,
        options.mirror ?? process.env.PEERLAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian',
        run,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { tag: imageTag, method };
}

async function pickMethod(run: Runner): Promise<BuildMethod> {
  if ((await run(['docker', 'image', 'inspect', imageRecipe.base], { allowFailure: true })).exitCode === 0)
    return 'dockerfile';
  const pull = await run(['docker', 'pull', imageRecipe.base], { allowFailure: true, timeoutMs: 60_000 });
  return pull.exitCode === 0 ? 'dockerfile' : 'debootstrap';
}

async function bootstrapAndImport(dir: string, mirror: string, run: Runner): Promise<void> {
  const root = join(dir, 'rootfs');
  const include = imageRecipe.packages.join(',');
  const strap = await run(
    ['debootstrap', '--variant=minbase', `--include=${include}`, imageRecipe.suite, root, mirror],
    {
      allowFailure: true,
      timeoutMs: 900_000,
    },
  );
  if (strap.exitCode !== 0) {
    throw new EnvironmentError(
      `debootstrap failed (is the debootstrap package installed? mirror ${mirror}):\n${strap.stderr.slice(-2000)}`,
    );
  }
  await rm(join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
  const tarball = join(dir, 'rootfs.tar');
  await run(['tar', '-C', root, '-cf', tarball, '.']);
  await run(
    [
      'docker',
      'import',
      '--change',
      'CMD ["sleep", "infinity"]',
      '--change',
      'LABEL peerlab.image=router',
      tarball,
      imageTag,
    ],
    {
      timeoutMs: 600_000,
    },
  );
}
