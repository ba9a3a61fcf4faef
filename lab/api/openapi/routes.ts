// `GET /openapi.json` and `GET /docs`: the API's description, built from the route catalogue on first use.
import { Hono } from 'hono';
import { catalogue } from './catalogue/index.ts';
import { docsPage } from './docs-page.ts';
import type { OpenApiDocument } from './document.ts';
import { openApiDocument } from './generate.ts';

/** The page loads nothing and runs nothing: its own inline styles are all it may use. */
const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'";

/** The catalogue is fixed for the life of the process; building it takes ~60 ms, so it is built once, when first asked for. */
let built: { doc: OpenApiDocument; html: string } | undefined;
function described() {
  if (!built) {
    const doc = openApiDocument(catalogue);
    built = { doc, html: docsPage(doc) };
  }
  return built;
}

/**
 * Public (no API key): the description of the API is not a secret, and clients need it before
 * they hold a key.
 *
 * @example
 * app.route('/', openApiRoutes());
 */
export function openApiRoutes() {
  return new Hono()
    .get('/openapi.json', (c) => c.json(described().doc))
    .get('/docs', (c) => {
      c.header('content-security-policy', DOCS_CSP);
      return c.html(described().html);
    });
}
