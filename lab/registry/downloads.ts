// A registered model's downloads: its parameters as JSON, and a TF.js layers model for logistic and MLP.
import type { ModelWeights, TfjsModelJson } from '../../client-sdk/contract/model-registry.ts';
import type { Model } from '../../client-sdk/contract/resources.ts';
import { logisticToTfjsArtifacts } from '../../models/logistic-artifacts.ts';
import type { LogisticModel } from '../../models/logistic-model.ts';
import { mlpToTfjsArtifacts } from '../../models/mlp-artifacts.ts';
import type { MlpModel } from '../../models/mlp-model.ts';
import { version_layers } from '../../models/tf.ts';
import type { StoredModel } from '../store/models.ts';

/** The file `model.json` names for its weights; served beside it, so TF.js resolves it relative to it. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/**
 * How an input row must be prepared for the model's parameters and its TF.js model.
 *
 * @example
 * inputFormat('mlp'); // 'encoded inputs in `inputs` order, standardised …'
 */
export function inputFormat(kind: Model['kind']): string {
  if (kind === 'logistic')
    return 'encoded inputs in `inputs` order, in original units (the standardisation is folded into the weights); a missing value replaced by its training mean (`parameters.means`)';
  if (kind === 'mlp')
    return 'encoded inputs in `inputs` order, standardised as (x − means) / stds with `parameters.means` and `parameters.stds`; a missing value as 0';
  if (kind === 'gbdt')
    return 'encoded inputs in `inputs` order, in original units, a missing value as null: each tree of `parameters.trees` sends a row left when its feature is below `threshold` (a null threshold: every present value) and a missing value left when `missingLeft`; log-odds = `parameters.base` + the reached leaf `value` of every tree';
  return 'source features binned as in the points table (`GET /v1/models/:id/points-table`)';
}

/**
 * The JSON download: float64 parameters with the names of the inputs they act on.
 *
 * @example
 * modelWeights(model).inputs; // ['tax.annual_tax_paid', 'tax.annual_tax_paid#missing', …]
 */
export function modelWeights(model: StoredModel): ModelWeights {
  return {
    modelId: model.id,
    kind: model.kind,
    inputs: model.inputs,
    inputFormat: inputFormat(model.kind),
    parameters: model.parameters,
  };
}

/**
 * The TF.js layers model of a logistic or MLP model (`model.json` plus the float32 weights it
 * names), or null for a scorecard (its deployable form is its points table) or a gbdt (its JSON trees).
 *
 * @example
 * const { modelJson, weights } = tfjsModel(model)!;
 */
export function tfjsModel(model: StoredModel): { modelJson: TfjsModelJson; weights: Buffer } | null {
  const artifacts =
    model.kind === 'logistic'
      ? logisticToTfjsArtifacts(model.parameters as unknown as LogisticModel)
      : model.kind === 'mlp'
        ? mlpToTfjsArtifacts(model.parameters as unknown as MlpModel)
        : null;
  if (!artifacts) return null;
  return {
    modelJson: {
      format: artifacts.format,
      generatedBy: `TensorFlow.js tfjs-layers v${version_layers}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology as Record<string, unknown>,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: artifacts.weightSpecs.map(float32Spec) }],
      userDefinedMetadata: {
        ...artifacts.userDefinedMetadata,
        modelId: model.id,
        version: model.version,
        inputs: model.inputs,
        inputFormat: inputFormat(model.kind),
      },
    },
    weights: Buffer.from(artifacts.weightData),
  };
}

/** Both exporters write float32 weights only; the manifest says so. */
function float32Spec(s: { name: string; shape: number[] }) {
  return { name: s.name, shape: [...s.shape], dtype: 'float32' as const };
}
