// Checks one HTTP answer against the OpenAPI document (docs/openapi.json, or a gateway's app.swagger()):
// the status must be documented for the route, the headers the document marks required must be there and
// match, the content type must be one it lists, and a JSON body must match its schema. Used by the parity
// suite on every answer of both backends; the shadow stage (src/shadow/contract-check.ts) counts Express answers that
// break the documented schema. Violations name the field path (`body.items.0.id`, `header.location`).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

export interface Violation {
  /** `route`, `status`, `header.<name>`, `content-type`, `body` or `body.<dotted path>`. */
  path: string;
  message: string;
}

export type Headers = Record<string, string | string[] | undefined>;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `:id` (Fastify) and `{id}` (OpenAPI) name the same template; a trailing slash is ignored. */
export function openapiTemplate(routeTemplate: string): string {
  const path = `/${routeTemplate.split('/').filter(Boolean).join('/')}`;
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export class ContractValidator {
  private readonly doc: Json;
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateFormats: true }));
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: unknown) {
    if (!isRecord(document) || !isRecord(document.paths)) throw new TypeError('not an OpenAPI document: no paths');
    this.doc = document;
  }

  /**
   * What is wrong with an answer. `routeTemplate` is the documented path (`/api/vehicles/:id` or
   * `/api/vehicles/{id}`), or undefined for a request no route matched: then only the contract's error
   * body is allowed. `body` is the parsed JSON, or undefined when the answer has none or is not JSON.
   * `checkHeaders` false: only the content type of `headers` is read (the shadow capture keeps no others).
   */
  violations(method: string, routeTemplate: string | undefined, status: number, headers: Headers, body: unknown, checkHeaders = true): Violation[] {
    if (routeTemplate === undefined) return this.unrouted(status, headers, body);
    const item = this.resolve(this.paths()[openapiTemplate(routeTemplate)]);
    // HEAD is answered by the GET route, without a body.
    const operation = isRecord(item) ? this.resolve(item[method === 'HEAD' ? 'get' : method.toLowerCase()]) : undefined;
    if (!isRecord(operation)) return [{ path: 'route', message: `${method} ${routeTemplate} is not in the document` }];
    const responses = isRecord(operation.responses) ? operation.responses : {};
    const response = this.resolve(responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default);
    if (!isRecord(response)) return [{ path: 'status', message: `${status} is not documented for ${method} ${routeTemplate}` }];
    const bodyViolations = method === 'HEAD' ? [] : this.bodyViolations(`${method} ${routeTemplate} ${status}`, response, headers, body);
    return checkHeaders ? [...this.headerViolations(response, headers), ...bodyViolations] : bodyViolations;
  }

  private unrouted(status: number, headers: Headers, body: unknown): Violation[] {
    const schema = this.resolve(isRecord(this.doc.components) && isRecord(this.doc.components.schemas) ? this.doc.components.schemas[`Error${status}`] : undefined);
    if (!isRecord(schema)) return [{ path: 'status', message: `${status} is not an error status of the contract` }];
    return this.bodyViolations(`unrouted ${status}`, { content: { 'application/json': { schema } } }, headers, body);
  }

  private paths(): Json {
    return isRecord(this.doc.paths) ? this.doc.paths : {};
  }

  private headerViolations(response: Json, headers: Headers): Violation[] {
    const out: Violation[] = [];
    const declared = isRecord(response.headers) ? response.headers : {};
    for (const [name, ref] of Object.entries(declared)) {
      const header = this.resolve(ref);
      if (!isRecord(header)) continue;
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required === true) out.push({ path: `header.${name}`, message: 'is required' });
        continue;
      }
      if (!isRecord(header.schema)) continue;
      const validate = this.compile(`header ${name}`, header.schema);
      if (!validate(Array.isArray(value) ? value.join(', ') : value)) out.push(...this.describe(validate.errors, `header.${name}`));
    }
    return out;
  }

  private bodyViolations(key: string, response: Json, headers: Headers, body: unknown): Violation[] {
    const content = isRecord(response.content) ? response.content : undefined;
    const type = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!content) {
      return type || body !== undefined ? [{ path: 'body', message: 'must be empty' }] : [];
    }
    const mediaKey = Object.keys(content).find((m) => m === type || (m.endsWith('/*') && type.startsWith(m.slice(0, -1))) || m === '*/*');
    if (mediaKey === undefined) return [{ path: 'content-type', message: `${type || 'none'} is not one of ${Object.keys(content).join(', ')}` }];
    const media = content[mediaKey];
    if (!isRecord(media) || !isRecord(media.schema) || !mediaKey.endsWith('json')) return []; // bytes: the type is what is checked
    const validate = this.compile(`${key} ${mediaKey}`, media.schema);
    return validate(body) ? [] : this.describe(validate.errors, 'body');
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(closed(this.inline(schema)));
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private describe(errors: ErrorObject[] | null | undefined, prefix: string): Violation[] {
    return (errors ?? []).map((e) => {
      const extra = e.keyword === 'required' ? e.params.missingProperty : e.keyword === 'additionalProperties' ? e.params.additionalProperty : undefined;
      const parts = [...e.instancePath.split('/').filter(Boolean), ...(typeof extra === 'string' ? [extra] : [])];
      const message = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not in the document' : e.message ?? 'is invalid';
      return { path: [prefix, ...parts].join('.'), message };
    });
  }

  /** A local `$ref` (`#/components/...`) replaced by what it points at. */
  private resolve(value: unknown): unknown {
    if (!isRecord(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/')) return value;
    let target: unknown = this.doc;
    for (const part of value.$ref.slice(2).split('/')) target = isRecord(target) ? target[part] : undefined;
    return this.resolve(target);
  }

  private inline(schema: unknown): unknown {
    const resolved = this.resolve(schema);
    if (Array.isArray(resolved)) return resolved.map((s) => this.inline(s));
    if (!isRecord(resolved)) return resolved;
    return Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, this.inline(v)]));
  }
}

/**
 * Objects that list their properties accept no others here: the native backend's serialiser writes only
 * documented fields, so a field the document does not name is a difference a client could come to rely on.
 */
function closed(schema: unknown): Json {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isRecord(node)) return node;
    const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    if (isRecord(node.properties) && node.additionalProperties === undefined && node.patternProperties === undefined) out.additionalProperties = false;
    return out;
  };
  const result = walk(schema);
  return isRecord(result) ? result : {};
}
