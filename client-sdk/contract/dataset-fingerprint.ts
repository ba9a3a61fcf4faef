// A dataset file's fingerprint, as a domain's broker publishes it and a model's lineage records it.
import { z } from 'zod';

/**
 * The SHA-256 of a dataset file's bytes and its data rows (header excluded), computed by the
 * domain's broker when it starts. Two models trained on the same fingerprints saw the same files.
 *
 * @example
 * DatasetFingerprint.parse({ dataset: 'tax', rows: 11873,
 *   sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
 */
export const DatasetFingerprint = z.strictObject({
  dataset: z.string().min(1).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  rows: z.int().min(0),
});
export type DatasetFingerprint = z.infer<typeof DatasetFingerprint>;
