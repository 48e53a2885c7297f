/**
 * Adversarial tenant ids: families of distinct ids that become equal under a normalisation dispatchers commonly
 * apply when they turn a tenant id into a Worker Loader id, a cache key or a URL (lower-casing, stripping
 * punctuation or accents, truncating, percent-decoding). A dispatcher that keys an isolate on the normalised id
 * hands one tenant's isolate — its code and its tagged Workflow binding — to another. The conformance suites and
 * the fuzzer draw their tenants from here, so a collision is exercised everywhere a tenant is.
 *
 * Tenant ids travel in the `x-tenant-id` header (docs/subject-contract.md), and an HTTP header is a byte string: a
 * decomposed (NFD) form such as "e\u0301" cannot be sent in one at all (`Headers` throws "Cannot convert argument to
 * a ByteString"), and how a runtime decodes header bytes above 0x7F is not something the suites should depend on.
 * So every id here is printable ASCII, and Unicode forms (NFC/NFD, accents) are not among the families.
 */

/** One family: distinct tenant ids that collide under `normalisation`. */
export interface TenantIdFamily {
  /** What turns them into one id, in words a failure message can show ("lower-casing"). */
  normalisation: string;
  ids: readonly string[];
}

/** Long enough that truncating to 8, 16, 32 or 64 characters leaves only the shared prefix. */
const LONG_TAIL = "x".repeat(64);

/**
 * The families generated from `base` (lower-case letters and one or more `-` separators, like "acme-corp"): every
 * id of a family differs from the others, and ids of different families differ too.
 */
export function collidingTenantIds(base: string): TenantIdFamily[] {
  if (!/^[a-z]+(-[a-z]+)+$/.test(base))
    throw new Error(`collidingTenantIds: base "${base}" must be lower-case words joined by "-", like "acme-corp"`);
  const words = base.split("-");
  return [
    {
      normalisation: "lower-casing",
      ids: [base, base.toUpperCase(), words.map((w) => w[0].toUpperCase() + w.slice(1)).join("-")],
    },
    {
      normalisation: "stripping punctuation and separators",
      ids: [words.join("_"), words.join("."), words.join("")],
    },
    {
      normalisation: "truncation (8, 16, 32 or 64 characters)",
      ids: [`${base}-${LONG_TAIL}-eu`, `${base}-${LONG_TAIL}-us`],
    },
    {
      normalisation: "percent-decoding or treating ':' and '/' alike",
      ids: [`${base}:eu`, `${base}/eu`, `${base}%2Feu`],
    },
  ];
}

/** Every id of the families, in order, each once. */
export function tenantIdsOf(families: readonly TenantIdFamily[]): string[] {
  const ids = families.flatMap((f) => f.ids);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Error(`tenant id "${duplicate}" appears in two families`);
  return ids;
}

/** Normalisations dispatchers apply to tenant ids, by name: what a failure message can blame. */
const NORMALISATIONS: ReadonlyArray<[string, (id: string) => string]> = [
  ["lower-casing", (id) => id.toLowerCase()],
  ["stripping punctuation", (id) => id.replace(/[^a-zA-Z0-9]/g, "")],
  ["percent-decoding", (id) => safeDecode(id)],
  ["treating ':' and '/' alike", (id) => id.replace(/[:/]/g, "/")],
  ...[8, 16, 32, 64].map((n): [string, (id: string) => string] => [
    `truncation to ${n} characters`,
    (id) => id.slice(0, n),
  ]),
];

function safeDecode(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** The normalisations under which two different ids become one (empty when none of them does). */
export function collisionsBetween(a: string, b: string): string[] {
  if (a === b) return [];
  return NORMALISATIONS.filter(([, normalise]) => normalise(a) === normalise(b)).map(([name]) => name);
}

/**
 * Instance ids one tenant may choose that look like another tenant's (a dispatcher that routes by an id prefix, or
 * prefixes ids with the tenant and strips the prefix again, is fooled by them). Valid Workflow instance ids (WF-71).
 */
export function lookalikeInstanceIds(otherTenant: string, n: number): string[] {
  const slug = otherTenant.replace(/[^a-zA-Z0-9_]/g, "_").slice(0, 40);
  return [`${slug}-${n}`, `${slug}_${n}`, `tenant-${slug}-${n}`, `${slug}--${n}`];
}

/**
 * Params keys a dispatcher might read a tenant from (what `wrapWorkflowBinding` metadata commonly holds, and the
 * library's own envelope key), each set to `victim`: a tenant that sends them must still run its own code.
 */
export function routingLookingParams(victim: string): Record<string, unknown> {
  return {
    tenantId: victim,
    tenant: victim,
    tenant_id: victim,
    tenantID: victim,
    metadata: { tenantId: victim },
    __dispatcherMetadata: { tenantId: victim },
  };
}
