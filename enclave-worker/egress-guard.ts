// The egress guard: the broker's checks, outside the enclave, of what a task may use and of every
// message an enclave sends out. Anything not on the allow-list is refused with a stable code.
import type { z } from 'zod';
import { type ScoreModelWire, type ScoreVectors, scoreSources } from '../lab/infra/score-wire.ts';
import type { TrainSetup } from '../lab/infra/task-protocol.ts';
import { evaluationShape } from '../models/evaluation.ts';
import { jobStrategyFor } from '../models/registry.ts';
import { type RoundInstruction, shapeMismatch } from '../models/strategy.ts';
import type { DomainManifest } from './data/manifest.ts';
import type { LoadResult } from './protocol.ts';

/** Why the guard refused; stable, so tests, audits and operators can key on it. */
export type EgressCode =
  | 'identifier_feature'
  | 'personal_feature'
  | 'cohort_too_small'
  | 'class_cohort_too_small'
  | 'unexpected_field'
  | 'shape_mismatch'
  | 'row_shaped'
  | 'payload_too_large'
  | 'unrequested_entity';

/**
 * A refusal by the egress guard: never retried, always audited by the broker.
 *
 * @example
 * throw new EgressRefusal('row_shaped', "update field 'grad' has one value per training row");
 */
export class EgressRefusal extends Error {
  override name = 'EgressRefusal';
  constructor(
    readonly code: EgressCode,
    detail: string,
  ) {
    super(`egress refused (${code}): ${detail}`);
  }
}

type Loaded = z.infer<typeof LoadResult>;

/**
 * Before any row is loaded: the job's inputs (and label column), by this domain's own manifest
 * sensitivities. Identifiers are never inputs; personal columns only with the approval's grant.
 *
 * @example
 * checkInputs(task.setup, manifest); // throws EgressRefusal('personal_feature', …)
 */
export function checkInputs(setup: TrainSetup, manifest: DomainManifest): void {
  const sensitivity = new Map(
    manifest.datasets.flatMap((ds) => ds.columns.map((c) => [`${ds.name}.${c.name}`, c.sensitivity])),
  );
  const keys = new Set(manifest.datasets.map((ds) => `${ds.name}.${ds.key}`));
  const sources = new Set(setup.encoding.inputs.map((i) => i.source));
  if (setup.labels.source === 'domain') sources.add(setup.labels.column);
  for (const source of sources) {
    if (keys.has(source) || sensitivity.get(source) === 'identifier')
      throw new EgressRefusal(
        'identifier_feature',
        `${source} is an identifier and never leaves as an input`,
      );
    if (sensitivity.get(source) === 'personal' && !setup.egress.grantedPersonal.includes(source))
      throw new EgressRefusal('personal_feature', `${source} is personal and the approval did not grant it`);
  }
}

/**
 * After the enclave loaded the job's rows: every cohort behind a release is at least the minimum,
 * per class too (a second line behind the enclave's own check).
 *
 * @example
 * checkCohorts(loaded, task.setup);
 */
export function checkCohorts(loaded: Loaded, setup: TrainSetup): void {
  const { train, holdout, positives } = loaded;
  if (train < setup.minCohort)
    throw new EgressRefusal(
      'cohort_too_small',
      `${train} training rows, below the minimum ${setup.minCohort}`,
    );
  if (holdout > 0 && holdout < setup.minCohort)
    throw new EgressRefusal(
      'cohort_too_small',
      `${holdout} holdout rows, below the minimum ${setup.minCohort}`,
    );
  if (Math.min(positives, train - positives) < setup.minClassCohort)
    throw new EgressRefusal(
      'class_cohort_too_small',
      `${positives} positive and ${train - positives} negative rows; each class needs ${setup.minClassCohort}`,
    );
}

/**
 * Parses an enclave's reply with its strict schema; an unknown field or a wrong type is a refusal.
 *
 * @example
 * const body = guardedParse(RoundResult, raw, 4096);
 */
