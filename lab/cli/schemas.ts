// The `--json` output of every `lab` client command: one zod schema each, the SDK's contract where it has one.
import { z } from 'zod';
import { AuditVerify } from '../../client-sdk/contract/audit.ts';
import { ErrorCode } from '../../client-sdk/contract/errors.ts';
import { ApiKeyRecord, CreatedKey, KeyList } from '../../client-sdk/contract/keys.ts';
import { ModelCard, ModelList, ModelWeights } from '../../client-sdk/contract/model-registry.ts';
import {
  AuthorizationImportResult,
  Job,
  JobEvent,
  JobList,
  LabelSet,
  Model,
  Role,
  ScoreResponse,
} from '../../client-sdk/contract/resources.ts';

/** The first line of `jobs submit --watch --json` and `jobs watch --json`: the job as it stood. */
export const WatchStart = z.object({ type: z.literal('job'), job: Job });

/**
 * One line of a watched job's JSON Lines: the job, then its events (progress per round, status
 * changes) as the SDK yields them; the last line is a terminal `status`.
 *
 * @example
 * for (const line of stdout.trim().split('\n')) WatchLine.parse(JSON.parse(line));
 */
export const WatchLine = z.union([WatchStart, JobEvent]);
export type WatchLine = z.infer<typeof WatchLine>;

/**
 * `models download --out <file> --json`: what was written where (with `--out -` the weights
 * document itself is the output: `ModelWeights`).
 *
 * @example
 * const { file, sha256 } = Downloaded.parse(JSON.parse(stdout));
 */
export const Downloaded = z.object({
  modelId: z.string(),
  kind: Model.shape.kind,
  file: z.string(),
  bytes: z.int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Downloaded = z.infer<typeof Downloaded>;

/** `keys create --direct --json`: the key, once, with its record's id (the bootstrap's output since it existed). */
export const DirectCreatedKey = z.strictObject({
  key: z.string(),
  keyId: ApiKeyRecord.shape.keyId,
  role: Role,
  tenant: z.string(),
});
export type DirectCreatedKey = z.infer<typeof DirectCreatedKey>;

/** Codes of errors the CLI raises itself (config, files, network), beside the lab's. */
export const CliErrorCode = z.enum([
  'usage',
  'config',
  'invalid_file',
  'unreachable',
  'contract',
  'internal',
]);

/**
 * What any command prints on stderr, as one JSON line, when it fails under `--json`; `status` is
 * the lab's HTTP status when the lab answered.
 *
 * @example
 * const { error } = CliErrorOutput.parse(JSON.parse(stderr)); // { code: 'not_found', message, exitCode: 4 }
 */
export const CliErrorOutput = z.strictObject({
  error: z.strictObject({
    code: z.union([ErrorCode, CliErrorCode, z.literal('unknown')]),
    message: z.string(),
    field: z.string().optional(),
    status: z.int().optional(),
    exitCode: z.int().min(1),
  }),
});
export type CliErrorOutput = z.infer<typeof CliErrorOutput>;

/**
 * Each command's `--json` document, by command path.
 *
 * @example
 * CommandOutput['jobs show'].parse(JSON.parse(stdout));
 */
export const CommandOutput = {
  'jobs submit': Job,
  'jobs list': JobList,
  'jobs show': Job,
  'jobs approve': Job,
  'jobs reject': Job,
  'jobs cancel': Job,
  'models list': ModelList,
  'models show': Model,
  'models show --card': ModelCard,
  'models download': Downloaded,
  'models download --out -': ModelWeights,
  'models score': ScoreResponse,
  'label-sets upload': LabelSet,
  'authorizations import': AuthorizationImportResult,
  'audit verify': AuditVerify,
  'keys create': CreatedKey,
  'keys create --direct': DirectCreatedKey,
  'keys list': KeyList,
  'keys revoke': ApiKeyRecord,
} as const;
