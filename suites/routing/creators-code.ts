/**
 * The routing oracle of the adversarial and binding-path cases: an instance ran its *creator's* code — the tenant
 * that issued the create, as the harness recorded it — whatever key the dispatcher routes by. When it did not, the
 * failure names the likely cause instead of only the symptom.
 */
import assert from "node:assert/strict";
import type { RunningTarget } from "../../contract/target.ts";
import { assertOwnTenant, type ProbeOutput } from "../probe.ts";
import { collisionsBetween } from "../tenant-ids.ts";

/** The library's error for an instance whose params carry no tenant tag (its name and its message's words). */
const MISSING_METADATA = /MissingDispatcherMetadataError|missing dispatcher metadata/i;

/**
 * The output of `creator`'s instance `id`, which must have completed with `creator`'s code in every step. `how`
 * says which binding path made or woke it ("createBatch", "resume"), for the message. When the code that ran is a
 * tenant whose id collides with the creator's under a common normalisation, the message names the collision.
 */
export async function creatorsOutput(t: RunningTarget, creator: string, id: string, how: string): Promise<ProbeOutput> {
  const view = await t.status(creator, id);
  const error = view.error ? `${view.error.name}: ${view.error.message}` : "";
  if (view.status === "errored" && MISSING_METADATA.test(error)) {
    assert.fail(
      `${creator}'s instance ${id} (${how}) errored with MissingDispatcherMetadataError: the ${how} path does not ` +
        `tag params with the tenant (wrapWorkflowBinding's envelope), so no tenant's code can run the instance; ` +
        `route every path through the wrapped binding. Engine: ${error.slice(0, 160)}`,
    );
  }
  assert.equal(
    view.status,
    "complete",
    `${creator}'s instance ${id} (${how}): expected complete, got ${view.status} ${error}`,
  );
  const output = view.output as ProbeOutput;
  try {
    assertOwnTenant(output, creator);
  } catch (thrown) {
    const ran = output?.tenant ?? output?.markers?.find((m) => m.tenant !== creator)?.tenant;
    const under = ran === undefined ? [] : collisionsBetween(creator, ran);
    const collision =
      under.length > 0
        ? ` — "${creator}" and "${ran}" are different tenants whose ids collide under ${under.join(", ")}: the dispatcher keys an isolate (or its tagged binding) on a normalised tenant id`
        : "";
    assert.fail(
      `${creator}'s instance ${id} (${how}) ran ${ran === undefined ? "other" : `"${ran}"'s`} code: ${(thrown as Error).message.split("\n")[0]}${collision}`,
    );
  }
  return output;
}
