// Child process of the data benchmark: loads one domain so its peak RSS is the loader's own.
import { loadDomainTable } from '../enclave-worker/data/columns.ts';
import { loadManifest } from '../enclave-worker/data/manifest.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: load-child.ts <domain dir>');
  process.exit(2);
}
const manifest = await loadManifest(dir);
const started = performance.now();
const table = await loadDomainTable(dir, manifest);
const loadSeconds = (performance.now() - started) / 1000;
// maxRSS is in KiB: the peak resident set of this process over its whole life.
const loadRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    loadSeconds,
    loadRssMiB,
    rows: table.entities.length,
    columns: table.columns.size,
    invalidKeys: table.invalidKeys,
  }),
);
