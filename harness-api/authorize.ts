/**
 * The shared secret that guards the harness control API (`/__harness/…`): `authorization: Bearer <secret>`, the
 * secret read from a Worker secret binding (default `HARNESS_TOKEN`). Worker code: web-standard APIs only.
 *
 * Answers, as JSON `{ error: { name, message } }`: 503 when the worker has no secret (nothing is reachable until it
 * is set, rather than open), 401 naming what is wrong with the header (missing, not Bearer, wrong secret).
 */

/** Compares two secrets in time independent of where they differ (hashing first makes the lengths equal). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

export function jsonError(status: number, name: string, message: string, headers: Record<string, string> = {}) {
  return Response.json({ error: { name, message } }, { status, headers });
}

/** An error response when the request may not use the control API, or null when it may. */
export async function authorize(request: Request, expected: unknown, secretBinding: string): Promise<Response | null> {
  if (typeof expected !== "string" || expected === "") {
    return jsonError(
      503,
      "HarnessNotConfigured",
      `${secretBinding} is not set on this worker: run \`npx wrangler secret put ${secretBinding}\``,
    );
  }
  const challenge = { "www-authenticate": 'Bearer realm="dwc-harness"' };
  const header = request.headers.get("authorization");
  if (header === null || header.trim() === "") {
    return jsonError(
      401,
      "Unauthorized",
      `missing authorization header: send \`authorization: Bearer <${secretBinding}>\``,
      challenge,
    );
  }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) {
    return jsonError(
      401,
      "Unauthorized",
      `the authorization header is not a Bearer token: send \`authorization: Bearer <${secretBinding}>\``,
      challenge,
    );
  }
  if (!(await sameSecret(match[1].trim(), expected))) {
    return jsonError(
      401,
      "Unauthorized",
      `wrong harness token: it does not match this worker's ${secretBinding}`,
      challenge,
    );
  }
  return null;
}
