import type { Command } from 'commander';
import { formatModel } from '../topology/format.js';
import { loadTopology } from '../topology/load.js';
import { syntheticTopology } from '../topology/generate.js';
import { InputError } from '../errors.js';

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
  topology
    .command('generate')
    .description('print a synthetic MAPS topology of N metros (2 peer routers, 2 edge routers each) for scale tests')
    .requiredOption('--metros <n>', 'how many metros')
    .option('--type <type>', 'direct | voice | ers', 'direct')
    .option('--daemon <daemon>', 'routing daemon of the peer routers', 'frr')
    .action((options: { metros: string; type: string; daemon: string }) => {
      if (!['direct', 'voice', 'ers'].includes(options.type))
        throw new InputError(`--type must be one of direct, voice, ers (got "${options.type}")`);
      console.log(
        syntheticTopology({
          metros: Number(options.metros),
          type: options.type as 'direct' | 'voice' | 'ers',
          daemon: options.daemon,
        }),
      );
    });
}
