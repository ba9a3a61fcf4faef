// The `/docs` page: the OpenAPI document rendered on the server as one self-contained HTML page (no scripts, no CDN).
import type { JsonSchema, OpenApiDocument, Operation, Parameter, ResponseObject } from './document.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** Descriptions are CommonMark; code spans are the only markup they use. */
const prose = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');
const anchor = (kind: string, name: string) => `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

/** A variant of a discriminated union by its tag: `object (kind: "mlp")`. */
function discriminated(s: JsonSchema): string | null {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const tag = Object.entries(props).find(([, p]) => 'const' in p);
  return tag
    ? `object (${escapeHtml(tag[0])}: <code>${escapeHtml(JSON.stringify(tag[1].const))}</code>)`
    : null;
}

/** A short type label: `Job`, `array of string`, `"a" | "b"`, `integer | null`, `map of number`. */
function typeLabel(s: JsonSchema): string {
  if (typeof s.$ref === 'string') {
    const name = refName(s.$ref);
    return `<a href="#${anchor('schema', name)}">${escapeHtml(name)}</a>`;
  }
  if ('const' in s) return `<code>${escapeHtml(JSON.stringify(s.const))}</code>`;
  if (Array.isArray(s.enum))
    return s.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ');
  const union = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (union) return union.map((v) => discriminated(v) ?? typeLabel(v)).join(' | ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  const labels = types.map((t) => {
    if (t === 'array' && s.items) return `array of ${typeLabel(s.items as JsonSchema)}`;
    if (
      t === 'object' &&
      !s.properties &&
      s.additionalProperties &&
      typeof s.additionalProperties === 'object'
    )
      return `map of ${typeLabel(s.additionalProperties as JsonSchema)}`;
    return escapeHtml(t);
  });
  return labels.length > 0 ? labels.join(' | ') : 'any';
}

/** Top-level fields of a schema; a union lists each variant's fields. */
function fields(s: JsonSchema, doc: OpenApiDocument, caption: string): string {
  const resolved = typeof s.$ref === 'string' ? (doc.components.schemas[refName(s.$ref)] ?? s) : s;
  const variants = resolved.oneOf as JsonSchema[] | undefined;
  if (variants)
    return variants
      .map((v, i) => fields(v, doc, `${caption}, variant ${i + 1} of ${variants.length}`))
      .join('');
  const props = resolved.properties as Record<string, JsonSchema> | undefined;
  if (!props) return `<p>${escapeHtml(caption)}: ${typeLabel(resolved)}</p>`;
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(
    ([name, p]) =>
      `<tr><td><code>${escapeHtml(name)}</code></td><td>${typeLabel(p)}</td><td>${required.has(name) ? 'yes' : 'no'}</td><td>${typeof p.description === 'string' ? prose(p.description) : ''}</td></tr>`,
  );
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr><th scope="col">field</th><th scope="col">type</th><th scope="col">required</th><th scope="col">notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function parameters(op: Operation, doc: OpenApiDocument): string {
  const list = op.parameters.map((p) =>
    '$ref' in p ? (doc.components.parameters[refName(p.$ref)] as Parameter) : p,
  );
  const rows = list.map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${typeLabel(p.schema)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${p.description ? prose(p.description) : ''}</td></tr>`,
  );
  return `<table><caption>Parameters</caption><thead><tr><th scope="col">name</th><th scope="col">in</th><th scope="col">type</th><th scope="col">required</th><th scope="col">notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function responses(op: Operation, doc: OpenApiDocument): string {
  const items = Object.entries(op.responses).map(([status, r]) => {
    const res: ResponseObject = '$ref' in r ? doc.components.responses[refName(r.$ref)]! : r;
    const media = Object.entries(res.content ?? {})
      .map(([type, m]) => `<code>${escapeHtml(type)}</code>: ${typeLabel(m.schema)}`)
      .join('; ');
    return `<li><strong>${escapeHtml(status)}</strong> ${prose(res.description)}${media ? ` — ${media}` : ''}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

function operation(method: string, path: string, op: Operation, doc: OpenApiDocument): string {
  const id = anchor('op', op.operationId);
  const roles =
    op['x-roles'].length > 0 ? op['x-roles'].map((r) => `<code>${r}</code>`).join(', ') : 'none (no API key)';
  const body = op.requestBody
    ? Object.entries(op.requestBody.content)
        .map(([type, m]) => fields(m.schema, doc, `Request body (${type})`))
        .join('')
    : '';
  return `<section class="op" id="${id}" aria-labelledby="${id}-h"><h3 id="${id}-h"><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${prose(op.summary)}</p>${op.description ? `<p>${prose(op.description)}</p>` : ''}
<p><strong>Roles:</strong> ${roles}</p>${parameters(op, doc)}${body}<h4>Responses</h4>${responses(op, doc)}</section>`;
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1b1f24}
code{font:13px ui-monospace,monospace;background:#f2f4f7;padding:0 .2em;border-radius:3px}
table{border-collapse:collapse;margin:.5rem 0;width:100%}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #d5d9e0;padding:.2rem .45rem;text-align:left;vertical-align:top}
.op{border-top:1px solid #d5d9e0;padding:.25rem 0 .75rem}.method{font-weight:700;padding:0 .35em;border-radius:3px;color:#fff;background:#555}
.get{background:#1f6feb}.post{background:#1a7f37}.put{background:#9a6700}.patch{background:#8250df}.delete{background:#cf222e}`;

/**
 * The page, grouped by tag in the document's tag order; schemas follow, each with its fields.
 *
 * @example
 * const html = docsPage(openApiDocument(catalogue));
 */
export function docsPage(doc: OpenApiDocument): string {
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op: op as Operation })),
  );
  const groups = doc.tags.map((tag) => {
    const id = anchor('tag', tag.name);
    const body = ops
      .filter(({ op }) => op.tags.includes(tag.name))
      .map(({ method, path, op }) => operation(method, path, op, doc))
      .join('\n');
    return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeHtml(tag.name)}</h2><p>${prose(tag.description)}</p>\n${body}</section>`;
  });
  const schemas = Object.entries(doc.components.schemas).map(([name, s]) => {
    const id = anchor('schema', name);
    return `<section id="${id}" aria-labelledby="${id}-h"><h3 id="${id}-h">${escapeHtml(name)}</h3>${fields(s, doc, `${name} fields`)}</section>`;
  });
  const contents = doc.tags
    .map((t) => `<li><a href="#${anchor('tag', t.name)}">${escapeHtml(t.name)}</a></li>`)
    .concat('<li><a href="#schemas">schemas</a></li>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1><p>${prose(doc.info.description)} The machine-readable form is <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p></header>
<nav aria-label="Contents"><ul>${contents.join('')}</ul></nav>
<main>${groups.join('\n')}
<section id="schemas" aria-labelledby="schemas-h"><h2 id="schemas-h">schemas</h2>${schemas.join('\n')}</section></main></body></html>
`;
}
