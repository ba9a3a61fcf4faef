// `lab models list | show | download | score`: released models, their weights, and scoring.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ModelCard, ModelList, ModelWeights } from '../../../client-sdk/contract/model-registry.ts';
import { Model, ScoreRequest, ScoreResponse } from '../../../client-sdk/contract/resources.ts';
import { clientFor, firstOrAll, intIn } from '../context.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { readJson } from '../files.ts';
import { cardDetails, listText, modelDetails, modelLine, scoreLines } from '../format.ts';
import type { Output } from '../output.ts';
import { Downloaded } from '../schemas.ts';

const Inputs = ScoreRequest.shape.inputs.unwrap();

/**
 * @example
 * registerModels(program, out); // lab models …
 */
export function registerModels(program: Command, out: Output): void {
  const models = program.command('models').description('released models: list, inspect, download, score');

  models
    .command('list')
    .description('released models, newest first')
    .option('--name <name>', "only versions of this model name (the job's spec.name)")
    .option('--status <status>', 'active or retired')
    .option('--limit <n>', 'models per page (1-100)', intIn(1, 100))
    .option('--all', 'every page, not only the first')
    .action(async (opts: { name?: string; status?: string; limit?: number; all?: boolean }, cmd: Command) => {
      const status = Model.shape.status.optional().safeParse(opts.status);
      if (!status.success)
        throw new CliError('usage', '--status: active or retired', ExitCode.usage, 'status');
      const params = { name: opts.name, status: status.data, limit: opts.limit };
      const page = await firstOrAll(clientFor(cmd, out).models.list(params), opts.all);
      out.result(ModelList, page, (p) => listText(p.data.map(modelLine), p.nextCursor, 'models'));
    });

  models
    .command('show')
    .description('a model: metrics, inputs, domains, privacy (--card: its model card)')
    .argument('<id>', 'model id')
    .option('--card', 'the model card instead: intended use, data, evaluation, limitations, versions')
    .action(async (id: string, opts: { card?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, out);
      if (opts.card) out.result(ModelCard, await client.models.card(id), cardDetails);
      else out.result(Model, await client.models.retrieve(id), modelDetails);
    });

  models
    .command('download')
    .description("a model's weights (float64 parameters and the inputs they act on) as JSON")
    .argument('<id>', 'model id')
    .option('--out <file>', 'where to write them ("-": stdout); default <id>.weights.json')
    .action(async (id: string, opts: { out?: string }, cmd: Command) => {
      const weights = await clientFor(cmd, out).models.weights(id);
      const text = `${JSON.stringify(weights, null, 2)}\n`;
      if (opts.out === '-') return out.result(ModelWeights, weights, () => text.trimEnd());
      const file = opts.out ?? `${id}.weights.json`;
      await writeFile(file, text);
      const written = {
        modelId: weights.modelId,
        kind: weights.kind,
        file,
        bytes: Buffer.byteLength(text),
        sha256: createHash('sha256').update(text).digest('hex'),
      };
      out.result(Downloaded, written, (d) => `${d.file}  ${d.bytes} bytes  sha256 ${d.sha256}`);
    });

  models
    .command('score')
    .description('score enterprises (risk systems); exits 1 when any entity is not scored')
    .argument('<id>', 'model id')
    .argument('<entity...>', 'entity ids (USCC, or opaque ids)')
    .option('--inputs <file>', 'bank-side inputs per entity, JSON: {"<entity>": {"<feature>": number}}')
    .action(async (id: string, entities: string[], opts: { inputs?: string }, cmd: Command) => {
      const inputs = opts.inputs ? await readJson(opts.inputs, Inputs) : undefined;
      const scored = await clientFor(cmd, out).models.score(id, entities, inputs);
      out.result(ScoreResponse, scored, scoreLines);
      if (scored.results.some((r) => !r.ok)) process.exitCode = ExitCode.failure;
    });
}
