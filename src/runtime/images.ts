import { runCommand, type RunResult, type Runner } from '../util/run.js';
import { labels } from './identity.js';

/**
 * What a runtime whose nodes run images does with them: the router image is built, imported and used to
 * run a config parser through it. The recipe (which packages) is the lab's; the engine only executes.
 */
export interface ImageEngine {
  /** The engine's name, as error messages say it (docker, podman). */
  readonly name: string;
  exists(tag: string): Promise<boolean>;
  /** Pull `image` when it is not there; false when no registry answers. */
  pull(image: string): Promise<boolean>;
  /** Build the Dockerfile in `dir` as `tag`, labelled as a peerlab router image. */
  build(dir: string, tag: string): Promise<void>;
  /** Import a root filesystem tarball as `tag`, labelled as a peerlab router image, running `cmd`. */
  importRoot(tarball: string, tag: string, cmd: string[]): Promise<void>;
  /**
   * Run `argv` once in a throwaway container of `tag`: no network, `dir` mounted read-only at `at`,
   * labelled with `lab` (so `down` would find it). Exit codes of 125 and above are the engine's own.
   */
  runOnce(tag: string, argv: string[], mount: { dir: string; at: string }, lab: string): Promise<RunResult>;
}

const imageLabel = 'peerlab.image=router';

/** The docker CLI as an image engine. */
export function dockerImages(run: Runner = runCommand): ImageEngine {
  return {
    name: 'docker',
    async exists(tag) {
      return (await run(['docker', 'image', 'inspect', tag], { allowFailure: true })).exitCode === 0;
    },
    async pull(image) {
      if (await this.exists(image)) return true;
      return (await run(['docker', 'pull', image], { allowFailure: true, timeoutMs: 60_000 })).exitCode === 0;
    },
    async build(dir, tag) {
      await run(['docker', 'build', '--label', imageLabel, '-t', tag, dir], { timeoutMs: 900_000 });
    },
    async importRoot(tarball, tag, cmd) {
      const changes = ['--change', `CMD ${JSON.stringify(cmd)}`, '--change', `LABEL ${imageLabel}`];
      await run(['docker', 'import', ...changes, tarball, tag], { timeoutMs: 600_000 });
    },
    runOnce(tag, argv, mount, lab) {
      return run(
        [
          'docker',
          'run',
          '--rm',
          '--network',
          'none',
          '--label',
          `${labels.lab}=${lab}`,
          '-v',
          `${mount.dir}:${mount.at}:ro`,
          tag,
          ...argv,
        ],
        { allowFailure: true, timeoutMs: 120_000 },
      );
    },
  };
}
