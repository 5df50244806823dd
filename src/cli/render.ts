import type { Command } from 'commander';
import { writeRenderedLab } from '../render/write.js';
import { loadTopology } from '../topology/load.js';

export function registerRender(program: Command): void {
  program
    .command('render')
    .description("write every router's daemon config and the resolved model (lab.json)")
    .argument('<topology>', 'topology YAML file')
    .requiredOption('--out <dir>', 'output directory (one folder per node)')
    .action(async (file: string, options: { out: string }) => {
      const written = await writeRenderedLab(await loadTopology(file), options.out);
      for (const path of written) console.log(path);
    });
}
