/**
 * Step outputs that are streams (WF-19) or sensitive (WF-21), seen through a dynamic workflow: the stream crosses
 * from the tenant's isolate to the engine, is stored, and comes back after a restart as a new stream; a sensitive
 * output reaches the workflow whole and is hidden where the engine shows step outputs.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import type { RunningTarget } from "../../contract/target.ts";
import { assertOwnTenant, expectStatus, outputOf } from "../probe.ts";

/**
 * Lets the instance store its first step before a crash. A local-shaped status() lists stored step outputs, so a
 * real-time target (workerd) is polled until it shows one; otherwise 150 ms pass (instantly on virtual time).
 */
async function untilFirstStepStored(t: RunningTarget, tenant: string, id: string): Promise<void> {
  if (t.profile.statusShape !== "local") return t.advance(150);
  for (let polls = 0; polls < 100; polls++) {
    const shown = (await t.status(tenant, id)).__LOCAL_DEV_STEP_OUTPUTS as unknown[] | undefined;
    if (shown?.length) return;
    await t.advance(50);
  }
  throw new Error(`instance ${id} of ${tenant} stored no step within 100 polls`);
}

/** Over one stored chunk (256 KiB locally), so the replay spans several chunks. */
const PAD_BYTES = 300_000;
const OVER_16_MIB = 16 * 1024 * 1024 + 1;

/** The bytes of a streamed marker's first line (its JSON and a newline), as the probe tenant wrote them. */
const markerLineBytes = (marker: object) =>
  Buffer.byteLength(`${JSON.stringify({ ...marker, streamBytes: undefined })}\n`);

export const streamAndSensitiveCases = [
  defineCase({
    id: "steps/stream-output-survives-restart",
    title:
      "a step's ReadableStream output survives a runtime crash: not re-run, replayed as a stream of the same bytes",
    spec: ["WF-19", "WF-90"],
    needs: ["crash"],
    async run(t) {
      const id = await t.create("acme", {
        plan: [{ do: "blob", stream: { padBytes: PAD_BYTES } }, { sleep: "nap", duration: 3_000 }, { do: "after" }],
      });
      await untilFirstStepStored(t, "acme", id);
      await t.crash();
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assertOwnTenant(output, "acme");
      const [blob, after] = output.markers;
      assert.deepEqual(
        output.markers.map((m) => [m.step, m.attempt]),
        [
          ["blob", 1],
          ["after", 1],
        ],
      );
      assert.ok(blob.streamBytes !== undefined, "the workflow read the step's output as a stream");
      assert.equal(
        blob.streamBytes - PAD_BYTES,
        Buffer.byteLength(`${JSON.stringify({ ...blob, streamBytes: undefined })}\n`),
      );
      assert.notEqual(after.isolate, blob.isolate, "the crash dropped the isolate: 'blob' came from storage");
    },
  }),
  defineCase({
    id: "steps/sensitive-output-redacted",
    title: 'a step with sensitive: "output" passes its real value on, and status() never shows it',
    spec: ["WF-21", "WF-79"],
    async run(t) {
      const id = await t.create("globex", {
        plan: [{ do: "before" }, { do: "token", config: { sensitive: "output" } }, { do: "after" }],
      });
      await t.settle();
      const output = await outputOf(t, "globex", id);
      assertOwnTenant(output, "globex");
      assert.deepEqual(
        output.markers.map((m) => m.step),
        ["before", "token", "after"],
        "the workflow received the sensitive step's real output",
      );
      const view = await t.status("globex", id);
      if (t.profile.statusShape === "local") {
        // WF-79: the local engine lists step outputs, from its log, where a sensitive one is "[REDACTED]".
        const shown = view.__LOCAL_DEV_STEP_OUTPUTS as unknown[];
        assert.equal(shown.length, 3);
        assert.equal(shown[1], "[REDACTED]");
        assert.deepEqual(shown[0], output.markers[0]);
      } else {
        assert.equal(view.__LOCAL_DEV_STEP_OUTPUTS, undefined, "production's status() lists no step outputs");
      }
    },
  }),
];

/**
 * WF-19: the stream crosses RPC from the tenant's isolate to the engine as a byte stream (as workerd's RPC carries
 * one), before any engine rule sees it: a string chunk arrives as its UTF-8 bytes, a locked stream cannot be sent.
 */
export const streamOverRpcCases = [
  defineCase({
    id: "steps/stream-output-text-chunk",
    title: "a string chunk of a step's ReadableStream output arrives as its UTF-8 bytes",
    spec: ["WF-19"],
    async run(t) {
      const id = await t.create("initech", { plan: [{ do: "blob", stream: { invalid: "text-chunk" } }] });
      await t.settle();
      const [blob] = (await outputOf(t, "initech", id)).markers;
      assert.equal(blob.streamBytes, markerLineBytes(blob) + "text".length);
    },
  }),
  defineCase({
    id: "steps/stream-output-locked",
    title: "a step returning a locked ReadableStream fails each attempt with TypeError (it cannot be sent)",
    spec: ["WF-19", "WF-38"],
    async run(t) {
      const id = await t.create("initech", {
        plan: [{ do: "blob", stream: { invalid: "locked" }, config: { retries: { limit: 1, delay: 10 } } }],
      });
      await t.settle();
      const view = await expectStatus(t, "initech", id, "errored");
      assert.deepEqual(view.error, { name: "TypeError", message: "The ReadableStream has been locked to a reader." });
    },
  }),
  defineCase({
    id: "steps/stream-output-object-chunk",
    title: "a chunk that is not bytes breaks the stream on its way: the instance ends, with no retry",
    spec: ["WF-19"],
    async run(t) {
      const id = await t.create("initech", {
        plan: [{ do: "blob", stream: { invalid: "object-chunk" }, config: { retries: { limit: 1, delay: 10 } } }],
      });
      await t.settle();
      const view = await expectStatus(t, "initech", id, "errored");
      assert.deepEqual(view.error, {
        name: "WorkflowFatalError",
        message:
          'The execution of the Workflow instance was terminated, as the step "blob" returned an invalid ReadableStream output. Failed to read from step ReadableStream output. ReadableStream received over RPC disconnected prematurely.',
      });
    },
  }),
  defineCase({
    id: "steps/stream-output-chunk-over-16-mib",
    title: "a chunk over 16 MiB crosses RPC in smaller pieces, so even the local engine's 16 MiB chunk rule keeps it",
    spec: ["WF-19"],
    async run(t) {
      const id = await t.create("initech", {
        plan: [{ do: "blob", stream: { padBytes: OVER_16_MIB, padChunkBytes: OVER_16_MIB } }],
      });
      await t.settle();
      const [blob] = (await outputOf(t, "initech", id)).markers;
      assert.equal(blob.streamBytes, markerLineBytes(blob) + OVER_16_MIB);
    },
  }),
];
