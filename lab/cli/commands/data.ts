// `lab label-sets upload` (banks) and `lab authorizations import` (operators): CSV files into the lab.
import path from 'node:path';
import type { Command } from 'commander';
import { csvToImport, headerProblem } from '../../../client-sdk/contract/authorization-csv.ts';
import {
  AuthorizationImport,
  AuthorizationImportResult,
  EntityKey,
  LabelSet,
} from '../../../client-sdk/contract/resources.ts';
import { clientFor } from '../context.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { csvProblem, dataLines, readText } from '../files.ts';
import { labelSetLine } from '../format.ts';
import { labelSetFromCsv } from '../label-set-csv.ts';
import type { Output } from '../output.ts';

/** `--entity-key` checked against the contract's entity key types. */
function entityKeyOf(value: string | undefined): EntityKey | undefined {
  if (value === undefined) return undefined;
  const parsed = EntityKey.safeParse(value);
  if (!parsed.success)
    throw new CliError('usage', '--entity-key: uscc or opaque', ExitCode.usage, 'entityKey');
  return parsed.data;
}

const ENTITY_KEY_HELP = 'how entity ids are checked: uscc (Unified Social Credit Codes) or opaque';

/**
 * @example
 * registerData(program, out); // lab label-sets upload …, lab authorizations import …
 */
export function registerData(program: Command, out: Output): void {
  program
    .command('label-sets')
    .description("a bank's labels from its loan book")
    .command('upload')
    .description('upload a label set (bank scientists); it is kept encrypted in the lab')
    .argument('<file>', 'CSV with a header: entity,label[,bank feature columns…] ("-" reads stdin)')
    .option('--name <name>', 'the label set name (default: the file name)')
    .option('--entity-key <type>', ENTITY_KEY_HELP)
    .action(async (file: string, opts: { name?: string; entityKey?: string }, cmd: Command) => {
      const name = opts.name ?? (file === '-' ? 'stdin.csv' : path.basename(file));
      const entityKey = entityKeyOf(opts.entityKey);
      const upload = labelSetFromCsv(await readText(file), file, { name, entityKey });
      out.result(LabelSet, await clientFor(cmd, out).labelSets.create(upload), labelSetLine);
    });

  program
    .command('authorizations')
    .description("enterprises' consents to banks")
    .command('import')
    .description('import authorisations (operators)')
    .argument(
      '<file>',
      'CSV with a header: entity,bank,purposes,granted_at,expires_at[,evidence]; purposes split by ";" ("-" reads stdin)',
    )
    .option('--entity-key <type>', ENTITY_KEY_HELP)
    .action(async (file: string, opts: { entityKey?: string }, cmd: Command) => {
      const entityKey = entityKeyOf(opts.entityKey);
      const text = await readText(file);
      const { body, missing } = csvToImport(text, entityKey);
      if (missing)
        throw new CliError('invalid_file', `${file}: ${headerProblem(missing)}`, ExitCode.usage, 'header');
      const parsed = AuthorizationImport.safeParse(body);
      if (!parsed.success) throw csvProblem(file, parsed.error.issues[0]!, dataLines(text));
      const { grants } = parsed.data;
      const result = await clientFor(cmd, out).authorizations.import(grants, { entityKey });
      out.result(AuthorizationImportResult, result, (r) => `imported ${r.imported} authorisations`);
    });
}
