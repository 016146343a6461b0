// A small kustomize renderer for the subset deploy/k8s/ uses — resources (files and directories),
// namespace, images (newName/newTag/digest), patches (file, strategic merge matched by kind + name) — so the
// tests check what `kubectl apply -k` would send without kubectl. Anything else in a kustomization.yaml
// is an error here, never silently ignored. Strategic merge subset: maps merge recursively, `null`
// deletes a key, lists of objects that all carry `name` merge by name, other lists are replaced.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass']);

export function readYamlDocs(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS() as K8sObject;
  }).filter((d) => d !== null);
}

const isMap = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed YAML value as JSON (what YAML's toJS gives for the documents deploy/k8s holds). */
function toJson(v: unknown): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  throw new Error(`not JSON: ${String(v)}`);
}

function asK8sObject(v: Json, where: string): K8sObject {
  if (!isMap(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string' || !isMap(v.metadata) || typeof v.metadata.name !== 'string') {
    throw new Error(`${where}: not a Kubernetes object`);
  }
  return { ...v, apiVersion: v.apiVersion, kind: v.kind, metadata: { ...v.metadata, name: v.metadata.name } };
}

export function strategicMerge(base: Json, patch: Json): Json {
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = k in base ? strategicMerge(base[k], v) : v;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && [...base, ...patch].every((i) => isMap(i) && typeof i.name === 'string')) {
    const out = base.map((i) => ({ ...(i as Record<string, Json>) }));
    for (const p of patch as Array<Record<string, Json>>) {
      const at = out.findIndex((i) => i.name === p.name);
      if (at >= 0) out[at] = strategicMerge(out[at], p) as Record<string, Json>;
      else out.push(p);
    }
    return out;
  }
  return patch;
}

function podSpecs(o: K8sObject): Array<Record<string, Json>> {
  const spec = o.spec as Record<string, Json> | undefined;
  const tpl = spec?.template as Record<string, Json> | undefined;
  return tpl && isMap(tpl.spec) ? [tpl.spec] : [];
}

/** Renders the kustomization in `dir` into the list of objects kustomize would output. */
export function render(dir: string): K8sObject[] {
  const k: Record<string, unknown> = readYamlDocs(join(dir, 'kustomization.yaml'))[0];
  for (const key of Object.keys(k)) if (!SUPPORTED.has(key)) throw new Error(`${dir}/kustomization.yaml: "${key}" is not supported by this renderer`);
  let objects: K8sObject[] = [];
  for (const r of (k.resources as string[] | undefined) ?? []) {
    const path = join(dir, r);
    objects.push(...(statSync(path).isDirectory() ? render(path) : readYamlDocs(path)));
  }
  for (const p of (k.patches as Array<Record<string, unknown>> | undefined) ?? []) {
    if (typeof p.path !== 'string' || Object.keys(p).length !== 1) throw new Error(`${dir}: only { path } patches are supported`);
    for (const patch of readYamlDocs(join(dir, p.path))) {
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at < 0) throw new Error(`${dir}/${p.path}: patch for ${patch.kind}/${patch.metadata.name} matches no resource`);
      objects[at] = asK8sObject(strategicMerge(toJson(objects[at]), toJson(patch)), `${dir}/${p.path}`);
    }
  }
  for (const img of (k.images as Array<{ name: string; newName?: string; newTag?: string; digest?: string }> | undefined) ?? []) {
    for (const o of objects) {
      for (const spec of podSpecs(o)) {
        for (const c of [...((spec.containers as Array<Record<string, Json>>) ?? []), ...((spec.initContainers as Array<Record<string, Json>>) ?? [])]) {
          const [name, tag] = String(c.image).split(':');
          if (name !== img.name) continue;
          // As kustomize: a digest replaces any tag (name@sha256:…).
          c.image = `${img.newName ?? name}${img.digest ? `@${img.digest}` : img.newTag ? `:${img.newTag}` : tag ? `:${tag}` : ''}`;
        }
      }
    }
  }
  if (typeof k.namespace === 'string') {
    objects = objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: k.namespace as string } }));
  }
  return objects;
}
