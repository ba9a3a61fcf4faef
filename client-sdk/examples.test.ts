// Every SDK export carries a JSDoc `@example`, and the contract's `Schema.parse({...})` examples parse.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));

/** Every non-test `.ts` source under `client-sdk/` (build output excluded). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' || e.name === 'node_modules' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Exported {
  name: string;
  line: number;
  /** The JSDoc block directly before the export, or null. */
  doc: string | null;
  /** For `export type A = z.infer<typeof B>` (or `z.input`/`z.output`): B. */
  aliasOf: string | null;
}

const EXPORT =
  /^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|var|function\*?|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;
const ALIAS = /^export\s+type\s+\w+\s*=\s*z\.(?:infer|input|output)<typeof\s+([A-Za-z_$][\w$]*)>;?\s*$/;

/** The JSDoc block ending just above line `i` (blank lines and `//` comments in between allowed). */
function docAbove(lines: string[], i: number): string | null {
  let end = i - 1;
  while (end >= 0 && (lines[end]!.trim() === '' || lines[end]!.trim().startsWith('//'))) end--;
  if (end < 0 || !lines[end]!.trim().endsWith('*/')) return null;
  let start = end;
  while (start >= 0 && !lines[start]!.includes('/*')) start--;
  if (start < 0 || !lines[start]!.trim().startsWith('/**')) return null;
  return lines.slice(start, end + 1).join('\n');
}

function exportsOf(text: string): Exported[] {
  const lines = text.split('\n');
  const out: Exported[] = [];
  lines.forEach((line, i) => {
    const m = EXPORT.exec(line);
    if (!m) return;
    out.push({ name: m[1]!, line: i + 1, doc: docAbove(lines, i), aliasOf: ALIAS.exec(line)?.[1] ?? null });
  });
  return out;
}

const hasExample = (doc: string | null) => doc !== null && /(^|\n)\s*\*?\s*@example\b/.test(doc);

/** Exports (file:line name) whose JSDoc has no `@example`; inferred aliases of a documented schema pass. */
function undocumented(file: string): string[] {
  const all = exportsOf(readFileSync(file, 'utf8'));
  const documented = new Set(all.filter((e) => hasExample(e.doc)).map((e) => e.name));
  return all
    .filter((e) => !hasExample(e.doc) && !(e.aliasOf !== null && documented.has(e.aliasOf)))
    .map((e) => `${relative(root, file)}:${e.line} ${e.name}`);
}

/** The text of each `@example` of a JSDoc block, its ` * ` margins removed. */
function examplesIn(doc: string): string[] {
  const body = doc.split('\n').map((l) =>
    l
      .replace(/^\s*\/\*\*\s?/, '')
      .replace(/\s*\*\/\s*$/, '')
      .replace(/^\s*\*\s?/, ''),
  );
  const out: string[] = [];
  let current: string[] | null = null;
  for (const line of body) {
    if (/^@\w+/.test(line)) {
      if (current) out.push(current.join('\n').trim());
      current = line.startsWith('@example') ? [line.slice('@example'.length)] : null;
    } else current?.push(line);
  }
  if (current) out.push(current.join('\n').trim());
  return out;
}

/** Index just past the `)` closing the `(` at `open`, skipping string literals; -1 if unbalanced. */
function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < s.length && s[i] !== c; i++) if (s[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** True when `src` is built of literals only: strings, numbers, object keys, true/false/null. */
function isLiteral(src: string): boolean {
  if (src.includes('`') || src.includes('...')) return false;
  const rest = src
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/(^|[^\w$.])-?(?:\d[\d_]*(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w$])/g, '$10');
  for (const m of rest.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const after = rest.slice(m.index + m[0].length).trimStart();
    if (after.startsWith(':')) continue; // an object key
    if (!['true', 'false', 'null', 'undefined'].includes(m[0])) return false;
  }
  return /^[\s{}[\]:,"0.-]*$/.test(rest.replace(/[A-Za-z_$][\w$]*/g, ''));
}

interface ParseExample {
  schema: string;
  arg: string;
  /** The example says the call throws (a trailing `// throws …`). */
  throws: boolean;
}

/** `Schema.parse(<literal>)` calls of an example: the whole example if it is one call, else each line. */
function parseCalls(example: string): ParseExample[] {
  const one = (src: string): ParseExample | null => {
    const m = /^([A-Z][\w$]*)\.parse\(/.exec(src);
    if (!m) return null;
    const open = m[0].length - 1;
    const close = closeParen(src, open);
    if (close < 0) return null;
    const tail = src.slice(close).trim();
    if (!/^(?:\.[\w$.]+(?:\[\d+\])?)*;?\s*(?:\/\/.*)?$/.test(tail)) return null;
    const arg = src.slice(open + 1, close - 1);
    return isLiteral(arg) ? { schema: m[1]!, arg, throws: /\/\/.*\bthrows\b/.test(tail) } : null;
  };
  const whole = one(example.replace(/\n\s*/g, ' '));
  if (whole) return [whole];
  return example.split('\n').flatMap((l) => one(l.trim()) ?? []);
}

describe('client-sdk examples', () => {
  const files = sources(root);

  it('finds the SDK sources', () => {
    expect(files.map((f) => relative(root, f))).toContain('client.ts');
  });

  it('documents every export with an @example', () => {
    expect(files.flatMap(undocumented)).toEqual([]);
  });

  it('has Schema.parse examples in contract/ that parse', async () => {
    const contract = files.filter((f) => relative(root, f).startsWith('contract'));
    const modules = new Map<string, Record<string, unknown>>();
    for (const f of contract) modules.set(f, await import(pathToFileURL(f).href));
    const find = (file: string, name: string) =>
      modules.get(file)?.[name] ?? [...modules.values()].find((m) => name in m)?.[name];
    const failures: string[] = [];
    let checked = 0;
    for (const file of contract) {
      for (const e of exportsOf(readFileSync(file, 'utf8'))) {
        for (const call of (e.doc ? examplesIn(e.doc) : []).flatMap(parseCalls)) {
          const where = `${relative(root, file)}:${e.line} ${call.schema}.parse(${call.arg})`;
          const schema = find(file, call.schema) as
            | { safeParse?: (v: unknown) => { success: boolean; error?: { message: string } } }
            | undefined;
          if (typeof schema?.safeParse !== 'function') {
            failures.push(`${where}: no such schema`);
            continue;
          }
          // Evaluated apart from this module's scope; structuredClone brings the value into this realm.
          const value = structuredClone(runInNewContext(`(${call.arg})`, Object.create(null)));
          const result = schema.safeParse(value);
          checked++;
          if (result.success === call.throws)
            failures.push(
              `${where}: ${call.throws ? 'parsed, but the example says it throws' : result.error?.message}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});
