// Renders a model card as Markdown, for people: the same facts as the JSON card, nothing more.
import type { ModelCard } from '../../client-sdk/contract/model-registry.ts';

const f4 = (v: number) => v.toFixed(4);
const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : 'none');

/**
 * @example
 * renderModelCardMarkdown(card).startsWith('# Model card: sme-pd v2'); // true
 */
export function renderModelCardMarkdown(card: ModelCard): string {
  const { model, inputs, trainingData: data, evaluation: ev, privacy, lineage } = card;
  const lines = [
    `# Model card: ${model.name} v${model.version}`,
    '',
    `\`${model.id}\` · ${model.kind} · ${model.status} · tenant ${model.tenant} · released ${model.createdAt}`,
    '',
    '## Purpose and intended use',
    '',
    card.purpose,
    '',
    card.intendedUse,
    '',
    '## Inputs',
    '',
    ...Object.entries(inputs.bySensitivity).map(([s, names]) => `- ${s}: ${list(names)}`),
    `- ${inputs.encodedInputs} encoded inputs; format: ${inputs.format}`,
    '',
    '## Training data',
    '',
    '| domain | label rows | datasets (rows, SHA-256) |',
    '|---|---|---|',
    ...data.domains.map(
      (d) =>
        `| ${d.id} | ${d.labelRows ?? '—'} | ${d.datasets.map((x) => `${x.dataset} (${x.rows}, \`${x.sha256.slice(0, 12)}…\`)`).join('; ') || '—'} |`,
    ),
    '',
    `Label rows ${data.labelRows ?? '—'}, used ${data.usedRows ?? '—'}, dropped without authorisation ${data.droppedUnauthorised ?? '—'}.`,
    '',
    `## Evaluation (${ev.sample} sample, ${ev.rows} rows, ${ev.positives} positives)`,
    '',
    `AUC ${f4(ev.auc)} · KS ${f4(ev.ks)} · Gini ${f4(ev.gini)} · log loss ${f4(ev.logLoss)} · Brier ${f4(ev.brier)}`,
    '',
    ev.calibration
      ? `Calibration: mean predicted ${f4(ev.calibration.meanPredicted)} vs observed ${f4(ev.calibration.observedRate)}; expected calibration error ${f4(ev.calibration.expectedCalibrationError)}, largest bin gap ${f4(ev.calibration.maxBinGap)}.`
      : 'Calibration: not available.',
    ...Object.entries(ev.perDomain).map(
      ([d, m]) => `- ${d}: AUC ${f4(m.auc)}, KS ${f4(m.ks)} (${m.rows} rows)`,
    ),
    '',
    '## Privacy',
    '',
    `- cohort floor ${privacy.minCohort} rows (${privacy.minClassCohort} per class); ${privacy.parameterCount} parameters, ${privacy.rowsPerParameter.toFixed(1)} rows per parameter; aggregation ${privacy.aggregation}`,
    `- differential privacy: ${privacy.dp ? `ε ${privacy.dp.epsilon}, δ ${privacy.dp.delta}, σ ${privacy.dp.sigma} (${privacy.dp.mechanism})` : 'none'}; ε spent ${privacy.epsilonSpent}`,
    `- personal-feature grants: ${list(privacy.personalFeatureGrants)}`,
    '',
    '## Lineage',
    '',
    `Job \`${lineage.jobId}\`, ${lineage.rounds} rounds on ${lineage.backend}. Approved by ${list(lineage.approvals.map((a) => `${a.by} at ${a.at}${a.note ? ` ("${a.note}")` : ''}`))}.`,
    '',
    '## Limitations',
    '',
    ...card.limitations.map((l) => `- ${l}`),
    '',
    '## Versions',
    '',
    ...card.versions.map((v) => `- v${v.version} \`${v.id}\` ${v.status}, ${v.createdAt}`),
    '',
  ];
  return lines.join('\n');
}
