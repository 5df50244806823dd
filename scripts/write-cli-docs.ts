// Writes docs/cli.md from the commands' own definitions (src/cli/): names, arguments, descriptions, options,
// defaults and the help text they add. `npm run docs:cli`; test/docs.test.ts fails when the page is stale.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argument, Command, Option } from 'commander';
import { program } from '../src/cli/main.js';

export const cliDocsFile = fileURLToPath(new URL('../docs/cli.md', import.meta.url));

/** Text in a Markdown paragraph or table cell: Markdown's own characters escaped, one line. */
const text = (s: string) => s.replace(/\s*\n\s*/g, ' ').replace(/([\\`*_[\]<>|])/g, '\\$1');
/** Text in a code span (a term such as `--out <dir>`); a pipe is escaped so tables keep their columns. */
const code = (s: string) => `\`${s.replace(/\|/g, '\\|')}\``;

const fullName = (cmd: Command): string => (cmd.parent ? `${fullName(cmd.parent)} ${cmd.name()}` : cmd.name());
/** GitHub's anchor of a heading made of plain words. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

/** Commands in alphabetical order at every level (the implicit `help` command is not one). */
const subcommands = (cmd: Command) =>
  cmd
    .createHelp()
    .visibleCommands(cmd)
    .filter((c) => cmd.commands.includes(c))
    .sort((a, b) => a.name().localeCompare(b.name()));

/** What `addHelpText` adds before and after a command's own help, as its --help prints it. */
function addedHelp(cmd: Command): { before: string; after: string } {
  let written = '';
  cmd.configureOutput({ writeOut: (s) => (written += s) });
  cmd.outputHelp();
  const own = cmd.helpInformation();
  const at = written.indexOf(own);
  const trim = (s: string) => s.replace(/^\n+|\s+$/g, '');
  return { before: trim(written.slice(0, at)), after: trim(written.slice(at + own.length)) };
}

/** A default as a reader writes it: a string as it is, anything else as JSON. */
const shownValue = (value: unknown, description: string | undefined) =>
  code(description ?? (typeof value === 'string' ? value : JSON.stringify(value)));

/** The default as --help shows it (commander shows none for a plain flag); `required` for a required option. */
function defaultOf(option: Option): string {
  if (option.mandatory) return 'required';
  if (option.defaultValue === undefined) return '';
  const shown = option.required || option.optional || typeof option.defaultValue === 'boolean';
  return shown ? shownValue(option.defaultValue, option.defaultValueDescription) : '';
}

const argumentDefault = (a: Argument) =>
  a.defaultValue === undefined ? '' : shownValue(a.defaultValue, a.defaultValueDescription);

/** An argument as the usage line writes it: <name>, [name], <name...>. */
const argumentTerm = (a: Argument) => {
  const name = `${a.name()}${a.variadic ? '...' : ''}`;
  return a.required ? `<${name}>` : `[${name}]`;
};

function choices(item: Argument | Option): string {
  return item.argChoices ? ` (one of ${item.argChoices.map(code).join(', ')})` : '';
}

/** A table of terms and meanings, with a default column only when something has a default. */
function table(head: string, rows: { term: string; meaning: string; dflt: string }[]): string[] {
  const withDefault = rows.some((r) => r.dflt);
  return [
    `| ${head} | meaning |${withDefault ? ' default |' : ''}`,
    withDefault ? '|---|---|---|' : '|---|---|',
    ...rows.map((r) => `| ${r.term} | ${r.meaning} |${withDefault ? ` ${r.dflt} |` : ''}`),
    '',
  ];
}

function section(cmd: Command, level: number): string[] {
  const help = cmd.createHelp();
  const heading = fullName(cmd);
  const out = [`${'#'.repeat(level)} ${heading}`, '', '```', help.commandUsage(cmd), '```', ''];
  if (cmd.description()) out.push(text(cmd.description()), '');
  const { before, after } = addedHelp(cmd);
  if (before) out.push('```', before, '```', '');
  const args = help.visibleArguments(cmd);
  if (args.length)
    out.push(
      ...table(
        'argument',
        args.map((a) => ({
          term: code(argumentTerm(a)),
          meaning: `${text(a.description)}${choices(a)}`,
          dflt: argumentDefault(a),
        })),
      ),
    );
  const options = help.visibleOptions(cmd).filter((o) => o.long !== '--help');
  if (options.length)
    out.push(
      ...table(
        'option',
        options.map((o) => ({
          term: code(o.flags),
          meaning: `${text(o.description)}${choices(o)}`,
          dflt: defaultOf(o),
        })),
      ),
    );
  const subs = subcommands(cmd);
  if (subs.length) {
    out.push('| command | what it does |', '|---|---|');
    for (const s of subs)
      out.push(`| [${fullName(s)}](#${anchor(fullName(s))}) | ${text(help.subcommandDescription(s))} |`);
    out.push('');
  }
  if (after) out.push('```', after, '```', '');
  for (const s of subs) out.push(...section(s, level + 1));
  return out;
}

/** The whole page, as docs/cli.md holds it. */
export function cliReference(): string {
  const cli = program();
  const commands = subcommands(cli);
  const lines = [
    '# CLI reference',
    '',
    '<!-- Generated by scripts/write-cli-docs.ts from the definitions in src/cli/. Do not edit: run `npm run docs:cli`. -->',
    '',
    `${text(cli.description())}`,
    '',
    "Written from the commands' own definitions in `src/cli/` by `npm run docs:cli`, so it says what",
    '`--help` says; `test/docs.test.ts` fails when the two differ. Every command also has `--help`. The commands',
    'at a glance, the exit codes, and peerlab as an npm package or a library: [Install and use](using.md).',
    '',
    '| command | what it does |',
    '|---|---|',
    ...commands.map(
      (c) => `| [${fullName(c)}](#${anchor(fullName(c))}) | ${text(c.createHelp().subcommandDescription(c))} |`,
    ),
    '',
  ];
  for (const c of commands) lines.push(...section(c, 2));
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeFile(cliDocsFile, cliReference());
  console.log(`wrote ${cliDocsFile}`);
}
