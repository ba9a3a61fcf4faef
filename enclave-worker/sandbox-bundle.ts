// The enclave's code as one ES module, transpiled in the broker: the sandboxed enclave cannot run tsx.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where the wasm backend's binaries are; the bundled backend looks for them next to its own file
 * (`__dirname`), which a bundle piped through stdin does not have. The sandbox mounts node_modules
 * at the same path.
 */
const wasmDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

/**
 * TensorFlow.js is bundled in, not imported: resolving and compiling its few hundred module files
 * from node_modules took about half of an enclave's start-up (~400 ms of ~800 ms here). The rest of
 * the packages stay imports; so does tfjs-node, which is optional and native.
 */
const BUNDLED =
  /^@tensorflow\/tfjs(-core|-layers|-converter|-data|-backend-cpu|-backend-wasm|-backend-webgl)?$/;

/**
 * Entry points an enclave can run. `probe` is test-only: a hostile enclave used by the red-team tests
 * to show the sandbox holds; it is never started by the broker.
 */
export const enclaveEntries = {
  enclave: path.join(here, 'enclave', 'main.ts'),
  probe: path.join(here, 'enclave', 'probe.ts'),
} as const;
export type EnclaveEntry = keyof typeof enclaveEntries;

const bundles = new Map<EnclaveEntry, Promise<string>>();

/**
 * The entry's source and its repository imports, bundled and stripped of types by esbuild (tsx's own
 * transformer); packages stay `import`s that the enclave loads from node_modules. Why not `--import
 * tsx` inside the sandbox: tsx registers its loader on a worker thread (Node 20/22) and esbuild
 * transpiles through a worker thread and a child process, and the sandbox allows neither (a worker
 * started with `execArgv: []` would not inherit the permission model). Built once per broker process
 * (~35 ms), kept in memory and piped to each enclave's stdin, so nothing is written to disk.
 *
 * @example
 * const source = await enclaveBundle('enclave'); // pipe into `node --input-type=module -`
 */
export function enclaveBundle(entry: EnclaveEntry): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = build({
      entryPoints: [enclaveEntries[entry]],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      plugins: [
        {
          name: 'externals-but-tfjs',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) => {
              const pkg = args.path.startsWith('@')
                ? args.path.split('/').slice(0, 2).join('/')
                : args.path.split('/')[0]!;
              // Only top-level imports decide: inside a bundled package its own imports bundle too.
              if (BUNDLED.test(pkg) || args.importer.includes(`${path.sep}node_modules${path.sep}`)) {
                return pkg === '@tensorflow/tfjs-node' ? { path: args.path, external: true } : undefined;
              }
              return { path: args.path, external: true };
            });
          },
        },
      ],
      // CommonJS inside the bundled packages needs `require` (for node built-ins) and `__dirname`.
      banner: {
        js: `import { createRequire as __enclaveRequire } from 'node:module'; const require = __enclaveRequire(${JSON.stringify(`${wasmDir}/`)}); const __dirname = ${JSON.stringify(wasmDir)};`,
      },
      write: false,
      logLevel: 'silent',
      // No source map: --enable-source-maps costs ~40 ms per start; the bundle names each source file.
    }).then((out) => out.outputFiles[0]!.text);
    bundles.set(entry, bundle);
    bundle.catch(() => bundles.delete(entry));
  }
  return bundle;
}
