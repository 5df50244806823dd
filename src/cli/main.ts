import { Command, CommanderError } from 'commander';
import { exitCodes, InternalError, PeerlabError } from '../errors.js';
import { registerCertify } from './certify.js';
import { registerCheck } from './check.js';
import { registerExport } from './export.js';
import { registerFault } from './fault.js';
import { registerImage } from './image.js';
import { registerLab } from './lab.js';
import { registerRender } from './render.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerTopology } from './topology.js';
import { registerValidate } from './validate.js';

/** The CLI's commands, built but not run (docs/cli.md is written from them: npm run docs:cli). */
export function program(): Command {
  const program = new Command('peerlab')
    .description('Prove a partner interconnect with Azure Peering Service (AS8075) survives failures, on real routers.')
    .exitOverride()
    .showHelpAfterError()
    // A command's options after a subcommand's name belong to the subcommand (report merge --out).
    .enablePositionalOptions();
  registerCertify(program);
  registerCheck(program);
  registerExport(program);
  registerFault(program);
  registerImage(program);
  registerLab(program);
  registerRender(program);
  registerReport(program);
  registerRun(program);
  registerTopology(program);
  registerValidate(program);
  return program;
}

/** Run the CLI on `argv` (without node and the script); resolves to the exit code (see `exitCodes`). */
export async function main(argv: string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : exitCodes.input;
    if (error instanceof PeerlabError && !(error instanceof InternalError)) {
      console.error(`peerlab: ${error.message}`);
      return error.exitCode;
    }
    console.error('peerlab: internal error (please report it):', error);
    return exitCodes.internal;
  }
}
