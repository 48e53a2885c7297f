/**
 * The classes the wrangler file names (workflows[].class_name, durable_objects[].class_name) must be exported by
 * the dispatcher's main module. Checked on the bundle's export list before a target starts, so a typo is one error
 * naming the field and the exports that do exist — not a runtime's startup failure or a column of failed cases.
 */
import type { SubjectDescription } from "../contract/subject.ts";
import { bundleDispatcher } from "./bundle-for-workerd.ts";
import { SubjectError, shownFile } from "./subject-error.ts";

export async function assertClassesExported(subject: SubjectDescription): Promise<void> {
  const { exports } = await bundleDispatcher(subject.main);
  const where = (subject.wranglerFile && shownFile(subject.wranglerFile)) ?? "the reference subject";
  const named = [
    ...subject.workflows.map((w, i) => ({ field: `workflows[${i}].class_name`, className: w.className })),
    ...subject.durableObjects.map((d, i) => ({
      field: `durable_objects.bindings[${i}].class_name`,
      className: d.className,
    })),
  ];
  for (const { field, className } of named) {
    if (exports.includes(className)) continue;
    throw new SubjectError(
      `${where}: ${field}: "${className}" is not exported by ${shownFile(subject.main)} (it exports: ${exports.join(", ") || "nothing"})`,
      `export the class from the dispatcher's main module (export { ${className} }), or correct ${field}`,
    );
  }
}
