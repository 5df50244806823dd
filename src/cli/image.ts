import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { suites } from '../daemons/types.js';
import { buildImage, imageRecipe, imageTag } from '../lab/image.js';
import { oneOf } from './options.js';

export function registerImage(program: Command): void {
  const image = program.command('image').description('the router image (FRR, BIRD, Open vSwitch, iproute2, nftables)');
  image
    .command('build')
    .description('build the router image from Debian packages unless the current recipe is already built')
    .option('--method <method>', 'auto | dockerfile | debootstrap (offline: debootstrap + docker import)', 'auto')
    .option('--suite <suite>', `${suites.join(' | ')} (the Debian release: its FRR and BIRD versions)`, 'bookworm')
    .action(async (options: { method: string; suite: string }) => {
      const suite = oneOf('--suite', options.suite, suites);
      if (!['auto', 'dockerfile', 'debootstrap'].includes(options.method)) {
        throw new InputError(`--method must be one of auto, dockerfile, debootstrap (got "${options.method}")`);
      }
      const start = Date.now();
      const result = await buildImage({ suite, method: options.method as 'auto', log: (l) => console.log(l) });
      console.log(
        `${result.tag} ${result.method === 'cached' ? 'already built' : `built with ${result.method} in ${((Date.now() - start) / 1000).toFixed(0)} s`}`,
      );
    });
  image
    .command('packages')
    .description(
      "the Debian packages of the image recipe, one a line: every daemon and LAG driver's, and the base tools (setup.sh installs them on the host too)",
    )
    .action(() => console.log(imageRecipe.packages.join('\n')));
  image
    .command('tag')
    .description('print the tag of the current recipe')
    .action(() => console.log(imageTag));
}
