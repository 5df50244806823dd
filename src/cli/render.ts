import type { Command } from 'commander';
import { renderLab } from '../render/render.js';
import { validateConfig } from '../daemons/validate.js';
import { writeRenderedLab } from '../render/write.js';
import { loadTopology } from '../topology/load.js';
import { outputFolder } from './options.js';

export function registerRender(program: Command): void {
  program
    .command('render')
    .description("write every router's daemon config and the resolved model (lab.json)")
    .argument('<topology>', 'topology YAML file')
    .requiredOption('--out <dir>', 'output directory (one folder per node)')
    .option('--validate', "also parse every config with the daemon's own parser (vtysh --dryrun, bird -p)")
    .action(async (file: string, options: { out: string; validate?: boolean }) => {
      await outputFolder('--out', options.out);
      const model = await loadTopology(file);
      const written = await writeRenderedLab(model, options.out);
      for (const path of written) console.log(path);
      if (!options.validate) return;
      const results = await Promise.all(renderLab(model).map(validateConfig));
      for (const r of results)
        console.log(`${r.ok ? 'valid' : 'INVALID'} ${r.config.node}/${r.config.file}${r.ok ? '' : `\n${r.output}`}`);
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