export function guardedParse<S extends z.ZodType>(schema: S, raw: unknown, maxBytes: number): z.infer<S> {
  const bytes = Buffer.byteLength(JSON.stringify(raw) ?? '');
  if (bytes > maxBytes)
    throw new EgressRefusal('payload_too_large', `reply of ${bytes} bytes exceeds the cap of ${maxBytes}`);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.join('.') || 'reply';
  if (issue.code === 'unrecognized_keys')
    throw new EgressRefusal('unexpected_field', `${where} carries unknown field '${issue.keys[0]}'`);
  throw new EgressRefusal('shape_mismatch', `${where}: ${issue.message}`);
}

/**
 * A round's update must be exactly the shape the model kind declares for the instruction; a vector
 * as long as the training or holdout rows is refused as row-shaped.
 *
 * @example
 * checkUpdate(body.update, task.setup, task.instruction, loaded);
 */
export function checkUpdate(
  update: Record<string, number[]>,
  setup: TrainSetup,
  instruction: RoundInstruction,
  loaded: Loaded,
): void {
  let declared: Record<string, number>;
  try {
    declared =
      instruction.phase === 'evaluate'
        ? evaluationShape()
        : jobStrategyFor(setup.modelKind, setup.dp).updateShape(instruction, setup.encoding.inputs.length);
  } catch (err) {
    throw new EgressRefusal('shape_mismatch', `no declared shape: ${(err as Error).message}`);
  }
  const off = shapeMismatch(update, declared);
  if (!off) return;
  const rowCounts = [loaded.train, loaded.holdout].filter((n) => n > 1);
  if (rowCounts.includes(off.length))
    throw new EgressRefusal(
      'row_shaped',
      `update field '${off.field}' has one value per row (${off.length})`,
    );
  if (off.problem === 'extra')
    throw new EgressRefusal(
      'unexpected_field',
      `update field '${off.field}' is not declared for ${instruction.phase}`,
    );
  throw new EgressRefusal(
    'shape_mismatch',
    `update field '${off.field}' is ${off.problem} for ${instruction.phase}`,
  );
}

/**
 * Scores leave only as one slot per requested entity, in order (no ids, so nothing can be reported
 * for an entity nobody asked about): a probability (`null` only for an opaque id this domain does
 * not hold), points only from a kind with its own points table, and reason codes that index the
 * model's source features (never values). Ranges and types are the schema's (`guardedParse`).
 *
 * @example
 * checkScores(body.scores, { entities, model, entityKey: 'uscc' });
 */
export function checkScores(
  scores: ScoreVectors,
  asked: { entities: readonly string[]; model: ScoreModelWire; entityKey: 'uscc' | 'opaque' },
): void {
  const n = asked.entities.length;
  if (
    scores.probability.length !== n ||
    scores.reasons.length !== n ||
    (scores.points && scores.points.length !== n)
  )
    throw new EgressRefusal(
      'unrequested_entity',
      `${scores.probability.length} scores for ${n} requested entities`,
    );
  if ((scores.points !== undefined) !== (asked.model.kind === 'scorecard'))
    throw new EgressRefusal('shape_mismatch', 'points only as a scorecard’s total');
  const sources = scoreSources(asked.model.encoding).length;
  for (let i = 0; i < n; i++) {
    const held = scores.probability[i] !== null;
    if (!held && asked.entityKey !== 'opaque')
      throw new EgressRefusal('shape_mismatch', 'every requested enterprise gets a score');
    if (scores.points && (scores.points[i] === null) === held)
      throw new EgressRefusal('shape_mismatch', 'points exactly where there is a score');
    const r = scores.reasons[i]!;
    if ((!held && r.length > 0) || r.some((k) => k >= sources))
      throw new EgressRefusal('unexpected_field', 'reason codes must be the model’s feature names');
  }
}
