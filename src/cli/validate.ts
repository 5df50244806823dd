import type { Command } from 'commander';
import { InputError, PeerlabError } from '../errors.js';
import { loadScenario } from '../scenario/load.js';
import { loadTopology } from '../topology/load.js';
import { readYamlSource } from '../util/yaml-source.js';
import { yamlFiles } from './options.js';

/** A scenario says `steps:`; anything else is read as a topology. */
async function validateFile(file: string): Promise<string> {
  const { data } = await readYamlSource(file);
  if (data && typeof data === 'object' && 'steps' in data) {
    const { scenario, model } = await loadScenario(file);
    return `scenario ${scenario.name}: ${scenario.steps.length} steps, ${scenario.expect.length} expectations, on ${model.name}`;
  }
  const model = await loadTopology(file);
  return `topology ${model.name} (${model.type}): ${model.nodes.length} nodes, ${model.interconnects.length} interconnects`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'load and bind topologies and scenarios (names, addresses, partner configs by their parsers) without starting anything; exit 2 on a mistake',
    )
    .argument('<files...>', 'topology and scenario YAML files, or folders of them')
    .action(async (args: string[]) => {
      const files = await yamlFiles(args, 'topology or scenario');
      const errors: PeerlabError[] = [];
      for (const file of files) {
        try {
          console.log(`ok  ${file}: ${await validateFile(file)}`);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          console.error(error.message);
          errors.push(error);
        }
      }
      if (errors.length) {
        console.error(`${errors.length} of ${files.length} files refused`);
        process.exitCode = errors[0]!.exitCode;
      }
    });
}
