import type { Command } from 'commander';
import { formatModel } from '../topology/format.js';
import { loadTopology } from '../topology/load.js';

export function registerTopology(program: Command): void {
  const topology = program.command('topology').description('inspect topologies');
  topology
    .command('show')
    .description('the resolved nodes, links, BGP sessions and addresses')
    .argument('<topology>', 'topology YAML file')
    .option('--json', 'print the resolved model as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const model = await loadTopology(file);
      console.log(options.json ? JSON.stringify(model, null, 2) : formatModel(model));
    });
}
